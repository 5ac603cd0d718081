// What a traffic record keeps of a request beyond its metadata: request and response headers,
// capped and without credentials, and where the time went — checked on the cap itself and on
// records of real requests to an in-process server (signal and GET /__edgedesk/v1/traffic).
#include "testsupport.h"
#include "traffic/trafficheaders.h"
#include "traffic/trafficlog.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

class TestTrafficRecords final : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;

    std::optional<TrafficRecord> recordOf(const QSignalSpy &spy, const QString &path) const
    {
        for (const auto &args : spy) {
            const auto record = args.first().value<TrafficRecord>();
            if (record.path == path)
                return record;
        }
        return std::nullopt;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
    }
    void cleanupTestCase() { m_server.reset(); }

    void plainHeadersAreSharedNotCopied()
    {
        const TrafficHeaders headers{{"Accept", "application/json"}, {"X-Trace", "42"}};
        const TrafficHeaders kept = TrafficHeaderCap::cap(headers);
        QCOMPARE(kept, headers);
        QVERIFY(kept.constData() == headers.constData()); // the same storage
    }

    void credentialsAreHidden()
    {
        const TrafficHeaders kept = TrafficHeaderCap::cap({{"authorization", "Bearer abc"},
                                                           {"Cookie", "s=1"},
                                                           {"Proxy-Authorization", "Basic x"},
                                                           {"Set-Cookie", "s=2"},
                                                           {"X-Auth-Hint", "visible"}});
        QCOMPARE(kept, (TrafficHeaders{{"authorization", "(hidden)"},
                                       {"Cookie", "(hidden)"},
                                       {"Proxy-Authorization", "(hidden)"},
                                       {"Set-Cookie", "(hidden)"},
                                       {"X-Auth-Hint", "visible"}}));
    }

    void countAndValuesAreCapped()
    {
        TrafficHeaders many;
        for (int i = 0; i < TrafficHeaderCap::kMaxCount + 10; ++i)
            many.append(
                {"X-N" + QByteArray::number(i), QByteArray(TrafficHeaderCap::kMaxValue + 1, 'v')});
        const TrafficHeaders kept = TrafficHeaderCap::cap(many, "text/plain");
        QCOMPARE(kept.size(), TrafficHeaderCap::kMaxCount);
        QCOMPARE(kept.first(), qMakePair(QByteArray("Content-Type"), QByteArray("text/plain")));
        QCOMPARE(kept.at(1).first, QByteArray("X-N0"));
        QCOMPARE(kept.at(1).second.size(), TrafficHeaderCap::kMaxValue);
    }

    void recordsCarryHeadersWithoutCredentials()
    {
        QSignalSpy spy(&m_server->host(), &ServerHost::trafficRecorded);
        const HttpReply reply = request(m_server->port(), "GET", "/worker/echo?rec=1",
                                        {{"X-Trace", "42"}, {"Authorization", "Bearer s3cret"}});
        QCOMPARE(reply.status, 200);
        QTRY_VERIFY(recordOf(spy, QStringLiteral("/worker/echo?rec=1")).has_value());
        const TrafficRecord r = *recordOf(spy, QStringLiteral("/worker/echo?rec=1"));
        QCOMPARE(r.requestHeaders,
                 (TrafficHeaders{{"X-Trace", "42"},
                                 {"Authorization", "(hidden)"},
                                 {"Host", "127.0.0.1:" + QByteArray::number(m_server->port())}}));
        QVERIFY(!r.responseHeaders.isEmpty());
        QCOMPARE(r.responseHeaders.first(),
                 qMakePair(QByteArray("Content-Type"), reply.header("content-type")));
        QCOMPARE(r.queueUs, qint64(-1)); // answered in process: no upstream
    }

    void controlApiGivesTheSameRecord()
    {
        QCOMPARE(request(m_server->port(), "GET", "/worker/echo?rec=2", {{"X-Trace", "7"}}).status,
                 200);
        QJsonObject record;
        QTRY_VERIFY([&] {
            const HttpReply traffic =
                request(m_server->port(), "GET", "/__edgedesk/v1/traffic?limit=20");
            for (const QJsonValue &v : traffic.json().value(QStringLiteral("records")).toArray()) {
                if (v.toObject().value(QStringLiteral("path")) ==
                    QStringLiteral("/worker/echo?rec=2"))
                    record = v.toObject();
            }
            return !record.isEmpty();
        }());
        const QJsonArray headers = record.value(QStringLiteral("request_headers")).toArray();
        QVERIFY(headers.contains(QJsonArray{QStringLiteral("X-Trace"), QStringLiteral("7")}));
        QVERIFY(record.value(QStringLiteral("queue_ms")).isNull());
        QVERIFY(record.value(QStringLiteral("upstream_ms")).isNull());
        QCOMPARE(
            record.value(QStringLiteral("response_headers")).toArray().first().toArray().first(),
            QJsonValue(QStringLiteral("Content-Type")));
        // And the UI reads it back the same.
        const TrafficHeaders back = TrafficLog::headersFromJson(headers);
        QVERIFY(back.contains(qMakePair(QByteArray("X-Trace"), QByteArray("7"))));
    }

    void upstreamTimeIsTheRestOfTheDuration()
    {
        TrafficRecord r;
        r.durationUs = 12000;
        r.queueUs = 2000;
        const QJsonObject json = TrafficLog::toJson(r);
        QCOMPARE(json.value(QStringLiteral("queue_ms")).toDouble(), 2.0);
        QCOMPARE(json.value(QStringLiteral("upstream_ms")).toDouble(), 10.0);
    }
};

QTEST_GUILESS_MAIN(TestTrafficRecords)
#include "test_trafficrecords.moc"
