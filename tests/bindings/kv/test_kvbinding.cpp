// The KV binding over HTTP, in process (ServerHost on port 0): the demo route /kv and the control
// API's key routes, their refusals and expiry.
#include "testsupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

using Headers = QList<QPair<QByteArray, QByteArray>>;

class TestKvBinding final : public QObject
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

};

QTEST_GUILESS_MAIN(TestKvBinding)
#include "test_kvbinding.moc"
