#include "containers/images/imagelaunch.h"

#include "containers/containerclass.h"
#include "containers/containerlog.h"
#include "containers/containerlogsink.h"
#include "containers/images/classimage.h"
#include "containers/images/imageinstance.h"
#include "containers/images/outboundnetwork.h"
#include "containers/images/rootdirectory.h"
#include "containers/programlocator.h"
#include "containers/sandbox.h"
#include "containers/sandboxfiles.h"
#include "containers/sandboxhost.h"

#include <QFile>
#include <QProcess>

namespace edgedesk {

namespace {

Error cannotStart(const QString &why)
{
    return makeError(QStringLiteral("service_unavailable"),
                     QStringLiteral("cannot start: %1").arg(why));
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

} // namespace

Result<ImageLaunch::Prepared> ImageLaunch::prepare(const ContainerClass &containerClass,
                                                   const InstanceLaunch::Request &request,
                                                   SandboxHost &sandboxes, ContainerLogSink &log,
                                                   const OutboundNetwork *network, QObject *parent)
{
    const SandboxProbe *probe = request.probe;
    if (!probe || !probe->usable)
        return cannotStart(QStringLiteral("an image runs in a bubblewrap sandbox and none is "
                                          "available (%1)")
                               .arg(probe ? probe->error : QString()));
    const ContainerClassConfig &config = containerClass.config();
    const ClassImage *image = containerClass.image();
    ImageProcess::Overrides overrides;
    overrides.command = containerClass.commandArguments();
    overrides.port = config.raw.value(QStringLiteral("port")).toInt(0);
    overrides.env = InstanceLaunch::classEnvironment(containerClass);
    overrides.env.insert(QStringLiteral("INSTANCE_ID"), request.instanceId);
    auto root = RootDirectory::open(image->rootfs());
    if (!root)
        return cannotStart(root.error().message);
    auto process = ImageProcess::resolve(*image->record(), overrides, *root);
    if (!process)
        return cannotStart(process.error().message);
    const auto init =
        ProgramLocator::find(QStringLiteral("edgedesk-image-init"), request.programDir);
    if (!init)
        return cannotStart(init.error().message);
    const QString socketDir = InstanceLaunch::instanceSocketFolder(request);
    if (socketDir.isEmpty())
        return cannotStart(QStringLiteral("no folder for its socket"));

    ImageInstance::Setup setup;
    setup.rootfs = image->rootfs();
    setup.process = *process;
    setup.hostname = request.instanceId;
    setup.folder = request.dataDir + QStringLiteral("/images/instances/") +
                   QString(request.logSource).replace(QLatin1Char('/'), QLatin1Char('-'));
    setup.socketFolder = socketDir;
    setup.initProgram = *init;
    setup.limits = ContainerClass::limitsFor(config.instanceType);
    setup.outboundNetwork = network != nullptr;
    auto instance = ImageInstance::prepare(setup);
    if (!instance)
        return cannotStart(instance.error().message);

    // Root runs bwrap as the instance's own host uid when that uid can read the image and run
    // the init; the writable copy and the socket folder are then handed to it.
    std::optional<quint32> hostUid = request.hostUid;
    if (hostUid && !(reachableByUid(setup.rootfs, *hostUid) &&
                     reachableByUid(setup.initProgram, *hostUid, true))) {
        qCWarning(lcContainers).noquote()
            << request.logSource << ": host uid" << *hostUid << "cannot reach" << setup.rootfs
            << "- its sandbox runs as the caller's uid";
        hostUid.reset();
    }
    if (hostUid) {
        if (auto handed = (*instance)->handTo(*hostUid); !handed)
            return cannotStart(handed.error().message);
    }

    Prepared prepared;
    prepared.image = std::move(*instance);
    prepared.imageId = image->record()->id;
    prepared.port = quint16(process->port);
    SandboxSpec spec = prepared.image->spec();
    spec.hostUid = hostUid;
    spec.hostGid = hostUid;
    prepared.sandbox = std::make_unique<Sandbox>(sandboxes, spec);
    if (const Status made = prepared.sandbox->prepare(); !made)
        return makeError(
            QStringLiteral("service_unavailable"),
            QStringLiteral("cannot prepare its sandbox: %1").arg(made.error().message));
    const QString cpu = applyCpuShare(prepared.sandbox->cgroupPath(),
                                      ContainerClass::cpuMillisFor(config.instanceType));
    if (network)
        prepared.sandbox->joinNetwork(network->userNamespaceFd(), network->netNamespaceFd());
    prepared.process = new QProcess(parent);
    prepared.image->configure(*prepared.sandbox, *prepared.process, probe->disableUserns);
    const QString networkNote =
        network
            ? QStringLiteral("own root and network namespace with %1").arg(network->description())
            : QStringLiteral("own root and network namespace");
    prepared.containment = QStringLiteral("%1, %2, %3, %4")
                               .arg(probe->version, networkNote,
                                    probe->describeLimits(spec.limits, spec.hostUid), cpu);
    log.note(request.logSource, QStringLiteral("info"),
             QStringLiteral("image %1: %2 as uid %3 gid %4 in %5, port %6; writable: /tmp and %7")
                 .arg(prepared.imageId, process->argv.join(QLatin1Char(' ')))
                 .arg(process->uid)
                 .arg(process->gid)
                 .arg(process->workingDirectory)
                 .arg(process->port)
                 .arg(prepared.image->writableLayer()));
    prepared.description =
        QStringLiteral("image %1 (port %2 in its own network namespace%3) in a "
                       "bubblewrap sandbox")
            .arg(prepared.imageId.left(19))
            .arg(process->port)
            .arg(network ? QStringLiteral(", ") + network->description() : QString());
    return prepared;
}

} // namespace edgedesk
