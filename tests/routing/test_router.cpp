// The router in process (ServerHost on port 0): routes, the middleware chain, security headers,
// static assets and the traffic records. KV, the service binding and the control API have their own
// suites (tests/bindings/kv, tests/bindings/services, tests/control).
#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

class TestRouter final : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
    }
    void cleanupTestCase() { m_server.reset(); }

    void rootServesTheFrontend()
    {
        const HttpReply r = request(port(), "GET", "/");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("text/html; charset=utf-8"));
        QVERIFY(r.body.contains("<html"));
        QVERIFY(r.header("content-security-policy").contains("script-src 'self'"));
        QCOMPARE(r.header("x-content-type-options"), QByteArray("nosniff"));
        QCOMPARE(r.header("x-frame-options"), QByteArray("SAMEORIGIN"));
        QCOMPARE(r.header("referrer-policy"), QByteArray("same-origin"));
        QVERIFY(!r.header("x-request-id").isEmpty());
        const QByteArray etag = r.header("etag");
        QVERIFY(etag.startsWith('"'));
        const HttpReply again = request(port(), "GET", "/", {{"If-None-Match", etag}});
        QCOMPARE(again.status, 304);
        QVERIFY(again.body.isEmpty());
        QCOMPARE(again.header("etag"), etag);
    }

    void assetTypes_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("type");
        QTest::addRow("js") << QByteArray("/app.js")
                            << QByteArray("text/javascript; charset=utf-8");
        QTest::addRow("css") << QByteArray("/app.css") << QByteArray("text/css; charset=utf-8");
        QTest::addRow("svg") << QByteArray("/favicon.svg") << QByteArray("image/svg+xml");
        QTest::addRow("index") << QByteArray("/") << QByteArray("text/html; charset=utf-8");
    }
    void assetTypes()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, type);
        const HttpReply r = request(port(), "GET", path);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), type);
        QVERIFY(r.header("content-security-policy").isEmpty() == !type.startsWith("text/html"));
    }

    void headAnswersWithoutBody()
    {
        const HttpReply get = request(port(), "GET", "/");
        const HttpReply head =
            rawRequest(port(), "HEAD / HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port()) +
                                   "\r\nConnection: close\r\n\r\n");
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("content-length"), QByteArray::number(get.body.size()));
        QVERIFY(head.body.isEmpty());
    }

    void unknownPathIs404Json()
    {
        const HttpReply r = request(port(), "GET", "/no/such/thing");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(r.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("not_found"));
    }

    void wrongMethodIs405WithAllow()
    {
        const HttpReply r = request(port(), "DELETE", "/kv");
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("allow"), QByteArray("GET, HEAD"));
        QCOMPARE(r.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("method_not_allowed"));
        const HttpReply options = request(port(), "OPTIONS", "/kv");
        QCOMPARE(options.status, 204);
        QVERIFY(options.header("allow").contains("GET"));
    }

    void hostAllowList()
    {
        const HttpReply bad =
            request(port(), "GET", "/kv", {{"Host", "evil.example:" + QByteArray::number(port())}});
        QCOMPARE(bad.status, 421);
        QCOMPARE(bad.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("misdirected_request"));
        const HttpReply good =
            request(port(), "GET", "/kv", {{"Host", "localhost:" + QByteArray::number(port())}});
        QCOMPARE(good.status, 200);
    }

    void crossSiteWritesAreRefused()
    {
        const QByteArray origin = "http://127.0.0.1:" + QByteArray::number(port());
        const HttpReply evil = request(port(), "PUT", "/__edgedesk/v1/kv/MY_KV/keys/csrf",
                                       {{"Origin", "http://evil.example"}}, "x");
        QCOMPARE(evil.status, 403);
        QCOMPARE(evil.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("cross_site_request"));
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/csrf").status,
                 404); // nothing stored
        const HttpReply same =
            request(port(), "PUT", "/__edgedesk/v1/kv/MY_KV/keys/csrf", {{"Origin", origin}}, "x");
        QCOMPARE(same.status, 200);
    }

    void indexHtmlRedirectsToTheFolder()
    {
        const HttpReply r = request(port(), "GET", "/index.html?x=1");
        QCOMPARE(r.status, 307);
        QCOMPARE(r.header("location"), QByteArray("/?x=1"));
    }


    void trafficSignalCarriesRecords()
    {
        QSignalSpy spy(&m_server->host(), &ServerHost::trafficRecorded);
        request(port(), "GET", "/worker/hello?x=1");
        auto ours = [&]() -> std::optional<TrafficRecord> {
            for (const auto &args : spy) {
                const auto record = args.first().value<TrafficRecord>();
                if (record.path == QLatin1String("/worker/hello?x=1"))
                    return record;
            }
            return std::nullopt;
        };
        QTRY_VERIFY(ours().has_value());
        QCOMPARE(ours()->status, 200);
        QCOMPARE(ours()->route, QStringLiteral("worker"));
        QCOMPARE(ours()->binding, QStringLiteral("WORKER_SERVICE"));
        QCOMPARE(ours()->method, QStringLiteral("GET"));
        QVERIFY(ours()->bytesOut > 0);
    }
};

QTEST_GUILESS_MAIN(TestRouter)
#include "test_router.moc"
