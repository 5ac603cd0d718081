#pragma once

#include <QString>
#include <QTcpServer>

class QSocketNotifier;

namespace edgedesk {

// Accepts HTTP connections on a Unix-domain socket for a QAbstractHttpServer, which in Qt 6.4
// only takes QTcpServers: connections are handed over as QTcpSockets on the accepted
// descriptors (stream sockets read and write alike). EdgeDesk reaches its local instances this
// way: a request and its answer cost both sides a fraction of loopback TCP's work (no TCP/IP
// stack, no softirq, no ACKs).
class UnixListener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnixListener)

public:
    explicit UnixListener(QObject *parent = nullptr);
    ~UnixListener() override; // closes and removes the socket file

    // Binds path (replacing a stale socket file) and listens. Empty with *error set on failure.
    bool listenAt(const QString &path, QString *error);
    // QTcpServer's, without its warning that this server does not listen (on TCP).
    QTcpSocket *nextPendingConnection() override;

private:
    void acceptAll();

    QString m_path;
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace edgedesk
