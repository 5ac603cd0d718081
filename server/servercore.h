#pragma once

#include "servercontext.h"
#include "serveroptions.h"
#include "traffic/trafficrecord.h"

#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>
#include <vector>

namespace edgedesk {

class BindingModule;
class DataFolderLock;
class Router;
class TrafficLog;
class TransportServer;
class WorkerPool;

// Everything that runs in the server thread. Created by ServerHost, moved to its thread, and
// started there, so the listener, its sockets and every binding are created in that thread.
class ServerCore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerCore)

public:
    ServerCore(ServerOptions options, EdgeConfig config);
    ~ServerCore() override;

    void start();
    void shutdown();
    // Whether traffic records are sent out in batches (trafficBatch); off when nothing listens
    // (--headless). Before start(), or in the server thread.
    void setPublishTraffic(bool on);

Q_SIGNALS:
    void serving(const QUrl &url, const QString &dataDir);
    void failed(const QString &message);
    void notice(const QString &message);
    void trafficBatch(const QList<edgedesk::TrafficRecord> &batch);
    // The container classes and instances, as GET /__edgedesk/v1/containers shows them.
    void containersChanged(const QJsonObject &status);
    void finished();

private:
    Result<quint16> listen();
    void cleanup();
    void registerRoutes();

    ServerContext m_context;
    std::unique_ptr<WorkerPool> m_pool;
    TrafficLog *m_traffic = nullptr;
    bool m_publishTraffic = false;
    Router *m_router = nullptr;
    TransportServer *m_transport = nullptr;
    // Bindings: each owns its state and registered its routes. Destroyed in reverse order.
    std::vector<std::shared_ptr<BindingModule>> m_bindings;
    std::vector<std::function<void()>> m_shutdownHooks;
    bool m_shutDown = false;
    std::unique_ptr<DataFolderLock> m_dataLock; // archives: <data>/.edgedesk.lock while serving
};

} // namespace edgedesk
