#pragma once

#include "config/edgeconfig.h"
#include "serveroptions.h"

#include <QObject>
#include <QString>

namespace edgedesk {

class Router;
class TrafficLog;
class WorkerPool;
class TransportServer;

// What a binding gets when it registers its routes: the configuration, where its state lives,
// the pool for blocking work and the server-thread object to come back to.
struct ServerContext
{
    EdgeConfig config;
    ServerOptions options;
    QString dataDir;
    quint16 port = 0;
    WorkerPool *pool = nullptr;
    TrafficLog *traffic = nullptr;
    Router *router = nullptr;
    TransportServer *transport = nullptr;
    QObject *serverThread = nullptr; // context object living in the server thread
    qint64 startedAtMs = 0;

    QString statePath(const QString &relative) const;
};

} // namespace edgedesk
