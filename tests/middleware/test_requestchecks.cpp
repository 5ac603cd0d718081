// The request checks over HTTP, on a running server: the cross-site check on every route but
// the static assets, and the access token, which never leaves EdgeDesk.
#include "testsupport.h"

#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

using Headers = QList<QPair<QByteArray, QByteArray>>;

namespace {

// A remote HTTP service that records the heads of the requests it gets and answers "ok".
class RecordingUpstream final : public QObject
{
public:
    RecordingUpstream()
    {
        m_server.listen(QHostAddress::LocalHost);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto got = std::make_shared<QByteArray>();
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, got] {
                    *got += socket->readAll();
                    const qsizetype end = got->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    heads.append(got->left(end));
                    got->clear(); // the bodies here are one byte, read with the head
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                  "Content-Length: 2\r\n\r\nok");
                });
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    QByteArrayList heads;

private:
    QTcpServer m_server;
};

QStringList echoedHeaderNames(const HttpReply &reply)
{
    return reply.json().value(QStringLiteral("headers")).toObject().keys();
}

} // namespace

class TestRequestChecks final : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }
    QByteArray self() const { return "http://127.0.0.1:" + QByteArray::number(port()); }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
    }
    void cleanupTestCase() { m_server.reset(); }

    // A page on another site cannot make the browser fire requests that cost or have effects
    // (an inference, a heavy computation, the control API), GETs included; it may still link to
    // the app's pages. curl and the app's own pages keep working.
    void crossSiteOnEveryDynamicRoute_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("status");
        QTest::addRow("KV, cross-site fetch")
            << QByteArray("/kv") << QByteArray("Sec-Fetch-Site") << QByteArray("cross-site") << 403;
        QTest::addRow("AI from another origin")
            << QByteArray("/ai?prompt=hello") << QByteArray("Origin")
            << QByteArray("http://evil.example") << 403;
        QTest::addRow("heavy computation from an <img>")
            << QByteArray("/api/heavycompute?n=45") << QByteArray("Referer")
            << QByteArray("http://evil.example/page.html") << 403;
        QTest::addRow("image transform") << QByteArray("/image") << QByteArray("Sec-Fetch-Site")
                                         << QByteArray("same-site") << 403;
        QTest::addRow("control API")
            << QByteArray("/__edgedesk/v1/health") << QByteArray("Sec-Fetch-Site")
            << QByteArray("cross-site") << 403;
        QTest::addRow("page, linked from another site")
            << QByteArray("/") << QByteArray("Sec-Fetch-Site") << QByteArray("cross-site") << 200;
        QTest::addRow("script asset from another site")
            << QByteArray("/app.js") << QByteArray("Referer") << QByteArray("http://evil.example/")
            << 200;
        QTest::addRow("curl") << QByteArray("/kv") << QByteArray() << QByteArray() << 200;
        QTest::addRow("own page's fetch") << QByteArray("/kv") << QByteArray("Sec-Fetch-Site")
                                          << QByteArray("same-origin") << 200;
        QTest::addRow("own page's referer")
            << QByteArray("/kv") << QByteArray("Referer") << QByteArray("SELF/index.html") << 200;
        QTest::addRow("typed in the address bar")
            << QByteArray("/kv") << QByteArray("Sec-Fetch-Site") << QByteArray("none") << 200;
    }
    void crossSiteOnEveryDynamicRoute()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        QFETCH(int, status);
        Headers headers;
        if (!header.isEmpty())
            headers.append({header, QByteArray(value).replace("SELF", self())});
        const HttpReply r = request(port(), "GET", path, headers);
        QCOMPARE(r.status, status);
        if (status == 403) {
            const QJsonObject error = r.json().value(QStringLiteral("error")).toObject();
            QCOMPARE(error.value(QStringLiteral("code")).toString(),
                     QStringLiteral("cross_site_request"));
            QVERIFY(error.value(QStringLiteral("message"))
                        .toString()
                        .startsWith(QStringLiteral("cross-site request refused")));
        }
    }

    // `--bind 127.0.0.2`: the address it listens on is a Host it answers, and a refusal names
    // that address, not one where nothing listens.
    void boundAddressIsAnAllowedHost()
    {
        ServerOptions options;
        options.bindAddress = QHostAddress(QStringLiteral("127.0.0.2"));
        TestServer server(options);
        QVERIFY2(server.start(), qPrintable(server.lastError()));
        const QByteArray hostPort = "127.0.0.2:" + QByteArray::number(server.port());
        auto get = [&](const QByteArray &host) {
            QTcpSocket socket;
            socket.connectToHost(options.bindAddress, server.port());
            if (!socket.waitForConnected(2000))
                return QByteArray();
            socket.write("GET /kv HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            QByteArray got;
            while (socket.waitForReadyRead(3000))
                got += socket.readAll();
            return got + socket.readAll();
        };
        const QByteArray served = get(hostPort);
        QVERIFY2(served.startsWith("HTTP/1.1 200 "), served.constData());
        const QByteArray refused = get("evil.example:" + QByteArray::number(server.port()));
        QVERIFY2(refused.startsWith("HTTP/1.1 421 "), refused.constData());
        QVERIFY2(refused.contains("use http://" + hostPort + " "), refused.constData());
    }

    // In token mode, the request that presents EdgeDesk's token is served, and the token goes no
    // further: the built-in service does not see it, nor does a remote service.
    void tokenIsNeverForwarded()
    {
        RecordingUpstream remote;
        QTemporaryDir dir;
        const QString configPath = dir.filePath(QStringLiteral("remote.jsonc"));
        QFile config(configPath);
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{\"name\": \"token-test\", \"services\": [{\"binding\": "
                     "\"WORKER_SERVICE\", \"service\": \"remote\", \"url\": "
                     "\"http://127.0.0.1:" +
                     QByteArray::number(remote.port()) + "\"}]}");
        config.close();

        ServerOptions options;
        options.token = QStringLiteral("s3cret-token");
        TestServer builtin(options);
        QVERIFY2(builtin.start(), qPrintable(builtin.lastError()));
        options.configPath = configPath;
        TestServer forwarding(options);
        QVERIFY2(forwarding.start(), qPrintable(forwarding.lastError()));

        const Headers token{{"Authorization", "Bearer s3cret-token"}};
        for (const QByteArray &method : {QByteArray("GET"), QByteArray("POST")}) {
            const HttpReply r = request(builtin.port(), method, "/worker/echo", token, "x");
            QCOMPARE(r.status, 200);
            QVERIFY(echoedHeaderNames(r).contains(QStringLiteral("host")));
            QVERIFY2(!echoedHeaderNames(r).contains(QStringLiteral("authorization")),
                     r.body.constData());
        }
        // Without it the POST is refused, so the token was needed and checked.
        QCOMPARE(request(builtin.port(), "POST", "/worker/echo", {}, "x").status, 401);
        // A credential that is not EdgeDesk's belongs to the app behind the route: it passes.
        const HttpReply app = request(builtin.port(), "GET", "/worker/echo",
                                      {{"Authorization", "Bearer app-credential"}});
        QCOMPARE(app.json()
                     .value(QStringLiteral("headers"))
                     .toObject()
                     .value(QStringLiteral("authorization"))
                     .toString(),
                 QStringLiteral("Bearer app-credential"));

        for (const QByteArray &method : {QByteArray("GET"), QByteArray("PUT")}) {
            const HttpReply r = request(forwarding.port(), method, "/worker/data", token, "x");
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, QByteArray("ok"));
        }
        QCOMPARE(remote.heads.size(), 2);
        for (const QByteArray &head : std::as_const(remote.heads)) {
            QVERIFY2(head.contains("\r\nX-Forwarded-For: "), head.constData());
            QVERIFY2(!head.toLower().contains("authorization"), head.constData());
            QVERIFY(!head.contains("s3cret-token"));
        }
    }
};

QTEST_GUILESS_MAIN(TestRequestChecks)
#include "test_requestchecks.moc"
