// Transport hardening over raw sockets: header and body limits, chunked bodies, idle timeout,
// Connection: close, HTTP/1.0, Expect: 100-continue, pipelining order (caps: test_fairness).
#include "testsupport.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

QByteArray hostHeader(quint16 port)
{
    return "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
}

// Reads until `needle` appears or the peer closes; returns everything read.
QByteArray readUntil(QTcpSocket &socket, const QByteArray &needle, int timeoutMs)
{
    QByteArray got;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs && !got.contains(needle)) {
        if (!socket.waitForReadyRead(50) && socket.state() != QAbstractSocket::ConnectedState)
            break;
        got += socket.readAll();
    }
    return got + socket.readAll();
}

bool waitForClose(QTcpSocket &socket, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (socket.state() == QAbstractSocket::UnconnectedState)
            return true;
        socket.waitForReadyRead(50);
        socket.readAll();
    }
    return socket.state() == QAbstractSocket::UnconnectedState;
}

} // namespace

class TestTransport final : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

private Q_SLOTS:
    void initTestCase()
    {
        raiseFileLimit();
        ServerOptions options;
        options.limits.idleTimeoutMs = 1000; // the 30 s default, shortened for the test
        m_server = std::make_unique<TestServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
    }
    void cleanupTestCase() { m_server.reset(); }

    void oversizedHeadersGet431()
    {
        QByteArray req = "GET /kv HTTP/1.1\r\n" + hostHeader(port());
        req += "X-Filler: " + QByteArray(17 * 1024, 'a') + "\r\n\r\n";
        const HttpReply r = rawRequest(port(), req);
        QCOMPARE(r.status, 431);
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QCOMPARE(r.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("headers_too_large"));
    }

    void headersJustUnderTheLimitPass()
    {
        QByteArray req = "GET /kv HTTP/1.1\r\n" + hostHeader(port());
        req += "X-Filler: " + QByteArray(15 * 1024, 'a') + "\r\n\r\n";
        QCOMPARE(rawRequest(port(), req).status, 200);
    }

    void oversizedBodyIsRefusedBeforeItIsSent()
    {
        // Only the head is sent: the 413 must come from Content-Length alone.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("POST /worker/echo HTTP/1.1\r\n" + hostHeader(port()) +
                     "Content-Length: 2000000\r\n\r\n");
        const QByteArray got = readUntil(socket, "}", 3000);
        QVERIFY2(got.startsWith("HTTP/1.1 413 "), got.constData());
        QVERIFY(got.contains("payload_too_large"));
        QVERIFY(got.contains("1048576"));
    }

    void kvRouteAllowsLargerBodies()
    {
        const QByteArray value(3 * 1024 * 1024, 'v');
        const HttpReply r =
            request(port(), "PUT", "/__edgedesk/v1/kv/MY_KV/keys/big", {}, value, 20000);
        QCOMPARE(r.status, 200);
        QCOMPARE(
            request(port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/big", {}, {}, 20000).body.size(),
            value.size());
        // 25 MiB + 1 is refused at once.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("PUT /__edgedesk/v1/kv/MY_KV/keys/huge HTTP/1.1\r\n" + hostHeader(port()) +
                     "Content-Length: " + QByteArray::number(25 * 1024 * 1024 + 1) + "\r\n\r\n");
        QVERIFY(readUntil(socket, "}", 3000).startsWith("HTTP/1.1 413 "));
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/huge").status, 404);
    }

    void chunkedBodies()
    {
        QByteArray req = "POST /worker/echo HTTP/1.1\r\n" + hostHeader(port()) +
                         "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                         "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n";
        const HttpReply ok = rawRequest(port(), req);
        QCOMPARE(ok.status, 200);
        QCOMPARE(ok.json().value(QStringLiteral("body")).toString(), QStringLiteral("hello world"));

        // Crossing the limit in chunks is refused as soon as it is crossed.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("POST /worker/echo HTTP/1.1\r\n" + hostHeader(port()) +
                     "Transfer-Encoding: chunked\r\n\r\n");
        const QByteArray chunk(512 * 1024, 'c');
        for (int i = 0; i < 2; ++i)
            socket.write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
        socket.write("10\r\n"); // the next chunk header crosses 1 MiB
        const QByteArray got = readUntil(socket, "}", 3000);
        QVERIFY2(got.startsWith("HTTP/1.1 413 "), got.left(200).constData());
    }

    // A trailer is read and dropped: the request after it is the next request.
    void chunkedTrailerThenPipelinedRequest()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("POST /worker/echo HTTP/1.1\r\n" + hostHeader(port()) +
                     "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Checksum: "
                     "abc\r\n\r\nGET /worker/hello HTTP/1.1\r\n" +
                     hostHeader(port()) + "Connection: close\r\n\r\n");
        const QByteArray got = readUntil(socket, "Hello from", 5000);
        QCOMPARE(got.count("HTTP/1.1 200 OK\r\n"), 2);
        QVERIFY2(got.contains("\"body\":\"hello\""), got.constData());
        QVERIFY(got.indexOf("\"body\":\"hello\"") < got.indexOf("Hello from"));
    }

    // Bare LF line endings in chunk framing are accepted (RFC 9112 allows it): the request is
    // answered, not left waiting for its idle timeout (which would answer 408).
    void bareLineFeedsInChunkFraming()
    {
        const HttpReply r =
            rawRequest(port(), "POST /worker/echo HTTP/1.1\r\n" + hostHeader(port()) +
                                   "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                                   "5\nhello\n6\n world\n0\n\n");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("body")).toString(), QStringLiteral("hello world"));
    }

    void malformedRequests_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addRow("both framings")
            << QByteArray("POST /worker/echo HTTP/1.1\r\nHost: H\r\nContent-Length: "
                          "3\r\nTransfer-Encoding: chunked\r\n\r\n")
            << 400;
        QTest::addRow("bad content-length")
            << QByteArray("POST /worker/echo HTTP/1.1\r\nHost: H\r\nContent-Length: 12abc\r\n\r\n")
            << 400;
        QTest::addRow("conflicting content-lengths")
            << QByteArray("POST /worker/echo HTTP/1.1\r\nHost: H\r\nContent-Length: "
                          "3\r\nContent-Length: 4\r\n\r\nabcd")
            << 400;
        QTest::addRow("gzip transfer coding")
            << QByteArray(
                   "POST /worker/echo HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: gzip\r\n\r\n")
            << 501;
        QTest::addRow("HTTP/2.0 line") << QByteArray("GET / HTTP/2.0\r\nHost: H\r\n\r\n") << 505;
        QTest::addRow("garbage line") << QByteArray("HELLO\r\n\r\n") << 400;
        QTest::addRow("lower-case method")
            << QByteArray("get / HTTP/1.1\r\nHost: H\r\n\r\n") << 400;
        QTest::addRow("hex prefix on a chunk size")
            << QByteArray("POST /worker/echo HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: "
                          "chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n")
            << 400;
        QTest::addRow("space before the colon")
            << QByteArray("GET /kv HTTP/1.1\r\nHost : H\r\n\r\n") << 400;
        QTest::addRow("two Host headers")
            << QByteArray("GET /kv HTTP/1.1\r\nHost: H\r\nHost: H\r\n\r\n") << 400;
        QTest::addRow("bare CR in a header")
            << QByteArray("GET /kv HTTP/1.1\r\nHost: H\r\nX-A: 1\r2\r\n\r\n") << 400;
        QTest::addRow("bad chunk size")
            << QByteArray("POST /worker/echo HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: "
                          "chunked\r\n\r\nzz\r\n")
            << 400;
    }
    void malformedRequests()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        request.replace("Host: H", "Host: 127.0.0.1:" + QByteArray::number(port()));
        const HttpReply r = rawRequest(port(), request, 3000);
        QCOMPARE(r.status, status);
        QVERIFY(!r.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString()
                     .isEmpty());
    }

    // A refused request ends the connection: its body, however much it looks like a request,
    // is never parsed as one (110 header fields used to desynchronise the connection).
    void tooManyHeaderFieldsEndTheConnection()
    {
        const QByteArray smuggled = "PUT /__edgedesk/v1/kv/MY_KV/keys/smuggled HTTP/1.1\r\n" +
                                    hostHeader(port()) + "Content-Length: 3\r\n\r\nbad";
        QByteArray req = "POST /worker/echo HTTP/1.1\r\n" + hostHeader(port());
        for (int i = 0; i < 110; ++i)
            req += "X-H" + QByteArray::number(i) + ": v\r\n";
        req += "Content-Length: " + QByteArray::number(smuggled.size()) + "\r\n\r\n" + smuggled;
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write(req);
        QByteArray got = readUntil(socket, "}", 3000);
        QVERIFY2(got.startsWith("HTTP/1.1 431 "), got.constData());
        QVERIFY(got.contains("more than 100 header fields"));
        // The server closes the connection; everything until then is still one answer.
        QElapsedTimer timer;
        timer.start();
        while (socket.state() == QAbstractSocket::ConnectedState && timer.elapsed() < 5000) {
            socket.waitForReadyRead(50);
            got += socket.readAll();
        }
        got += socket.readAll();
        QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(got.count("HTTP/1.1 "), 1); // nothing for the body
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/smuggled").status, 404);

        // 100 fields are fine.
        QByteArray hundred = "GET /kv HTTP/1.1\r\n" + hostHeader(port());
        for (int i = 0; i < 99; ++i)
            hundred += "X-H" + QByteArray::number(i) + ": v\r\n";
        QCOMPARE(rawRequest(port(), hundred + "\r\n").status, 200);
    }

    void slowClientIsClosedAfterIdleTimeout()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("GET /kv HTTP/1.1\r\nHo");
        socket.flush();
        // Trickling bytes do not extend the deadline of a request head.
        QTest::qWait(400);
        socket.write("st: 127");
        socket.flush();
        const QByteArray got = readUntil(socket, "}", 4000);
        QVERIFY2(got.startsWith("HTTP/1.1 408 "), got.constData());
        QVERIFY(waitForClose(socket, 4000));
    }

    void idleKeepAliveIsClosed()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("GET /kv HTTP/1.1\r\n" + hostHeader(port()) + "\r\n");
        QVERIFY(readUntil(socket, "!", 3000).startsWith("HTTP/1.1 200"));
        QVERIFY(waitForClose(socket, 4000));
    }

    void connectionCloseAndHttp10()
    {
        for (const QByteArray &req :
             {QByteArray("GET /kv HTTP/1.1\r\n" + hostHeader(port()) + "Connection: close\r\n\r\n"),
              QByteArray("GET /kv HTTP/1.0\r\n" + hostHeader(port()) + "\r\n")}) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port());
            QVERIFY(socket.waitForConnected(2000));
            socket.write(req);
            QElapsedTimer timer;
            timer.start();
            QVERIFY(waitForClose(socket,
                                 900)); // closed right after the answer, not at the idle timeout
        }
    }

    void expectContinue()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        const QByteArray body(5 * 1024 * 1024, 'x');
        socket.write("PUT /__edgedesk/v1/kv/MY_KV/keys/upload HTTP/1.1\r\n" + hostHeader(port()) +
                     "Expect: 100-continue\r\nContent-Length: " + QByteArray::number(body.size()) +
                     "\r\n\r\n");
        const QByteArray interim = readUntil(socket, "\r\n\r\n", 2000);
        QCOMPARE(interim, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
        socket.write(body);
        const QByteArray final = readUntil(socket, "}", 10000);
        QVERIFY2(final.startsWith("HTTP/1.1 200 "), final.left(200).constData());

        // Too large: 413 instead of 100, and the body never has to be sent.
        QTcpSocket second;
        second.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(second.waitForConnected(2000));
        second.write("PUT /__edgedesk/v1/kv/MY_KV/keys/upload2 HTTP/1.1\r\n" + hostHeader(port()) +
                     "Expect: 100-continue\r\nContent-Length: 90000000\r\n\r\n");
        QVERIFY(readUntil(second, "}", 2000).startsWith("HTTP/1.1 413 "));
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        // A write (answered later, from the pool) followed by a read answered at once.
        QByteArray both = "PUT /__edgedesk/v1/kv/MY_KV/keys/order HTTP/1.1\r\n" +
                          hostHeader(port()) + "Content-Length: 5\r\n\r\nfirst";
        both += "GET /worker/hello HTTP/1.1\r\n" + hostHeader(port()) + "\r\n";
        socket.write(both);
        const QByteArray got = readUntil(socket, "cloudflare-containers-go-service-worker", 5000);
        const qsizetype put = got.indexOf("\"key\":\"order\"");
        const qsizetype hello = got.indexOf("Hello from");
        QVERIFY2(put >= 0 && hello >= 0, got.constData());
        QVERIFY(put < hello);
    }
};

QTEST_GUILESS_MAIN(TestTransport)
#include "test_transport.moc"
