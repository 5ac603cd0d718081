#pragma once

#include <QByteArray>
#include <QObject>
#include <QTcpSocket>

namespace edgedesk::test {

// An HTTP request that runs while the test does other things (testsupport's request() blocks):
// concurrency tests start several and poll isFinished() while the event loop spins.
class AsyncRequest final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AsyncRequest)

public:
    AsyncRequest(quint16 port, const QByteArray &method, const QByteArray &target,
                 const QByteArray &body = QByteArray(), QObject *parent = nullptr);

    bool isFinished() const { return m_finished; }
    int status() const { return m_status; }
    QByteArray body() const { return m_body; }

private:
    void readResponse();

    QTcpSocket m_socket;
    QByteArray m_raw;
    QByteArray m_body;
    int m_status = 0;
    bool m_finished = false;
};

} // namespace edgedesk::test
