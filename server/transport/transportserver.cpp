#include "transport/transportserver.h"

#include "transport/httpconnection.h"

#include <QLoggingCategory>
#include <QTcpSocket>

namespace edgedesk {

Q_DECLARE_LOGGING_CATEGORY(lcTransport)

TransportServer::TransportServer(TransportLimits limits, RequestSink *requests, QObject *parent)
    : QTcpServer(parent), m_limits(std::move(limits)), m_requests(requests)
{
    // Qt would stop accepting after 30 pending connections; the caps below are ours.
    setMaxPendingConnections(m_limits.maxConnections);
}

void TransportServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    const QHostAddress peer = socket->peerAddress();
    const QString key = peer.isLoopback() ? QString() : peer.toString();
    if (m_count >= m_limits.maxConnections ||
        (!key.isEmpty() && m_perClient.value(key) >= m_limits.maxConnectionsPerClient)) {
        ++m_refusedConnections;
        if (m_refusedConnections == 1 || m_refusedConnections % 100 == 0)
            qCWarning(lcTransport).noquote()
                << "connection limit reached; closed a connection from" << peer.toString() << "("
                << m_refusedConnections << "so far)";
        socket->abort();
        delete socket;
        return;
    }
    ++m_count;
    if (!key.isEmpty())
        ++m_perClient[key];
    connect(socket, &QObject::destroyed, this, [this, key] {
        --m_count;
        if (!key.isEmpty() && --m_perClient[key] <= 0)
            m_perClient.remove(key);
    });
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new HttpConnection(socket, m_limits, m_requests);
}

void TransportServer::abortAll()
{
    const auto sockets = findChildren<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
    for (QTcpSocket *socket : sockets)
        socket->abort();
}

} // namespace edgedesk
