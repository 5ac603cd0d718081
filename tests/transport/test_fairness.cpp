// Connection fairness over real sockets: clients that hold connections open (idle keep-alive
// ones, or ones busy with a request) never lock a new client out. At the cap the connection
// idle longest is closed first, and one client address holds at most its share (loopback too).
#include "testsupport.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

using Sockets = std::vector<std::unique_ptr<QTcpSocket>>;

std::unique_ptr<QTcpSocket> connectFrom(const QHostAddress &from, quint16 port)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->bind(from, 0);
    socket->connectToHost(QHostAddress::LocalHost, port);
    return socket->waitForConnected(2000) ? std::move(socket) : nullptr;
}

QByteArray getRequest(quint16 port, const QByteArray &path)
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n\r\n";
}

// The status of the answer to the request just written; 0 when the connection closed first.
int readStatus(QTcpSocket &socket)
{
    QByteArray got;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 5000) {
        got += socket.readAll();
        const qsizetype headEnd = got.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
            const qsizetype at = got.indexOf("Content-Length: ");
            const qsizetype length =
                at < 0 ? 0 : got.mid(at + 16, got.indexOf("\r\n", at) - at - 16).toLongLong();
            if (got.size() >= headEnd + 4 + length)
                return got.mid(9, 3).toInt();
        }
        if (socket.state() != QAbstractSocket::ConnectedState)
            return 0;
        socket.waitForReadyRead(100);
    }
    return 0;
}

// One request on a new connection from `from`; the status, or 0 when the connection was refused.
int answerFrom(const QHostAddress &from, quint16 port, const QByteArray &path)
{
    const auto socket = connectFrom(from, port);
    if (!socket)
        return 0;
    socket->write(getRequest(port, path));
    return readStatus(*socket);
}

// Starts an upload and waits for the server's "100 Continue": the server has read the head and
// waits for the body, so this connection is busy (not idle) until its deadline. False when the
// connection was closed instead.
bool startUpload(QTcpSocket &socket, quint16 port)
{
    socket.write("PUT /__edgedesk/v1/kv/MY_KV/keys/held HTTP/1.1\r\nHost: 127.0.0.1:" +
                 QByteArray::number(port) +
                 "\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
    QByteArray got;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 5000 && !got.contains("\r\n\r\n")) {
        if (!socket.waitForReadyRead(100) && socket.state() != QAbstractSocket::ConnectedState)
            break;
        got += socket.readAll();
    }
    return got.startsWith("HTTP/1.1 100 Continue\r\n\r\n");
}

bool isOpen(QTcpSocket &socket)
{
    socket.waitForReadyRead(1);
    socket.readAll();
    return socket.state() == QAbstractSocket::ConnectedState;
}

int openCount(Sockets &sockets)
{
    int open = 0;
    for (auto &s : sockets)
        open += s && isOpen(*s) ? 1 : 0;
    return open;
}

int connections(quint16 port)
{
    return request(port, "GET", "/__edgedesk/v1/health")
        .json()
        .value(QStringLiteral("connections"))
        .toInt();
}

} // namespace

class TestFairness final : public QObject
{
    Q_OBJECT

    const QHostAddress m_local{QStringLiteral("127.0.0.1")};

private Q_SLOTS:
    void initTestCase() { raiseFileLimit(); }

    // 520 clients that each made a request and then keep their connection open: every one of
    // them is served as it arrives (the longest idle make room), and a new client still is.
    void idleConnectionsMakeRoomForNewClients()
    {
        TestServer server;
        QVERIFY2(server.start(), qPrintable(server.lastError()));
        const quint16 port = server.port();
        const int share = server.options().limits.maxConnectionsPerLoopback;
        Sockets sockets;
        for (int i = 0; i < 520; ++i) {
            auto s = connectFrom(m_local, port);
            QVERIFY2(s, qPrintable(QString::number(i)));
            s->write(getRequest(port, "/kv"));
            QCOMPARE(readStatus(*s), 200);
            sockets.push_back(std::move(s));
        }
        QTRY_VERIFY_WITH_TIMEOUT(openCount(sockets) <= share, 10000);
        // Oldest first: the last ones admitted are still open, the first ones were closed.
        QVERIFY(isOpen(*sockets.back()));
        QVERIFY(!isOpen(*sockets.front()));
        QCOMPARE(answerFrom(m_local, port, "/__edgedesk/v1/health"), 200);
        // A kept-alive connection that was not closed still serves its next request.
        sockets.back()->write(getRequest(port, "/kv"));
        QCOMPARE(readStatus(*sockets.back()), 200);

        sockets.clear();
        QTRY_VERIFY_WITH_TIMEOUT(connections(port) <= 2, 5000);
    }

    // One address that keeps 300 connections busy (each in the middle of an upload) holds its
    // share of the cap and no more; clients from other addresses are served meanwhile.
    void oneAddressHoldsAShare()
    {
        TestServer server;
        QVERIFY2(server.start(), qPrintable(server.lastError()));
        const quint16 port = server.port();
        const int share = server.options().limits.maxConnectionsPerLoopback;
        const QHostAddress greedy(QStringLiteral("127.0.0.2"));
        Sockets sockets;
        int busy = 0;
        for (int i = 0; i < 300; ++i) {
            auto s = connectFrom(greedy, port);
            if (s && startUpload(*s, port)) {
                ++busy;
                sockets.push_back(std::move(s));
            }
        }
        QCOMPARE(busy, share);
        QCOMPARE(openCount(sockets), share); // busy connections are never closed to make room
        QCOMPARE(answerFrom(greedy, port, "/kv"), 0);
        QCOMPARE(answerFrom(QHostAddress(QStringLiteral("127.0.0.3")), port, "/kv"), 200);
        QCOMPARE(answerFrom(m_local, port, "/__edgedesk/v1/health"), 200);
    }

    // The cap in all, with every connection busy: new clients are refused, and served again as
    // soon as connections go away.
    void busyConnectionsAtTheCap()
    {
        ServerOptions options;
        options.limits.maxConnections = 40;
        options.limits.maxConnectionsPerLoopback = 30;
        TestServer server(options);
        QVERIFY2(server.start(), qPrintable(server.lastError()));
        const quint16 port = server.port();
        Sockets sockets;
        for (const char *from : {"127.0.0.2", "127.0.0.3"}) {
            for (int i = 0; i < 20; ++i) {
                auto s = connectFrom(QHostAddress(QString::fromLatin1(from)), port);
                QVERIFY(s);
                QVERIFY(startUpload(*s, port));
                sockets.push_back(std::move(s));
            }
        }
        QCOMPARE(answerFrom(QHostAddress(QStringLiteral("127.0.0.4")), port, "/kv"), 0);
        sockets.resize(30);
        QTRY_COMPARE_WITH_TIMEOUT(
            answerFrom(QHostAddress(QStringLiteral("127.0.0.4")), port, "/kv"), 200, 5000);
    }
};

QTEST_GUILESS_MAIN(TestFairness)
#include "test_fairness.moc"
