#include "containers/instancelauncher.h"

#include "containers/containerclass.h"
#include "containers/containerlogsink.h"
#include "containers/containermanager.h"
#include "containers/images/classimage.h"
#include "containers/images/imageinstance.h"
#include "containers/images/rootdirectory.h"
#include "containers/programlocator.h"
#include "containers/sandbox.h"
#include "util/tempfolders.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace edgedesk {

namespace {

QString jsonText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    if (value.isNull() || value.isUndefined())
        return QString();
    return QString::fromUtf8(value.isArray()
                                 ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                 : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

// A private folder (0700) for the instances' Unix-domain sockets, made on first use and removed
// at exit (or, after a crash, by the next EdgeDesk); empty if it cannot be made (the instances
// are then reached over TCP only).
QString processSocketFolder()
{
    static const QString folder = [] {
        removeTempFoldersOfGoneProcesses(QDir::tempPath(), QStringLiteral("edgedesk-sockets"));
        const QString made =
            makeProcessTempFolder(QDir::tempPath(), QStringLiteral("edgedesk-sockets"));
        if (!made.isEmpty()) {
            static QString removeAtExit = made;
            std::atexit([] { QDir(removeAtExit).removeRecursively(); });
        }
        return made;
    }();
    return folder;
}

// Caps the sandbox's cgroup at the instance type's share of a CPU (cpu.max, cgroup v2 with the
// cpu controller delegated); says what it did, for the containment line.
QString applyCpuShare(const QString &cgroup, int cpuMillis)
{
    constexpr int kPeriodUs = 100000;
    QFile file(cgroup + QStringLiteral("/cpu.max"));
    if (cgroup.isEmpty() || cpuMillis <= 0 || !file.open(QIODevice::WriteOnly))
        return QStringLiteral("no CPU cap (no cpu controller)");
    const QByteArray value = QByteArray::number(qint64(cpuMillis) * kPeriodUs / 1000) + ' ' +
                             QByteArray::number(kPeriodUs);
    if (file.write(value) != value.size() || !file.flush())
        return QStringLiteral("no CPU cap (%1)").arg(file.errorString());
    return QStringLiteral("cpu.max %1").arg(QString::fromLatin1(value));
}

Error cannotStart(const QString &why)
{
    return makeError(QStringLiteral("service_unavailable"),
                     QStringLiteral("cannot start: %1").arg(why));
}

} // namespace

LaunchPlan::LaunchPlan() = default;
LaunchPlan::~LaunchPlan() = default;
LaunchPlan::LaunchPlan(LaunchPlan &&) noexcept = default;
LaunchPlan &LaunchPlan::operator=(LaunchPlan &&) noexcept = default;

InstanceLauncher::InstanceLauncher(ContainerManager *manager, ContainerClass *containerClass,
                                   QString id, QString logSource)
    : m_manager(manager), m_class(containerClass), m_id(std::move(id)),
      m_logSource(std::move(logSource))
{}

QString InstanceLauncher::socketFolder() const
{
    const QString folder = processSocketFolder();
    if (folder.isEmpty())
        return QString();
    const QString socketDir = folder + QLatin1Char('/') +
                              QString(m_logSource).replace(QLatin1Char('/'), QLatin1Char('-'));
    const QByteArray native = QFile::encodeName(socketDir);
    if (native.size() < 90 && (::mkdir(native.constData(), 0700) == 0 || errno == EEXIST))
        return socketDir;
    return QString();
}

Result<LaunchPlan> InstanceLauncher::program(const SandboxProbe *probe) const
{
    const ContainerClassConfig &config = m_class->config();
    const ServerContext &context = m_manager->context();
    const auto program = ProgramLocator::find(m_class->kind() == ContainerClass::Kind::Program
                                                  ? m_class->reference().path()
                                                  : config.image,
                                              context.options.programDir);
    if (!program)
        return cannotStart(program.error().message);
    if (probe && !probe->usable)
        return cannotStart(QStringLiteral("no sandbox is available (%1); set \"sandbox\": "
                                          "\"none\" to run it unsandboxed")
                               .arg(probe->error));
    LaunchPlan plan;
    plan.host = QStringLiteral("127.0.0.1");
    plan.port = m_manager->allocatePort();
    if (plan.port == 0)
        return cannotStart(QStringLiteral("no free loopback port"));

    QMap<QString, QString> variables;
    for (auto it = config.env.begin(); it != config.env.end(); ++it)
        variables.insert(it.key(), jsonText(it.value()));
    variables.insert(QStringLiteral("PORT"), QString::number(plan.port));
    variables.insert(QStringLiteral("INSTANCE_ID"), m_id);
    // A program may also listen on a Unix-domain socket (api-backend does, and says so): the
    // proxy reaches it there at a fraction of loopback TCP's cost. Each instance gets a folder
    // of its own, which its sandbox (if any) sees at the same path.
    const QString socketDir = socketFolder();
    if (!socketDir.isEmpty()) {
        plan.unixSocket = socketDir + QStringLiteral("/http.sock");
        variables.insert(QStringLiteral("LISTEN_UNIX"), plan.unixSocket);
    }

    plan.process = std::make_unique<QProcess>();
    if (probe) {
        SandboxSpec spec;
        spec.program = *program;
        spec.arguments = m_class->commandArguments();
        spec.network = true; // host network: the proxy reaches it on the loopback interface
        spec.hostname = m_id;
        spec.environment = variables;
        spec.environment.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
        spec.binds = {{*program, *program, false, false}};
        if (!socketDir.isEmpty())
            spec.binds.append({socketDir, socketDir, true, false});
        spec.limits = ContainerClass::limitsFor(config.instanceType);
        plan.sandbox = std::make_unique<Sandbox>(spec, *probe);
        if (const Status prepared = plan.sandbox->prepare(); !prepared)
            return makeError(
                QStringLiteral("service_unavailable"),
                QStringLiteral("cannot prepare its sandbox: %1").arg(prepared.error().message));
        plan.sandbox->configure(*plan.process);
        m_class->setContainment(QStringLiteral("%1, %2").arg(
            probe->version, probe->describeContainment(spec.limits.maxProcesses, std::nullopt)));
    } else {
        // command-runner sandboxes each command itself; other programs run here only when the
        // class says "sandbox": "none".
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("COMMAND_SANDBOX"));
        environment.remove(QStringLiteral("COMMAND_NETWORK"));
        environment.remove(QStringLiteral("COMMAND_HOST_UID"));
        for (auto it = variables.cbegin(); it != variables.cend(); ++it)
            environment.insert(it.key(), it.value());
        if (m_class->kind() == ContainerClass::Kind::CommandRunner) {
            environment.insert(QStringLiteral("COMMAND_NETWORK"), config.commandNetwork);
            if (config.sandbox == QLatin1String("none"))
                environment.insert(QStringLiteral("COMMAND_SANDBOX"), QStringLiteral("none"));
        }
        plan.process->setProgram(*program);
        plan.process->setArguments(m_class->commandArguments());
        plan.process->setProcessEnvironment(environment);
        plan.process->setWorkingDirectory(context.dataDir);
        plan.process->setStandardInputFile(QProcess::nullDevice());
        const pid_t parent = ::getpid();
        plan.process->setChildProcessModifier([parent] {
            // Its own session: a Ctrl-C meant for EdgeDesk's terminal is not its to handle.
            ::setsid();
            // Dies with EdgeDesk, even on kill -9 (its commands' bwrap die with it in turn).
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent)
                ::_exit(1); // EdgeDesk died before the line above took effect
        });
    }
    plan.description =
        QStringLiteral("%1 on 127.0.0.1:%2%3")
            .arg(*program)
            .arg(plan.port)
            .arg(plan.sandbox ? QStringLiteral(" in a bubblewrap sandbox") : QString());
    return plan;
}

