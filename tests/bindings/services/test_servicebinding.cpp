// The service binding over HTTP, in process (ServerHost on port 0): the built-in worker service
// behind /worker/*.
#include "testsupport.h"

#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

class TestServiceBinding final : public QObject
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
};

QTEST_GUILESS_MAIN(TestServiceBinding)
#include "test_servicebinding.moc"
