#pragma once

#include "containers/instancelaunch.h"
#include "containers/sandbox.h"
#include "servercontext.h"
#include "storage/openedstore.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace edgedesk {

class ContainerClass;
class ContainerInstance;
class ContainerLogSink;
class DurableStore;
class HttpForwarder;
class ImageStore;
class LogHub;
class StoreSet;

// The container manager: every configured class and its instances, and what they share — the
// proxy's connection pools, the log sink, the sandbox probe, the stats sampler. Lives in the
// server thread.
class ContainerManager final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContainerManager)

public:
    static constexpr int kShutdownGraceMs = 1500;
    static constexpr int kSampleIntervalMs = 1000;

    // stores and logs outlive the manager.
    ContainerManager(const ServerContext &context, const StoreSet &stores, LogHub &logs,
                     QObject *parent = nullptr);
    ~ContainerManager() override;

    const ServerContext &context() const { return m_context; }
    // The durable storage of instance `index` of a class, as the server core opened it.
    OpenedStore<DurableStore> durableStore(const QString &className, int index) const;
    const std::vector<std::unique_ptr<ContainerClass>> &classes() const { return m_classes; }
    // By class_name or binding.
    ContainerClass *findClass(const QString &nameOrBinding) const;
    HttpForwarder *forwarder() const { return m_forwarder; }
    // The cache of unpacked container images (<data>/images), shared with the control API.
    const std::shared_ptr<ImageStore> &imageStore() const { return m_imageStore; }
    ContainerLogSink *logSink() const { return m_logSink.get(); }

    // The bubblewrap probe, run once on the worker pool the first time a sandboxed instance
    // starts (it takes a moment and starts processes). callback runs in the server thread
    // unless receiver is gone by then; sandboxes are then made with sandboxHost().
    void withSandboxProbe(QObject *receiver, std::function<void(const SandboxProbe &)> callback);
    SandboxHost &sandboxHost() { return *m_sandboxHost; }
    // The host uid bwrap runs a sandboxed instance as when EdgeDesk is root: one per instance,
    // used by nothing else (command-runner's commands use 3999000 and up), so that no instance
    // is root-owned on the host. Empty when not root or when bwrap cannot switch to it.
    static constexpr quint32 kInstanceHostUidBase = 3998000;
    static constexpr quint32 kInstanceHostUids = 1000;
    std::optional<quint32> hostUidFor(const ContainerInstance *instance) const;
    // A private folder (0700) for the instances' Unix-domain sockets, made on first use and
    // removed with the manager (or, after a crash, by the next one); empty if it cannot be made
    // (the instances are then reached over TCP only).
    QString socketFolder();
    // A free loopback port for a new instance (not one handed out recently).
    quint16 allocatePort();
    // What InstanceLaunch and ImageLaunch are told to set up an instance's process.
    InstanceLaunch::Request launchRequest(const ContainerInstance &instance, quint16 port,
                                          const SandboxProbe *probe);

    // GET /__edgedesk/v1/containers.
    QJsonObject toJson() const;
    // An instance changed state: changed() follows once per burst.
    void notifyChanged();
    // Samples CPU and memory of the running instances soon (and every second meanwhile).
    void sampleSoon();

    // Stops every instance within ~kShutdownGraceMs: SIGTERM to all at once, then SIGKILL.
    // Blocking: the server is going away and its thread must not outlive them.
    void shutdown();

Q_SIGNALS:
    void changed(const QJsonObject &status);

private:
    void sample();

    const ServerContext &m_context;
    const StoreSet &m_stores;
    std::shared_ptr<ImageStore> m_imageStore;
    std::vector<std::unique_ptr<ContainerClass>> m_classes;
    HttpForwarder *m_forwarder;
    std::unique_ptr<ContainerLogSink> m_logSink;

    // Shared with the probe's pool thread, which may outlive the manager.
    std::shared_ptr<SandboxHost> m_sandboxHost;
    bool m_probed = false;
    bool m_probing = false;
    QList<QPair<QPointer<QObject>, std::function<void(const SandboxProbe &)>>> m_probeWaiters;

    std::optional<QString> m_socketFolder;
    QList<quint16> m_recentPorts;
    QTimer m_sampleTimer;
    bool m_sampling = false;
    bool m_changePending = false;
    bool m_shutDown = false;
};

} // namespace edgedesk
