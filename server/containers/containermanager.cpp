#include "containers/containermanager.h"

#include "containers/containerclass.h"
#include "containers/containerinstance.h"
#include "containers/containerlog.h"
#include "containers/containerlogsink.h"
#include "containers/images/imagestore.h"
#include "containers/processstats.h"
#include "storage/storeset.h"
#include "upstream/httpforwarder.h"
#include "util/tempfolders.h"
#include "util/workerpool.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTcpServer>

#include <sys/stat.h>
#include <unistd.h>

namespace edgedesk {

namespace {

quint16 freeLoopbackPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

} // namespace

ContainerManager::ContainerManager(const ServerContext &context, const StoreSet &stores,
                                   LogHub &logs, QObject *parent)
    : QObject(parent), m_context(context), m_stores(stores),
      m_imageStore(std::make_shared<ImageStore>(context.statePath(QStringLiteral("images")))),
      m_forwarder(new HttpForwarder(this)), m_logSink(std::make_unique<ContainerLogSink>(logs)),
      m_sandboxHost(std::make_shared<SandboxHost>())
{
    for (const ContainerClassConfig &config : context.config.containers)
        m_classes.push_back(std::make_unique<ContainerClass>(this, config));
    m_sampleTimer.setInterval(kSampleIntervalMs);
    connect(&m_sampleTimer, &QTimer::timeout, this, &ContainerManager::sample);
    m_sampleTimer.start();
}

ContainerManager::~ContainerManager()
{
    shutdown();
    m_classes.clear(); // before the log sink and the forwarder they use
    if (m_socketFolder && !m_socketFolder->isEmpty())
        QDir(*m_socketFolder).removeRecursively();
}

QString ContainerManager::socketFolder()
{
    if (!m_socketFolder) {
        const QString prefix = QStringLiteral("edgedesk-sockets");
        removeTempFoldersOfGoneProcesses(QDir::tempPath(), prefix);
        m_socketFolder = makeProcessTempFolder(QDir::tempPath(), prefix);
        // Searchable, not listable: an instance whose sandbox runs as a host uid of its own
        // reaches its own folder (0700, handed to that uid) through it.
        if (!m_socketFolder->isEmpty())
            ::chmod(QFile::encodeName(*m_socketFolder).constData(), 0711);
    }
    return *m_socketFolder;
}

std::optional<quint32> ContainerManager::hostUidFor(const ContainerInstance *instance) const
{
    if (::geteuid() != 0 || !m_probed || !m_sandboxHost->probe().hostUidWorks)
        return std::nullopt;
    quint32 ordinal = 0;
    for (const auto &c : m_classes) {
        if (c.get() == instance->containerClass())
            break;
        ordinal += quint32(c->instances().size());
    }
    ordinal += quint32(instance->index());
    if (ordinal >= kInstanceHostUids)
        return std::nullopt;
    return kInstanceHostUidBase + ordinal;
}

OpenedStore<DurableStore> ContainerManager::durableStore(const QString &className, int index) const
{
    return m_stores.durable(className, index);
}

ContainerClass *ContainerManager::findClass(const QString &nameOrBinding) const
{
    for (const auto &c : m_classes) {
        if (c->name() == nameOrBinding || c->binding() == nameOrBinding)
            return c.get();
    }
    return nullptr;
}

void ContainerManager::withSandboxProbe(QObject *receiver,
                                        std::function<void(const SandboxProbe &)> callback)
{
    if (m_probed) {
        callback(m_sandboxHost->probe());
        return;
    }
    m_probeWaiters.append({QPointer<QObject>(receiver), std::move(callback)});
    if (m_probing)
        return;
    m_probing = true;
    m_context.pool->run(
        this,
        [host = m_sandboxHost] { host->runProbe(kInstanceHostUidBase); },
        [this] {
            m_probing = false;
            m_probed = true;
            const SandboxProbe &probe = m_sandboxHost->probe();
            if (probe.usable)
                qCInfo(lcContainers).noquote()
                    << "sandbox:" << probe.version << "-" << probe.describeContainment(128, {});
            else
                qCWarning(lcContainers).noquote()
                    << "no usable sandbox; sandboxed instances cannot start:" << probe.error;
            const auto waiters = std::exchange(m_probeWaiters, {});
            for (const auto &[receiver, callback] : waiters) {
                if (receiver)
                    callback(probe);
            }
        });
}

InstanceLaunch::Request ContainerManager::launchRequest(const ContainerInstance &instance,
                                                        quint16 port, const SandboxProbe *probe)
{
    return InstanceLaunch::Request{.programDir = m_context.options.programDir,
                                   .port = port,
                                   .instanceId = instance.id(),
                                   .logSource = instance.logSource(),
                                   .socketFolder = socketFolder(),
                                   .probe = probe,
                                   .hostUid = hostUidFor(&instance),
                                   .dataDir = m_context.dataDir};
}

quint16 ContainerManager::allocatePort()
{
    // The kernel may hand the same ephemeral port out twice in a row; a port given to an
    // instance that has not bound it yet must not go to another.
    for (int attempt = 0; attempt < 16; ++attempt) {
        const quint16 port = freeLoopbackPort();
        if (port == 0)
            return 0;
        if (m_recentPorts.contains(port))
            continue;
        m_recentPorts.append(port);
        while (m_recentPorts.size() > 64)
            m_recentPorts.removeFirst();
        return port;
    }
    return 0;
}

QJsonObject ContainerManager::toJson() const
{
    QJsonArray classes;
    for (const auto &c : m_classes)
        classes.append(c->toJson());
    return QJsonObject{{QStringLiteral("classes"), classes}};
}

void ContainerManager::notifyChanged()
{
    if (m_changePending || m_shutDown)
        return;
    m_changePending = true;
    // One update per burst (20 instances starting at once are one change for the UI).
    QTimer::singleShot(50, this, [this] {
        m_changePending = false;
        Q_EMIT changed(toJson());
    });
}

void ContainerManager::sampleSoon()
{
    QTimer::singleShot(100, this, &ContainerManager::sample);
}

void ContainerManager::sample()
{
    if (m_sampling || m_shutDown)
        return;
    QList<QPointer<ContainerInstance>> instances;
    QList<qint64> pids;
    for (const auto &c : m_classes) {
        for (const auto &i : c->instances()) {
            if (const qint64 pid = i->rootPid(); pid > 0) {
                instances.append(i.get());
                pids.append(pid);
            }
        }
    }
    if (pids.isEmpty())
        return;
    m_sampling = true;
    m_context.pool->run(
        this,
        [pids] {
            QList<ProcessTreeSample> samples;
            for (qint64 pid : pids)
                samples.append(ProcessStats::sampleTree(pid));
            return samples;
        },
        [this, instances](const QList<ProcessTreeSample> &samples) {
            m_sampling = false;
            for (qsizetype i = 0; i < instances.size() && i < samples.size(); ++i) {
                if (instances[i])
                    instances[i]->applySample(samples[i]);
            }
        });
}

void ContainerManager::shutdown()
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    m_sampleTimer.stop();
    QList<ContainerInstance *> all;
    for (const auto &c : m_classes) {
        for (const auto &i : c->instances())
            all.append(i.get());
    }
    // SIGTERM to every instance at once, so their grace periods overlap.
    for (ContainerInstance *i : all)
        i->beginShutdown();
    // Blocking on purpose: the server thread ends right after this, and no instance may outlive
    // it. The wait is bounded by one shared deadline, not one per instance.
    const QDeadlineTimer deadline(kShutdownGraceMs);
    for (ContainerInstance *i : all) {
        if (!i->waitForExit(int(qMax<qint64>(1, deadline.remainingTime()))))
            qCWarning(lcContainers).noquote()
                << i->logSource() << "did not stop within" << kShutdownGraceMs << "ms: killing it";
    }
    for (ContainerInstance *i : all) {
        if (i->rootPid() > 0)
            i->killNow();
    }
    for (ContainerInstance *i : all)
        i->waitForExit(300);
}

} // namespace edgedesk
