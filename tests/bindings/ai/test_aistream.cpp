// /ai?stream=1 over a raw socket: server-sent events in order and flushed as they arrive, the
// chunked framing, [DONE] last, failures inside a stream, and a client that leaves mid-stream
// (the upstream transfer must be cut, not left generating).
#include "airoutessupport.h"

#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

QByteArray tokenEvent(const QString &token)
{
    return QJsonDocument(QJsonObject{{"response", token}}).toJson(QJsonDocument::Compact);
}

} // namespace

class TestAiStream final : public QObject
{
    Q_OBJECT

    AiUpstreamServer m_upstream;
    std::unique_ptr<TestServer> m_server;

    bool startWith(const QJsonObject &ai)
    {
        QString error;
        m_server = startAiServer(ai, false, &error);
        if (!m_server)
            qWarning() << "server did not start:" << error;
        return m_server != nullptr;
    }
    quint16 port() const { return m_server->port(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_upstream.listen()); }

    void init()
    {
        m_upstream.setSettings(AiUpstreamServer::Settings());
        m_upstream.clearRecords();
    }

    void cleanup() { m_server.reset(); }

    void eventsArriveInOrderAsTheyAreMade_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("body");
        QTest::addRow("openai GET") << "openai" << QByteArray("GET")
                                    << QByteArray("/ai?prompt=hi&stream=1") << QByteArray();
        QTest::addRow("openai POST") << "openai" << QByteArray("POST") << QByteArray("/ai")
                                     << QByteArray("{\"prompt\": \"hi\", \"stream\": true}");
        QTest::addRow("workers-ai GET") << "workers-ai" << QByteArray("GET")
                                        << QByteArray("/ai?prompt=hi&stream=1") << QByteArray();
    }
    void eventsArriveInOrderAsTheyAreMade()
    {
        QFETCH(QString, provider);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, body);
        const QStringList tokens{"Edge", " networks", " run", " code", " near", " users", "."};
        AiUpstreamServer::Settings settings;
        settings.tokens = tokens;
        settings.tokenDelayMs = 60;
        m_upstream.setSettings(settings);
        const bool workers = provider == QLatin1String("workers-ai");
        QVERIFY(startWith(workers ? workersAiBlock(m_upstream) : openAiBlock(m_upstream)));
        if (workers)
            QCOMPARE(putSecret(port(), "ACCOUNT_API_KEY", "cf-stream-key").status, 200);

        SseClient client;
        QVERIFY(client.open(port(), method, target, body));
        const auto first = client.nextEvent();
        QVERIFY(first.has_value());
        QCOMPARE(client.status(), 200);
        QCOMPARE(client.header("content-type"), QByteArray("text/event-stream; charset=utf-8"));
        QCOMPARE(client.header("transfer-encoding"), QByteArray("chunked"));
        QCOMPARE(client.header("cache-control"), QByteArray("no-cache"));
        QVERIFY(client.header("content-length").isEmpty());
        QCOMPARE(*first, tokenEvent(tokens.first()));

        QList<QByteArray> events{*first};
        events += client.readAll();
        QVERIFY(client.ended());
        QList<QByteArray> expected;
        for (const QString &t : tokens)
            expected << tokenEvent(t);
        expected << QByteArray("[DONE]");
        QCOMPARE(events, expected);
        // Every event is its own "data: ...\n\n" block, nothing else in between.
        QByteArray joined;
        for (const QByteArray &e : expected)
            joined += "data: " + e + "\n\n";
        QCOMPARE(client.body(), joined);

        // Relayed as made: the first event was here before the upstream had sent its last. The
        // upstream notes when it finished just after its last write, which may reach us first.
        QTRY_VERIFY(!m_upstream.streams().isEmpty() &&
                    m_upstream.streams().first().finishedAtNs > 0);
        const auto streams = m_upstream.streams();
        QCOMPARE(streams.size(), 1);
        QCOMPARE(streams[0].tokensSent, int(tokens.size()));
        const qint64 firstEventAt = client.eventTimesNs().first();
        QVERIFY2(firstEventAt < streams[0].finishedAtNs,
                 qPrintable(QStringLiteral("first event %1 ms after the upstream finished")
                                .arg((firstEventAt - streams[0].finishedAtNs) / 1e6)));
        QVERIFY(firstEventAt > streams[0].startedAtNs);
    }

    void failureInsideAStreamIsAnEventThenDone()
    {
        m_upstream.setScenario(AiUpstreamServer::Scenario::Malformed);
        QVERIFY(startWith(openAiBlock(m_upstream)));
        SseClient client;
        QVERIFY(client.open(port(), "GET", "/ai?prompt=hi&stream=1"));
        const QList<QByteArray> events = client.readAll();
        QCOMPARE(client.status(), 200);
        QVERIFY(client.ended());
        QCOMPARE(events.size(), 3);
        QCOMPARE(events[0], tokenEvent(m_upstream.settings().tokens.first()));
        const QJsonObject error =
            QJsonDocument::fromJson(events[1]).object().value("error").toObject();
        QCOMPARE(error.value("code").toString(), QStringLiteral("bad_gateway"));
        QVERIFY2(error.value("message").toString().contains("AI provider openai"),
                 qPrintable(error.value("message").toString()));
        QCOMPARE(events[2], QByteArray("[DONE]"));
    }

    void dropMidStreamIsReportedInTheStream()
    {
        AiUpstreamServer::Settings settings;
        settings.scenario = AiUpstreamServer::Scenario::Drop;
        settings.dropAfterTokens = 2;
        m_upstream.setSettings(settings);
        QVERIFY(startWith(openAiBlock(m_upstream)));
        SseClient client;
        QVERIFY(client.open(port(), "GET", "/ai?prompt=hi&stream=1"));
        const QList<QByteArray> events = client.readAll();
        QVERIFY(client.ended());
        QCOMPARE(events.size(), 4);
        QCOMPARE(events[1], tokenEvent(settings.tokens.at(1)));
        QVERIFY(events[2].contains("dropped mid-stream after 2 tokens"));
        QCOMPARE(events[3], QByteArray("[DONE]"));
    }

    void clientLeavingMidStreamCutsTheUpstream()
    {
        AiUpstreamServer::Settings settings;
        settings.tokens.clear();
        for (int i = 0; i < 200; ++i)
            settings.tokens << QStringLiteral(" t%1").arg(i);
        settings.tokenDelayMs = 25; // 5 s in all: far longer than the test waits
        m_upstream.setSettings(settings);
        QVERIFY(startWith(openAiBlock(m_upstream)));

        SseClient client;
        QVERIFY(client.open(port(), "GET", "/ai?prompt=hi&stream=1"));
        QVERIFY(client.nextEvent().has_value());
        QVERIFY(client.nextEvent().has_value());
        client.abort();

        QTRY_COMPARE_WITH_TIMEOUT(m_upstream.clientDisconnects(), 1, 3000);
        const auto streams = m_upstream.streams();
        QCOMPARE(streams.size(), 1);
        QVERIFY(streams[0].clientDisconnected);
        QCOMPARE(streams[0].finishedAtNs, 0);
        QVERIFY(streams[0].tokensSent < settings.tokens.size());

        // The route stays usable, and the traffic record shows the cut stream.
        m_upstream.setSettings(AiUpstreamServer::Settings());
        QCOMPARE(request(port(), "GET", "/ai?prompt=again").status, 200);
    }

    void clientLeavingBeforeTheFirstTokenCutsTheUpstream()
    {
        m_upstream.setScenario(AiUpstreamServer::Scenario::Stall);
        QVERIFY(startWith(openAiBlock(m_upstream)));
        for (const QByteArray &target :
             {QByteArray("/ai?prompt=hi&stream=1"), QByteArray("/ai?prompt=hi")}) {
            m_upstream.clearRecords();
            SseClient client;
            QVERIFY(client.open(port(), "GET", target));
            QTRY_COMPARE_WITH_TIMEOUT(m_upstream.requestCount(), 1, 3000);
            client.abort();
            QTRY_COMPARE_WITH_TIMEOUT(m_upstream.clientDisconnects(), 1, 3000);
        }
    }
};

QTEST_GUILESS_MAIN(TestAiStream)
#include "test_aistream.moc"
