#pragma once

#include "config/edgeconfig.h"
#include "serveroptions.h"

#include <QObject>
#include <QString>

namespace edgedesk {

class TrafficLog;
class WorkerPool;
class TransportServer;

// What every binding may read: the configuration, where state lives, the pool for blocking work
// and the server-thread object to come back to. Bindings get it as const; what a binding needs
// beyond it (its store, the log hub) it gets in its constructor.
struct ServerContext
{
    EdgeConfig config;
    ServerOptions options;
    QString dataDir;
    quint16 port = 0;
    WorkerPool *pool = nullptr;
    TrafficLog *traffic = nullptr;
    TransportServer *transport = nullptr;
    QObject *serverThread = nullptr; // context object living in the server thread
    qint64 startedAtMs = 0;

    QString statePath(const QString &relative) const;
};

} // namespace edgedesk
