#include "transport/transportserver.h"

#include "transport/httpconnection.h"
#include "transport/requestbodywriter.h"

#include <QLoggingCategory>
#include <QTcpSocket>

namespace edgedesk {

Q_DECLARE_LOGGING_CATEGORY(lcTransport)

TransportServer::TransportServer(TransportLimits limits, RequestSink *requests, QObject *parent)
    : QTcpServer(parent), m_limits(std::move(limits)), m_requests(requests)
{
    // Qt would stop accepting after 30 pending connections; the caps below are ours.
    setMaxPendingConnections(m_limits.maxConnections);
    if (!m_limits.spoolDir.isEmpty())
        RequestBodyWriter::clearSpoolFolder(m_limits.spoolDir);
}

void TransportServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    const QHostAddress peer = socket->peerAddress();
    const QString client = peer.toString();
    const int share =
        peer.isLoopback() ? m_limits.maxConnectionsPerLoopback : m_limits.maxConnectionsPerClient;
    const bool admitted = (m_perClient.value(client) < share || closeIdle(&client)) &&
                          (connectionCount() < m_limits.maxConnections || closeIdle(nullptr));
    if (!admitted) {
        ++m_refusedConnections;
        if (m_refusedConnections == 1 || m_refusedConnections % 100 == 0)
            qCWarning(lcTransport).noquote()
                << "connection limit reached and no connection idle; closed a connection from"
                << client << "(" << m_refusedConnections << "so far)";
        socket->abort();
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto *connection = new HttpConnection(socket, m_limits, m_requests);
    m_connections.push_back({connection, client});
    ++m_perClient[client];
    connect(connection, &HttpConnection::clientGone, this,
            [this, connection] { release(connection); });
    connect(connection, &QObject::destroyed, this, [this, connection] { release(connection); });
}

bool TransportServer::closeIdle(const QString *client)
{
    // Longest idle first: the connections a client keeps without using them go before any a
    // client is using, and a flood of new ones never closes those that were just admitted first.
    HttpConnection *victim = nullptr;
    qint64 longest = -1;
    for (const Entry &e : m_connections) {
        if (client && e.client != *client)
            continue;
        if (!e.connection->isIdle())
            continue;
        const qint64 quiet = e.connection->quietMs();
        if (quiet > longest) {
            longest = quiet;
            victim = e.connection;
        }
    }
    if (!victim)
        return false;
    ++m_closedIdle;
    release(victim);
    victim->close();
    return true;
}

void TransportServer::release(HttpConnection *connection)
{
    for (auto it = m_connections.begin(); it != m_connections.end(); ++it) {
        if (it->connection != connection)
            continue;
        if (--m_perClient[it->client] <= 0)
            m_perClient.remove(it->client);
        *it = m_connections.back();
        m_connections.pop_back();
        return;
    }
}

void TransportServer::abortAll()
{
    const auto sockets = findChildren<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
    for (QTcpSocket *socket : sockets)
        socket->abort();
}

} // namespace edgedesk
