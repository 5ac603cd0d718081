#pragma once

#include "transport/transportlimits.h"

#include <QHash>
#include <QTcpServer>

namespace edgedesk {

class RequestSink;

// The listening socket. Every accepted socket gets an HttpConnection, which reads its requests
// and hands them to the RequestSink; the connection caps hold here.
class TransportServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransportServer)

public:
    TransportServer(TransportLimits limits, RequestSink *requests, QObject *parent = nullptr);

    int connectionCount() const { return m_count; }
    qint64 refusedConnections() const { return m_refusedConnections; }
    const TransportLimits &limits() const { return m_limits; }
    // Closes every open connection at once (shutdown).
    void abortAll();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    TransportLimits m_limits;
    RequestSink *m_requests;
    int m_count = 0;
    qint64 m_refusedConnections = 0;
    QHash<QString, int> m_perClient;
};

} // namespace edgedesk
