#pragma once

#include "config/edgeconfig.h"
#include "serveroptions.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <QString>

namespace edgedesk {

class Router;
class SecretStore;
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
    // The secrets store (SECRET_STORE), for bindings that need a key; null when it cannot open.
    SecretStore *secrets = nullptr;
    // Live sections of GET /__edgedesk/v1/config that bindings own (e.g. "ai": the effective
    // provider after the Ollama probe).
    QHash<QString, std::function<QJsonObject()>> configSections;

    QString statePath(const QString &relative) const;
};

} // namespace edgedesk
