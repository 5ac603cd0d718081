#pragma once

#include "upstream/upstreamconnection.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <deque>
#include <memory>

namespace edgedesk {

// Keep-alive connections to one upstream (host:port), in the server thread. A request takes the
// most recently idled connection, or opens a new one up to kMaxConnections; beyond that it
// waits for a connection to come free. QNetworkAccessManager would allow 6 per host, far too few
// for a proxy in front of a container instance.
class UpstreamPool final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamPool)

public:
    static constexpr int kMaxConnections = 256;

    // unixSocket: when set, connections go to that Unix-domain socket (a local instance that
    // listens there too), falling back to host:port when it cannot be reached. Requests still
    // name host:port in their Host header.
    UpstreamPool(QString host, quint16 port, QObject *parent = nullptr, QString unixSocket = {});
    ~UpstreamPool() override;

    const QString &host() const { return m_host; }
    quint16 port() const { return m_port; }
    const QString &unixSocket() const { return m_unixSocket; }

    std::shared_ptr<UpstreamCall> send(UpstreamRequest request, UpstreamCallbacks callbacks);
    // Nothing more is reported for call; its connection (if it has one) is closed, because the
    // rest of the answer would arrive for nobody.
    void cancel(const std::shared_ptr<UpstreamCall> &call);
    // Closes every connection; calls in flight fail as Closed, queued ones too.
    void closeAll(const QString &reason);

    int connectionCount() const { return m_connections.size(); }
    // Milliseconds on a monotonic clock, for deadlines.
    static qint64 now();
    // How often deadlines are checked: timeouts fire up to this much late.
    static constexpr int kSweepMs = 100;
    static constexpr int kIdleSweepMs = 1000;
    int idleCount() const { return m_idle.size(); }

private:
    friend class UpstreamConnection;
    void dispatch(const std::shared_ptr<UpstreamCall> &call);
    // From connections.
    void connectionIdle(UpstreamConnection *connection);
    void connectionClosed(UpstreamConnection *connection);
    // A reused connection turned out to be closed by the upstream before it read the request:
    // sends it once more on a fresh connection.
    void retry(const std::shared_ptr<UpstreamCall> &call);
    UpstreamConnection *newConnection();
    void sweep();

    QString m_host;
    quint16 m_port;
    QString m_unixSocket;
    QList<UpstreamConnection *> m_connections;
    QList<UpstreamConnection *> m_idle; // most recent last
    std::deque<std::shared_ptr<UpstreamCall>> m_waiting;
    QTimer m_sweep;
};

} // namespace edgedesk
