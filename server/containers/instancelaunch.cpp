#include "containers/instancelaunch.h"

#include "containers/containerclass.h"
#include "containers/containerlog.h"
#include "containers/programlocator.h"
#include "containers/sandbox.h"
#include "containers/sandboxfiles.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>

#include <cerrno>
#include <csignal>

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

Error cannotStart(const QString &message)
{
    return makeError(QStringLiteral("service_unavailable"), message);
}

} // namespace

Result<InstanceLaunch::Prepared> InstanceLaunch::prepare(const ContainerClass &containerClass,
                                                         const Request &request,
                                                         SandboxHost &sandboxes, QObject *parent)
{
    const ContainerClassConfig &config = containerClass.config();
    Prepared prepared;
    // A program path is the configuration folder's; a bare name one of our programs.
    const auto program = ProgramLocator::find(containerClass.kind() == ContainerClass::Kind::Program
                                                  ? containerClass.reference().path()
                                                  : config.image,
                                              request.programDir);
    if (!program)
        return cannotStart(QStringLiteral("cannot start: %1").arg(program.error().message));
    prepared.program = *program;
    if (request.probe && !request.probe->usable)
        return cannotStart(QStringLiteral("cannot start: no sandbox is available (%1); set "
                                          "\"sandbox\": \"none\" to run it unsandboxed")
                               .arg(request.probe->error));

    QMap<QString, QString> variables = classEnvironment(containerClass);
    variables.insert(QStringLiteral("PORT"), QString::number(request.port));
    variables.insert(QStringLiteral("INSTANCE_ID"), request.instanceId);

    // A program may also listen on a Unix-domain socket (api-backend does, and says so): the
    // proxy reaches it there at a fraction of loopback TCP's cost. Each instance gets a folder
    // of its own, which its sandbox (if any) sees at the same path.
    const QString socketDir = instanceSocketFolder(request);
    if (!socketDir.isEmpty()) {
        prepared.unixSocket = socketDir + QStringLiteral("/http.sock");
        variables.insert(QStringLiteral("LISTEN_UNIX"), prepared.unixSocket);
    }

    if (const SandboxProbe *probe = request.probe) {
        SandboxSpec spec;
        spec.program = prepared.program;
        spec.arguments = containerClass.commandArguments();
        // api-backend is reached on its Unix socket and gets a network namespace of its own;
        // other programs are reached on the host's loopback.
        spec.network = containerClass.kind() != ContainerClass::Kind::ApiBackend ||
                       prepared.unixSocket.isEmpty();
        // Root runs bwrap as a host uid of the instance's own, as long as that uid can reach the
        // program (a build under /root cannot be).
        spec.hostUid = request.hostUid;
        if (spec.hostUid && !reachableByUid(prepared.program, *spec.hostUid, true)) {
            qCWarning(lcContainers).noquote()
                << request.logSource << ": host uid" << *spec.hostUid << "cannot reach"
                << prepared.program << "- its sandbox runs as the caller's uid";
            spec.hostUid.reset();
        }
        spec.hostGid = spec.hostUid;
        if (spec.hostUid && !socketDir.isEmpty() &&
            ::chown(QFile::encodeName(socketDir).constData(), *spec.hostUid, *spec.hostUid) != 0)
            return cannotStart(QStringLiteral("cannot hand %1 to uid %2: %3")
                                   .arg(socketDir)
                                   .arg(*spec.hostUid)
                                   .arg(qt_error_string(errno)));
        spec.hostname = request.instanceId;
        spec.environment = variables;
        spec.environment.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
        spec.binds = {{prepared.program, prepared.program, false, false}};
        if (!socketDir.isEmpty())
            spec.binds.append({socketDir, socketDir, true, false});
        spec.limits = ContainerClass::limitsFor(config.instanceType);
        prepared.sandbox = std::make_unique<Sandbox>(sandboxes, spec);
        if (const Status made = prepared.sandbox->prepare(); !made)
            return cannotStart(
                QStringLiteral("cannot prepare its sandbox: %1").arg(made.error().message));
        prepared.process = new QProcess(parent);
        prepared.sandbox->configure(*prepared.process);
        prepared.containment = QStringLiteral("%1, %2").arg(
            probe->version, probe->describeLimits(spec.limits, spec.hostUid));
        return prepared;
    }

    // command-runner sandboxes each command itself; other programs run here only when the
    // class says "sandbox": "none".
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("COMMAND_SANDBOX"));
    environment.remove(QStringLiteral("COMMAND_NETWORK"));
    environment.remove(QStringLiteral("COMMAND_HOST_UID"));
    for (auto it = variables.cbegin(); it != variables.cend(); ++it)
        environment.insert(it.key(), it.value());
    if (containerClass.kind() == ContainerClass::Kind::CommandRunner) {
        environment.insert(QStringLiteral("COMMAND_NETWORK"), config.commandNetwork);
        if (config.sandbox == QLatin1String("none"))
            environment.insert(QStringLiteral("COMMAND_SANDBOX"), QStringLiteral("none"));
    }
    auto *process = new QProcess(parent);
    process->setProgram(prepared.program);
    process->setArguments(containerClass.commandArguments());
    process->setProcessEnvironment(environment);
    process->setWorkingDirectory(request.dataDir);
    process->setStandardInputFile(QProcess::nullDevice());
    const pid_t edgedesk = ::getpid();
    process->setChildProcessModifier([edgedesk] {
        // Its own session: a Ctrl-C meant for EdgeDesk's terminal is not its to handle.
        ::setsid();
        // Dies with EdgeDesk, even on kill -9 (its commands' bwrap die with it in turn).
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != edgedesk)
            ::_exit(1); // EdgeDesk died before the line above took effect
    });
    prepared.process = process;
    return prepared;
}

QMap<QString, QString> InstanceLaunch::classEnvironment(const ContainerClass &containerClass)
{
    QMap<QString, QString> variables;
    const QJsonObject &env = containerClass.config().env;
    for (auto it = env.begin(); it != env.end(); ++it)
        variables.insert(it.key(), jsonText(it.value()));
    return variables;
}

QString InstanceLaunch::instanceSocketFolder(const Request &request)
{
    if (request.socketFolder.isEmpty())
        return QString();
    const QString folder = request.socketFolder + QLatin1Char('/') +
                           QString(request.logSource).replace(QLatin1Char('/'), QLatin1Char('-'));
    const QByteArray native = QFile::encodeName(folder);
    if (native.size() < 90 && (::mkdir(native.constData(), 0700) == 0 || errno == EEXIST))
        return folder;
    return QString();
}

void InstanceLaunch::redirectOutput(QProcess &process, int out, int err)
{
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setStandardErrorFile(QProcess::nullDevice());
    const auto setup = process.childProcessModifier();
    process.setChildProcessModifier([out, err, setup] {
        ::dup2(out, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        if (setup)
            setup();
    });
}

std::optional<quint16> InstanceLaunch::listeningPort(const QByteArray &line)
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

std::optional<QString> InstanceLaunch::listeningSocket(const QByteArray &line)
{
    static const QByteArray marker = QByteArrayLiteral("listening on unix:");
    const qsizetype at = line.indexOf(marker);
    if (at < 0)
        return std::nullopt;
    return QFile::decodeName(line.mid(at + marker.size()).trimmed());
}

} // namespace edgedesk