std::optional<quint16> InstanceLauncher::listeningPort(const QByteArray &line)
{
    static const QByteArray marker = QByteArrayLiteral("listening on ");
    const qsizetype at = line.indexOf(marker);
    if (at < 0)
        return std::nullopt;
    const QByteArray address = line.mid(at + marker.size()).trimmed();
    const qsizetype colon = address.lastIndexOf(':');
    bool ok = false;
    const uint port = address.mid(colon + 1).toUInt(&ok);
    if (colon < 0 || !ok || port == 0 || port > 65535)
        return std::nullopt;
    return quint16(port);
}

Result<LaunchPlan> InstanceLauncher::image(const SandboxProbe &probe) const
{
    if (!probe.usable)
        return cannotStart(QStringLiteral("an image runs in a bubblewrap sandbox and none is "
                                          "available (%1)")
                               .arg(probe.error));
    const ContainerClassConfig &config = m_class->config();
    const ServerContext &context = m_manager->context();
    const ClassImage *image = m_class->image();
    ImageProcess::Overrides overrides;
    overrides.command = m_class->commandArguments();
    overrides.port = config.raw.value(QStringLiteral("port")).toInt(0);
    for (auto it = config.env.begin(); it != config.env.end(); ++it)
        overrides.env.insert(it.key(), jsonText(it.value()));
    overrides.env.insert(QStringLiteral("INSTANCE_ID"), m_id);
    auto root = RootDirectory::open(image->rootfs());
    if (!root)
        return cannotStart(root.error().message);
    auto process = ImageProcess::resolve(*image->record(), overrides, *root);
    if (!process)
        return cannotStart(process.error().message);
    const auto init =
        ProgramLocator::find(QStringLiteral("edgedesk-image-init"), context.options.programDir);
    if (!init)
        return cannotStart(init.error().message);
    const QString socketDir = socketFolder();
    if (socketDir.isEmpty())
        return cannotStart(QStringLiteral("no folder for its socket in %1").arg(QDir::tempPath()));

    ImageInstance::Setup setup;
    setup.rootfs = image->rootfs();
    setup.process = *process;
    setup.hostname = m_id;
    setup.folder =
        context.statePath(QStringLiteral("images/instances/%1-%2").arg(m_class->binding(), m_id));
    setup.socketFolder = socketDir;
    setup.initProgram = *init;
    setup.limits = ContainerClass::limitsFor(config.instanceType);
    auto prepared = ImageInstance::prepare(setup);
    if (!prepared)
        return cannotStart(prepared.error().message);

    LaunchPlan plan;
    plan.image = std::move(*prepared);
    plan.imageId = image->record()->id;
    // Reached only through the socket: the port is the program's, inside its own network.
    plan.port = quint16(process->port);
    plan.unixSocket = plan.image->socketPath();
    plan.unixListening = true;
    plan.process = std::make_unique<QProcess>();
    plan.sandbox = std::make_unique<Sandbox>(plan.image->spec(), probe);
    if (const Status sandboxed = plan.sandbox->prepare(); !sandboxed)
        return makeError(
            QStringLiteral("service_unavailable"),
            QStringLiteral("cannot prepare its sandbox: %1").arg(sandboxed.error().message));
    const QString cpu = applyCpuShare(plan.sandbox->cgroupPath(),
                                      ContainerClass::cpuMillisFor(config.instanceType));
    plan.image->configure(*plan.sandbox, *plan.process, probe.disableUserns);
    m_class->setContainment(
        QStringLiteral("%1, own root and network namespace, %2, %3")
            .arg(probe.version, probe.describeContainment(setup.limits.maxProcesses, std::nullopt),
                 cpu));
    m_manager->logSink()->note(
        m_logSource, QStringLiteral("info"),
        QStringLiteral("image %1: %2 as uid %3 gid %4 in %5, port %6; writable: /tmp and %7")
            .arg(plan.imageId, process->argv.join(QLatin1Char(' ')))
            .arg(process->uid)
            .arg(process->gid)
            .arg(process->workingDirectory)
            .arg(process->port)
            .arg(plan.image->writableLayer()));
    plan.description = QStringLiteral("image %1 (port %2 in its own network namespace) in a "
                                      "bubblewrap sandbox")
                           .arg(plan.imageId.left(19))
                           .arg(process->port);
    return plan;
}

} // namespace edgedesk
