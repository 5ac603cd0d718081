#include "aiupstreamserver.h"
#include "bindings/ai/aiservice.h"
#include "util/workerpool.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <optional>

using namespace edgedesk;

namespace {

struct Outcome
{
    std::optional<AiResult> done;
    std::optional<Error> error;
    bool finished() const { return done || error; }
};

AiCallbacks callbacksFor(Outcome &outcome)
{
    return AiCallbacks{nullptr, [&outcome](const AiResult &r) { outcome.done = r; },
                       [&outcome](const Error &e) { outcome.error = e; }};
}

AiRequest prompt(const QString &text)
{
    AiRequest request;
    request.prompt = text;
    return request;
}

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace

class TestAiService final : public QObject
{
    Q_OBJECT

private:
    AiUpstreamServer m_server;
    WorkerPool m_pool{2};
    QObject m_context;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_server.listen()); }

    void init()
    {
        m_server.setSettings(AiUpstreamServer::Settings());
        m_server.clearRecords();
    }

    void configuredProviderNeedsNoProbe()
    {
        const auto config = parseAiConfig(QJsonObject{{"provider", "openai"},
                                                      {"base_url", m_server.openAiBaseUrl()},
                                                      {"model", "llama3.2"},
                                                      {"api_key_secret", "OPENAI_KEY"}});
        QVERIFY(config.ok());
        AiService service(*config, &m_pool);
        QSignalSpy probed(&service, &AiService::probeFinished);
        service.probeOllama(m_server.url());
        QVERIFY(!service.isProbing());
        QCOMPARE(service.apiKeySecret(), QStringLiteral("OPENAI_KEY"));
        QJsonObject expected = config->toJson();
        expected.insert("probing", false);
        QCOMPARE(service.toJson(), expected);

        Outcome outcome;
        service.start(QStringLiteral("k"), prompt(QStringLiteral("hi")), &m_context,
                      callbacksFor(outcome));
        QTRY_VERIFY(outcome.finished());
        QVERIFY(outcome.done);
        QCOMPARE(outcome.done->response, m_server.answer());
        QCOMPARE(m_server.requestCount(), 1); // no /api/tags
        QCOMPARE(probed.count(), 0);
    }

    void probeFindsOllama()
    {
        AiService service(AiConfig(), &m_pool);
        QSignalSpy probed(&service, &AiService::probeFinished);
        service.probeOllama(m_server.url(), 2000);
        QVERIFY(service.isProbing());
        QCOMPARE(service.toJson().value("probing").toBool(), true);

        // Started before the probe answered: waits for it, then goes to the Ollama it found.
        Outcome outcome;
        service.start(QString(), prompt(QStringLiteral("hi")), &m_context, callbacksFor(outcome));
        QTRY_VERIFY(outcome.finished());
        QVERIFY2(outcome.done, qPrintable(outcome.error ? outcome.error->message : QString()));
        QCOMPARE(outcome.done->provider, QStringLiteral("openai"));
        QCOMPARE(outcome.done->model, QStringLiteral("llama3.2:latest"));
        QCOMPARE(probed.count(), 1);
        QCOMPARE(probed.first().first().toBool(), true);
        QVERIFY(!service.isProbing());
        QCOMPARE(service.effective().source, AiConfig::Source::OllamaProbe);
        QCOMPARE(service.toJson().value("base_url").toString(), m_server.openAiBaseUrl());
        QCOMPARE(service.toJson().value("source").toString(), QStringLiteral("ollama-probe"));

        const auto received = m_server.requests();
        QCOMPARE(received.size(), 2);
        QCOMPARE(received.at(0).path, QByteArray("/api/tags"));
        QCOMPARE(received.at(1).path, QByteArray("/v1/chat/completions"));
        QVERIFY(!received.at(1).headers.contains("authorization"));
    }

    void noOllamaMeansNotConfigured()
    {
        AiService service(AiConfig(), &m_pool);
        QSignalSpy probed(&service, &AiService::probeFinished);
        service.probeOllama(QStringLiteral("http://127.0.0.1:%1").arg(closedPort()), 300);
        Outcome during;
        service.start(QString(), prompt(QStringLiteral("hi")), &m_context, callbacksFor(during));
        QTRY_VERIFY(during.finished());
        QVERIFY(during.error);
        QCOMPARE(during.error->code, QStringLiteral("service_unavailable"));
        QCOMPARE(during.error->message, notConfiguredMessage());
        QCOMPARE(probed.count(), 1);
        QCOMPARE(probed.first().first().toBool(), false);
        QCOMPARE(service.toJson(), (QJsonObject{{"binding", "AI"},
                                                {"configured", false},
                                                {"provider", QJsonValue::Null},
                                                {"probing", false}}));

        Outcome after;
        service.start(QString(), prompt(QStringLiteral("hi")), &m_context, callbacksFor(after));
        QTRY_VERIFY(after.finished());
        QCOMPARE(after.error->code, QStringLiteral("service_unavailable"));
    }

    void callCancelledWhileProbingNeverStarts()
    {
        AiService service(AiConfig(), &m_pool);
        QSignalSpy probed(&service, &AiService::probeFinished);
        service.probeOllama(m_server.url(), 2000);
        Outcome outcome;
        AiCall call = service.start(QString(), prompt(QStringLiteral("hi")), &m_context,
                                    callbacksFor(outcome));
        call.cancel();
        QTRY_COMPARE(probed.count(), 1);
        // A call started after the probe goes out and is answered; the cancelled one never did.
        Outcome later;
        service.start(QString(), prompt(QStringLiteral("a later call")), &m_context,
                      callbacksFor(later));
        QTRY_VERIFY(later.finished());
        QVERIFY(later.done);
        const auto received = m_server.requests();
        QCOMPARE(received.size(), 2);
        QCOMPARE(received.at(0).path, QByteArray("/api/tags"));
        QVERIFY(received.at(1).body.contains("a later call"));
        QVERIFY(!outcome.finished());
        QCOMPARE(service.client().activeCalls(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAiService)
#include "test_aiservice.moc"
