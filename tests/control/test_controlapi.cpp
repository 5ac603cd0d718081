// The control API over HTTP, in process (ServerHost on port 0): health, config, traffic, metrics
// and logs.
#include "testsupport.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

class TestControlApi final : public QObject
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
};

QTEST_GUILESS_MAIN(TestControlApi)
#include "test_controlapi.moc"
