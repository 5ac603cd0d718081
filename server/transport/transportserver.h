#pragma once

#include "transport/transportlimits.h"

#include <QHash>
#include <QTcpServer>

#include <vector>

namespace edgedesk {

class HttpConnection;
class RequestSink;

// The listening socket. Every accepted socket gets an HttpConnection, which reads its requests
// and hands them to the RequestSink. The connection caps hold here, fairly: at the cap (in all,
// or for one client address) the connection that has been idle longest is closed to admit the
// new one, so a client is always served while others merely hold connections open; only when
// every connection is busy is the new one refused.
class TransportServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransportServer)

public:
    TransportServer(TransportLimits limits, RequestSink *requests, QObject *parent = nullptr);

    int connectionCount() const { return int(m_connections.size()); }
    qint64 refusedConnections() const { return m_refusedConnections; }
    qint64 closedIdleConnections() const { return m_closedIdle; }
    const TransportLimits &limits() const { return m_limits; }
    // Closes every open connection at once (shutdown).
    void abortAll();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Entry
    {
        HttpConnection *connection;
        QString client;
    };
    // Closes the longest-idle connection (of `client` when given); false if none is idle.
    bool closeIdle(const QString *client);
    void release(HttpConnection *connection);

    TransportLimits m_limits;
    RequestSink *m_requests;
    std::vector<Entry> m_connections;
    QHash<QString, int> m_perClient;
    qint64 m_refusedConnections = 0;
    qint64 m_closedIdle = 0;
};

} // namespace edgedesk
