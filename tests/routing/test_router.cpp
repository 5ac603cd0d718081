// The router in process (ServerHost on port 0): routes, the middleware chain, security headers,
// static assets, KV, the service binding and the control API.
#include "testsupport.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

using Headers = QList<QPair<QByteArray, QByteArray>>;

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

    void kvDemoRoute()
    {
        // The demo Worker's answer: the key and its value as text, a JSON document when seeded.
        const HttpReply r = request(port(), "GET", "/kv");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(r.header("cache-control"), QByteArray("no-store"));
        const QJsonObject body = r.json();
        QCOMPARE(body.keys(), (QStringList{QStringLiteral("key"), QStringLiteral("value")}));
        QCOMPARE(body.value(QStringLiteral("key")).toString(), QStringLiteral("demo-key"));
        const QJsonObject seeded =
            QJsonDocument::fromJson(body.value(QStringLiteral("value")).toString().toUtf8())
                .object();
        QCOMPARE(seeded.value(QStringLiteral("message")).toString(),
                 QStringLiteral("Hello from the MY_KV namespace"));
        // ?key= answers the same shape; an absent key is null, as the Worker's KV get() gives.
        const HttpReply missing = request(port(), "GET", "/kv?key=nope");
        QCOMPARE(missing.status, 200);
        QCOMPARE(missing.body, QByteArray("{\"key\":\"nope\",\"value\":null}"));
        // A key KV refuses is a JSON error, and nothing is stored.
        const HttpReply bad = request(port(), "GET", "/kv?key=..");
        QCOMPARE(bad.status, 400);
        QCOMPARE(bad.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("bad_request"));
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/..").status, 400);
    }

    void kvControlApi()
    {
        const QByteArray base = "/__edgedesk/v1/kv/MY_KV/keys";
        HttpReply put = request(
            port(), "PUT", base + "/user%2F1?expiration_ttl=3600",
            {{"Content-Type", "application/json"}, {"X-EdgeDesk-Metadata", "{\"owner\":\"ana\"}"}},
            "{\"name\":\"Ana\"}");
        QCOMPARE(put.status, 200);
        QCOMPARE(put.json().value(QStringLiteral("key")).toString(), QStringLiteral("user/1"));
        HttpReply get = request(port(), "GET", base + "/user%2F1");
        QCOMPARE(get.status, 200);
        QCOMPARE(get.body, QByteArray("{\"name\":\"Ana\"}"));
        QCOMPARE(get.header("content-type"), QByteArray("application/json"));
        QCOMPARE(get.header("x-edgedesk-metadata"), QByteArray("{\"owner\":\"ana\"}"));
        QVERIFY(get.header("x-edgedesk-expiration").toLongLong() >
                QDateTime::currentSecsSinceEpoch());
        // /kv?key= reads the same namespace, the value as text.
        const HttpReply viaDemo = request(port(), "GET", "/kv?key=user%2F1");
        QCOMPARE(viaDemo.body,
                 QByteArray("{\"key\":\"user/1\",\"value\":\"{\\\"name\\\":\\\"Ana\\\"}\"}"));

        HttpReply list = request(port(), "GET", base + "?prefix=user%2F");
        QCOMPARE(list.status, 200);
        const QJsonObject listing = list.json();
        QCOMPARE(listing.value(QStringLiteral("list_complete")).toBool(), true);
        const QJsonArray keys = listing.value(QStringLiteral("keys")).toArray();
        QCOMPARE(keys.size(), 1);
        QCOMPARE(keys[0].toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("user/1"));
        QCOMPARE(keys[0]
                     .toObject()
                     .value(QStringLiteral("metadata"))
                     .toObject()
                     .value(QStringLiteral("owner"))
                     .toString(),
                 QStringLiteral("ana"));

        QCOMPARE(request(port(), "DELETE", base + "/user%2F1").status, 200);
        QCOMPARE(request(port(), "GET", base + "/user%2F1").status, 404);
        QCOMPARE(request(port(), "DELETE", base + "/user%2F1").status, 404);
    }

    void kvBadInput_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<Headers>("headers");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("fragment");
        using H = Headers;
        const QByteArray base = "/__edgedesk/v1/kv/MY_KV/keys";
        QTest::addRow("key too long") << QByteArray("PUT") << base + "/" + QByteArray(600, 'k')
                                      << H{} << 400 << QStringLiteral("512");
        QTest::addRow("NUL in key")
            << QByteArray("PUT") << base + "/a%00b" << H{} << 400 << QStringLiteral("NUL");
        QTest::addRow("dot-dot key")
            << QByteArray("PUT") << base + "/.." << H{} << 400 << QStringLiteral("'..'");
        QTest::addRow("bad metadata")
            << QByteArray("PUT") << base + "/m" << H{{"X-EdgeDesk-Metadata", "{oops"}} << 400
            << QStringLiteral("metadata");
        QTest::addRow("bad ttl") << QByteArray("PUT") << base + "/t?expiration_ttl=-5" << H{} << 400
                                 << QStringLiteral("expiration_ttl");
        QTest::addRow("ttl not a number") << QByteArray("PUT") << base + "/t?expiration_ttl=soon"
                                          << H{} << 400 << QStringLiteral("expiration_ttl");
        QTest::addRow("limit 0") << QByteArray("GET") << base + "?limit=0" << H{} << 400
                                 << QStringLiteral("limit");
        QTest::addRow("limit 1001")
            << QByteArray("GET") << base + "?limit=1001" << H{} << 400 << QStringLiteral("limit");
        QTest::addRow("bad cursor") << QByteArray("GET") << base + "?cursor=%25%25" << H{} << 400
                                    << QStringLiteral("cursor");
        QTest::addRow("unknown namespace")
            << QByteArray("GET") << QByteArray("/__edgedesk/v1/kv/NOPE/keys") << H{} << 404
            << QString();
    }
    void kvBadInput()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(Headers, headers);
        QFETCH(int, status);
        QFETCH(QString, fragment);
        const HttpReply before = request(port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys");
        const HttpReply r = request(port(), method, target, headers,
                                    method == "PUT" ? QByteArray("value") : QByteArray());
        QCOMPARE(r.status, status);
        const QJsonObject error = r.json().value(QStringLiteral("error")).toObject();
        QVERIFY(!error.value(QStringLiteral("code")).toString().isEmpty());
        QVERIFY2(error.value(QStringLiteral("message")).toString().contains(fragment),
                 qPrintable(error.value(QStringLiteral("message")).toString()));
        // Nothing stored changed.
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys").body, before.body);
    }

    void kvTtlExpires()
    {
        QCOMPARE(request(port(), "PUT", "/__edgedesk/v1/kv/MY_KV/keys/short?expiration_ttl=1", {},
                         "brief")
                     .status,
                 200);
        QCOMPARE(request(port(), "GET", "/kv?key=short").json().value(QStringLiteral("value")),
                 QJsonValue(QStringLiteral("brief")));
        QTRY_COMPARE_WITH_TIMEOUT(
            request(port(), "GET", "/kv?key=short").json().value(QStringLiteral("value")),
            QJsonValue(QJsonValue::Null), 4000);
    }

    void serviceBinding()
    {
        HttpReply hello = request(port(), "GET", "/worker/hello");
        QCOMPARE(hello.status, 200);
        QCOMPARE(hello.json().value(QStringLiteral("service")).toString(),
                 QStringLiteral("cloudflare-containers-go-service-worker"));
        QCOMPARE(hello.json().value(QStringLiteral("path")).toString(), QStringLiteral("/hello"));
        QCOMPARE(request(port(), "GET", "/worker/").json().value(QStringLiteral("path")).toString(),
                 QStringLiteral("/"));
        HttpReply echo = request(port(), "POST", "/worker/echo?a=1&b=two+words",
                                 {{"X-Custom", "yes"}}, "payload");
        QCOMPARE(echo.status, 200);
        const QJsonObject e = echo.json();
        QCOMPARE(e.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
        QCOMPARE(e.value(QStringLiteral("path")).toString(), QStringLiteral("/echo"));
        QCOMPARE(e.value(QStringLiteral("query")).toObject().value(QStringLiteral("b")).toString(),
                 QStringLiteral("two words"));
        QCOMPARE(e.value(QStringLiteral("headers"))
                     .toObject()
                     .value(QStringLiteral("x-custom"))
                     .toString(),
                 QStringLiteral("yes"));
        QCOMPARE(e.value(QStringLiteral("body")).toString(), QStringLiteral("payload"));
        QCOMPARE(e.keys(), (QStringList{QStringLiteral("body"), QStringLiteral("headers"),
                                        QStringLiteral("method"), QStringLiteral("path"),
                                        QStringLiteral("query"), QStringLiteral("service")}));
        QCOMPARE(e.value(QStringLiteral("query")).toObject().value(QStringLiteral("a")).toString(),
                 QStringLiteral("1"));
        // Text that needs escaping comes back intact; a repeated header is joined.
        const QByteArray tricky = "line \"one\"\n\ttab \\ caf\xc3\xa9 \x01";
        HttpReply escaped = request(port(), "PUT", "/worker/echo",
                                    {{"X-Twice", "a"}, {"X-Twice", "b"}}, tricky);
        QCOMPARE(escaped.status, 200);
        QCOMPARE(escaped.json().value(QStringLiteral("body")).toString(),
                 QString::fromUtf8(tricky));
        QCOMPARE(escaped.json()
                     .value(QStringLiteral("headers"))
                     .toObject()
                     .value(QStringLiteral("x-twice"))
                     .toString(),
                 QStringLiteral("a, b"));
        QVERIFY(!escaped.json().contains(QStringLiteral("body_encoding")));
        // A body that is not UTF-8 comes back as base64, and says so.
        const QByteArray binary("\xff\xfe\x00\x80 binary", 11);
        HttpReply raw = request(port(), "POST", "/worker/echo", {}, binary);
        QCOMPARE(raw.status, 200);
        QCOMPARE(raw.json().value(QStringLiteral("body_encoding")).toString(),
                 QStringLiteral("base64"));
        QCOMPARE(QByteArray::fromBase64(
                     raw.json().value(QStringLiteral("body")).toString().toLatin1()),
                 binary);
        HttpReply time = request(port(), "GET", "/worker/time");
        QVERIFY(time.json().value(QStringLiteral("epoch_ms")).toDouble() > 1.7e12);
        QCOMPARE(request(port(), "GET", "/worker/nope").status, 404);
    }

    void controlApi()
    {
        HttpReply health = request(port(), "GET", "/__edgedesk/v1/health");
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(health.json().value(QStringLiteral("port")).toInt(), int(port()));
        QCOMPARE(health.json().keys(),
                 (QStringList{QStringLiteral("connections"), QStringLiteral("data_dir"),
                              QStringLiteral("pid"), QStringLiteral("port"),
                              QStringLiteral("requests_total"), QStringLiteral("service"),
                              QStringLiteral("status"), QStringLiteral("uptime_s"),
                              QStringLiteral("version")}));
        QCOMPARE(health.json().value(QStringLiteral("pid")).toInteger(),
                 QCoreApplication::applicationPid());
        QCOMPARE(health.header("Content-Type"), QByteArray("application/json"));

        HttpReply config = request(port(), "GET", "/__edgedesk/v1/config");
        QCOMPARE(config.status, 200);
        QCOMPARE(config.json().value(QStringLiteral("containers")).toArray().size(), 2);
        QVERIFY(config.json().value(QStringLiteral("warnings")).isArray());
        QVERIFY(!config.json().value(QStringLiteral("routes")).toArray().isEmpty());

        request(port(), "GET", "/worker/hello");
        HttpReply traffic = request(port(), "GET", "/__edgedesk/v1/traffic?limit=5");
        QCOMPARE(traffic.status, 200);
        const QJsonArray records = traffic.json().value(QStringLiteral("records")).toArray();
        QVERIFY(!records.isEmpty() && records.size() <= 5);
        const QJsonObject last = records.last().toObject();
        for (const char *field : {"time", "method", "path", "route", "status", "duration_ms",
                                  "bytes_in", "bytes_out", "instance"})
            QVERIFY2(last.contains(QLatin1String(field)), field);
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/traffic?limit=0").status, 400);

        HttpReply metrics = request(port(), "GET", "/__edgedesk/v1/metrics");
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.header("content-type").startsWith("text/plain; version=0.0.4"));
        QVERIFY(metrics.body.contains("edgedesk_requests_total{route=\"worker\",status=\"200\"}"));
        QVERIFY(metrics.body.contains(
            "edgedesk_request_duration_seconds_bucket{route=\"worker\",le=\"+Inf\"}"));

        HttpReply logs = request(port(), "GET", "/__edgedesk/v1/logs?tail=10");
        QCOMPARE(logs.status, 200);
        QVERIFY(logs.json().value(QStringLiteral("lines")).isArray());
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
