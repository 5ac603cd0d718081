#include "aiupstreamserver.h"
#include "bindings/ai/aiclient.h"
#include "bindings/ai/aiconfig.h"
#include "bindings/ai/airequest.h"
#include "bindings/ai/ollamaprobe.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTest>
#include <QThread>

#include <memory>
#include <optional>

using namespace edgedesk;

namespace {

constexpr auto kToken = "sk-test-0123456789";

// Everything one call reported, with the client-side time of each token.
struct Recorder
{
    QStringList tokens;
    QList<qint64> tokenAtNs;
    std::optional<AiResult> done;
    std::optional<Error> error;
    int tokensAtDone = -1;
    int finalCallbacks = 0;
    bool allOnTestThread = true;

    AiCallbacks callbacks(QObject *context)
    {
        const auto check = [this, context] {
            allOnTestThread = allOnTestThread && QThread::currentThread() == context->thread();
        };
        return AiCallbacks{[this, check](const QString &token) {
                               check();
                               tokens.append(token);
                               tokenAtNs.append(AiUpstreamServer::monotonicNs());
                           },
                           [this, check](const AiResult &result) {
                               check();
                               done = result;
                               tokensAtDone = int(tokens.size());
                               ++finalCallbacks;
                           },
                           [this, check](const Error &e) {
                               check();
                               error = e;
                               ++finalCallbacks;
                           }};
    }

    bool finished() const { return done || error; }
};

QJsonObject json(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
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

class TestAiClient final : public QObject
{
    Q_OBJECT

private:
    AiUpstreamServer m_server;
    std::unique_ptr<AiClient> m_client;
    QObject m_context;

    AiConfig config(bool workers, double timeoutSeconds = 10) const
    {
        QJsonObject object;
        if (workers) {
            object = QJsonObject{{"binding", "AI"},
                                 {"provider", "workers-ai"},
                                 {"account_id", "acc123"},
                                 {"base_url", m_server.workersAiBaseUrl()}};
        } else {
            object = QJsonObject{{"binding", "AI"},
                                 {"provider", "openai"},
                                 {"base_url", m_server.openAiBaseUrl()},
                                 {"model", "llama3.2"},
                                 {"api_key_secret", "OPENAI_KEY"}};
        }
        object.insert("timeout_s", timeoutSeconds);
        const auto parsed = parseAiConfig(object);
        Q_ASSERT(parsed.ok());
        return *parsed;
    }

    static AiRequest request(bool stream, const QString &prompt = QStringLiteral("Say hello"))
    {
        AiRequest r;
        r.prompt = prompt;
        r.stream = stream;
        return r;
    }

    // A later call, run to its end with the default answer: whatever an earlier call had posted
    // to this thread was delivered (or dropped) before this one's answer.
    void completeALaterCall()
    {
        m_server.setSettings(AiUpstreamServer::Settings());
        Recorder later;
        start(later, config(false), request(true, QStringLiteral("a later call")));
        QTRY_VERIFY(later.finished());
        QVERIFY(later.done);
    }

    AiCall start(Recorder &recorder, const AiConfig &cfg, const AiRequest &req,
                 const QString &token = QString::fromLatin1(kToken))
    {
        return m_client->start(cfg, token, req, &m_context, recorder.callbacks(&m_context));
    }

    static QString expectedPath(bool workers)
    {
        return workers ? QStringLiteral(
                             "/client/v4/accounts/acc123/ai/run/@cf/meta/llama-3.1-8b-instruct")
                       : QStringLiteral("/v1/chat/completions");
    }

    QJsonObject expectedUsage() const
    {
        const int completion = int(m_server.settings().tokens.size());
        return QJsonObject{{"prompt_tokens", 10},
                           {"completion_tokens", completion},
                           {"total_tokens", 10 + completion}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        m_client = std::make_unique<AiClient>();
    }

    void init()
    {
        m_server.setSettings(AiUpstreamServer::Settings());
        m_server.clearRecords();
    }

    void cleanup()
    {
        // Nothing may be left running between tests.
        QTRY_COMPARE(m_client->activeCalls(), 0);
    }

    void completeAnswer_data()
    {
        QTest::addColumn<bool>("workers");
        QTest::addRow("openai") << false;
        QTest::addRow("workers-ai") << true;
    }

    void completeAnswer()
    {
        QFETCH(bool, workers);
        Recorder recorder;
        AiRequest req = request(false);
        req.maxTokens = 64;
        req.temperature = 0.25;
        start(recorder, config(workers), req);
        QTRY_VERIFY(recorder.finished());
        QVERIFY2(recorder.done, qPrintable(recorder.error ? recorder.error->message : QString()));
        QVERIFY(recorder.allOnTestThread);
        QVERIFY(recorder.tokens.isEmpty());
        QCOMPARE(recorder.finalCallbacks, 1);

        const QJsonObject expected{
            {"response", QStringLiteral("The phrase \"Hello, World\" dates from 1972.")},
            {"model", workers ? QStringLiteral("@cf/meta/llama-3.1-8b-instruct")
                              : QStringLiteral("llama3.2")},
            {"provider", workers ? QStringLiteral("workers-ai") : QStringLiteral("openai")},
            {"usage",
             QJsonObject{{"prompt_tokens", 10}, {"completion_tokens", 8}, {"total_tokens", 18}}},
            {"duration_ms", recorder.done->durationMs}};
        QCOMPARE(recorder.done->toJson(), expected);
        QVERIFY(recorder.done->durationMs >= 0);

        // What went over the wire.
        const auto received = m_server.requests();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.first().method, QByteArray("POST"));
        QCOMPARE(QString::fromUtf8(received.first().path), expectedPath(workers));
        QCOMPARE(received.first().headers.value("authorization"), QByteArray("Bearer ") + kToken);
        QCOMPARE(received.first().headers.value("content-type"), QByteArray("application/json"));
        QJsonObject body{
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Say hello"}}}},
            {"stream", false},
            {"max_tokens", 64},
            {"temperature", 0.25}};
        if (!workers)
            body.insert("model", "llama3.2");
        QCOMPARE(json(received.first().body), body);
    }

    void noTokenMeansNoAuthorizationHeader()
    {
        Recorder recorder;
        start(recorder, config(false), request(false), QString());
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.done);
        QCOMPARE(m_server.requestCount(), 1);
        QVERIFY(!m_server.requests().first().headers.contains("authorization"));
    }

    void modelOverride_data()
    {
        QTest::addColumn<bool>("workers");
        QTest::addRow("openai") << false;
        QTest::addRow("workers-ai") << true;
    }

    void modelOverride()
    {
        QFETCH(bool, workers);
        Recorder recorder;
        AiRequest req = request(false);
        req.model = workers ? QStringLiteral("@cf/mistral/mistral-7b-instruct-v0.1")
                            : QStringLiteral("qwen2.5:0.5b");
        start(recorder, config(workers), req);
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.done);
        QCOMPARE(recorder.done->model, req.model);
        const auto received = m_server.requests().first();
        if (workers)
            QCOMPARE(received.path,
                     QByteArray(
                         "/client/v4/accounts/acc123/ai/run/@cf/mistral/mistral-7b-instruct-v0.1"));
        else
            QCOMPARE(json(received.body).value("model").toString(), req.model);
    }

    void streamsTokensInOrder_data()
    {
        QTest::addColumn<bool>("workers");
        QTest::addRow("openai") << false;
        QTest::addRow("workers-ai") << true;
    }

    void streamsTokensInOrder()
    {
        QFETCH(bool, workers);
        m_server.setTokenDelayMs(40);
        Recorder recorder;
        start(recorder, config(workers), request(true));
        QTRY_VERIFY(recorder.finished());
        QVERIFY2(recorder.done, qPrintable(recorder.error ? recorder.error->message : QString()));
        QVERIFY(recorder.allOnTestThread);
        QCOMPARE(recorder.tokens, AiUpstreamServer::defaultTokens());
        QCOMPARE(recorder.tokensAtDone, recorder.tokens.size());
        QCOMPARE(recorder.finalCallbacks, 1);
        QCOMPARE(recorder.done->response, m_server.answer());
        QCOMPARE(recorder.done->usage, expectedUsage());
        QCOMPARE(recorder.done->provider,
                 workers ? QStringLiteral("workers-ai") : QStringLiteral("openai"));

        // Tokens are delivered as they come, not when the upstream is done (which it notes just
        // after its last write, so possibly after the call ended here).
        QTRY_VERIFY(!m_server.streams().isEmpty() && m_server.streams().first().finishedAtNs > 0);
        const auto streams = m_server.streams();
        QCOMPARE(streams.size(), 1);
        QVERIFY(recorder.tokenAtNs.first() < streams.first().finishedAtNs);
        QVERIFY(recorder.tokenAtNs.first() >= streams.first().firstTokenAtNs);

        const auto received = m_server.requests().first();
        QCOMPARE(json(received.body).value("stream").toBool(), true);
        QCOMPARE(received.headers.value("accept"), QByteArray("text/event-stream"));
    }

    void concurrentStreams()
    {
        m_server.setTokenDelayMs(10);
        constexpr int kCalls = 8;
        std::vector<std::unique_ptr<Recorder>> recorders;
        for (int i = 0; i < kCalls; ++i) {
            recorders.push_back(std::make_unique<Recorder>());
            start(*recorders.back(), config(i % 2 == 0), request(true));
        }
        for (const auto &recorder : recorders) {
            QTRY_VERIFY(recorder->finished());
            QVERIFY(recorder->done);
            QCOMPARE(recorder->tokens, AiUpstreamServer::defaultTokens());
        }
        QCOMPARE(m_server.requestCount(), kCalls);
    }

    void cancelReachesUpstream()
    {
        QStringList many;
        for (int i = 0; i < 100; ++i)
            many.append(QStringLiteral(" t%1").arg(i));
        m_server.setTokens(many);
        m_server.setTokenDelayMs(30);
        Recorder recorder;
        AiCall call = start(recorder, config(false), request(true));
        QVERIFY(call.isValid());
        QTRY_VERIFY(!recorder.tokens.isEmpty());
        call.cancel();
        const int tokensAtCancel = int(recorder.tokens.size());

        QTRY_COMPARE(m_server.clientDisconnects(), 1);
        QTRY_COMPARE(m_client->activeCalls(), 0);
        const auto streams = m_server.streams();
        QCOMPARE(streams.size(), 1);
        QVERIFY(streams.first().clientDisconnected);
        QCOMPARE(streams.first().finishedAtNs, 0);
        QVERIFY(streams.first().tokensSent < many.size());

        // Nothing more arrives after cancel(), not even tokens already on their way.
        completeALaterCall();
        QCOMPARE(recorder.tokens.size(), tokensAtCancel);
        QVERIFY(!recorder.finished());
        call.cancel(); // idempotent
    }

    void destroyingTheContextCancels()
    {
        m_server.setScenario(AiUpstreamServer::Scenario::Stall);
        auto context = std::make_unique<QObject>();
        bool called = false;
        AiCallbacks callbacks{[&called](const QString &) { called = true; },
                              [&called](const AiResult &) { called = true; },
                              [&called](const Error &) { called = true; }};
        m_client->start(config(false), QString(), request(true), context.get(), callbacks);
        QTRY_COMPARE(m_server.requestCount(), 1);
        context.reset();
        QTRY_COMPARE(m_server.clientDisconnects(), 1);
        QTRY_COMPARE(m_client->activeCalls(), 0);
        completeALaterCall();
        QVERIFY(!called);
    }

    void cancelWhileWaitingToRetry()
    {
        AiUpstreamServer::Settings settings;
        settings.scenario = AiUpstreamServer::Scenario::RateLimited;
        settings.retryAfterSeconds = 1;
        settings.failuresBeforeSuccess = 2;
        m_server.setSettings(settings);
        Recorder recorder;
        AiCall call = start(recorder, config(false), request(false));
        QTRY_COMPARE(m_server.requestCount(), 1);
        call.cancel();
        QTRY_COMPARE(m_client->activeCalls(), 0);
        // A second call, limited the same way, retries after the first one's retry was due.
        Recorder later;
        start(later, config(false), request(false, QStringLiteral("a later call")));
        QTRY_VERIFY_WITH_TIMEOUT(later.finished(), 10000);
        QVERIFY(later.done);
        int first = 0;
        for (const auto &received : m_server.requests())
            first += received.body.contains("a later call") ? 0 : 1;
        QCOMPARE(first, 1); // the first call's retry never went out
        QVERIFY(!recorder.finished());
    }

    void retriesHonourRetryAfter_data()
    {
        QTest::addColumn<bool>("workers");
        QTest::addColumn<bool>("stream");
        QTest::addRow("openai") << false << false;
        QTest::addRow("workers-ai") << true << false;
        QTest::addRow("openai stream") << false << true;
    }

    void retriesHonourRetryAfter()
    {
        QFETCH(bool, workers);
        QFETCH(bool, stream);
        AiUpstreamServer::Settings settings;
        settings.scenario = AiUpstreamServer::Scenario::RateLimited;
        settings.retryAfterSeconds = 1;
        settings.failuresBeforeSuccess = 1;
        m_server.setSettings(settings);
        Recorder recorder;
        start(recorder, config(workers), request(stream));
        QTRY_VERIFY(recorder.finished());
        QVERIFY2(recorder.done, qPrintable(recorder.error ? recorder.error->message : QString()));
        QCOMPARE(recorder.done->response, m_server.answer());
        if (stream)
            QCOMPARE(recorder.tokens, AiUpstreamServer::defaultTokens());
        const auto received = m_server.requests();
        QCOMPARE(received.size(), 2);
        // The retry waited at least Retry-After (1 s), not the 250 ms default backoff.
        QVERIFY(received.at(1).receivedAtNs - received.at(0).receivedAtNs >=
                qint64(1000) * 1000 * 1000);
        QCOMPARE(received.at(1).body, received.at(0).body);
        QCOMPARE(received.at(1).headers.value("authorization"),
                 received.at(0).headers.value("authorization"));
    }

    void retriesGiveUp_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("requests");
        QTest::addColumn<QString>("message");
        QTest::addRow("503 retried twice")
            << 503 << 3
            << "the AI provider openai answered HTTP 503 after 2 retries: The model crashed";
        QTest::addRow("502 retried twice")
            << 502 << 3
            << "the AI provider openai answered HTTP 502 after 2 retries: The model crashed";
        QTest::addRow("500 not retried")
            << 500 << 1 << "the AI provider openai answered HTTP 500: The model crashed";
    }

    void retriesGiveUp()
    {
        QFETCH(int, status);
        QFETCH(int, requests);
        QFETCH(QString, message);
        AiUpstreamServer::Settings settings;
        settings.scenario = AiUpstreamServer::Scenario::ServerError;
        settings.errorStatus = status;
        m_server.setSettings(settings);
        Recorder recorder;
        start(recorder, config(false), request(false));
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.error);
        QCOMPARE(recorder.error->code, QStringLiteral("bad_gateway"));
        QCOMPARE(recorder.error->message, message);
        QCOMPARE(m_server.requestCount(), requests);
    }

    void retryWithoutRetryAfterUsesBackoff()
    {
        AiUpstreamServer::Settings settings;
        settings.scenario = AiUpstreamServer::Scenario::ServerError;
        settings.errorStatus = 503;
        m_server.setSettings(settings);
        AiClient::Options options;
        options.retryBackoffMs = {100, 200};
        AiClient client(options);
        Recorder recorder;
        client.start(config(true), QString(), request(false), &m_context,
                     recorder.callbacks(&m_context));
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.error);
        QCOMPARE(
            recorder.error->message,
            QStringLiteral(
                "the AI provider workers-ai answered HTTP 503 after 2 retries: The model crashed"));
        const auto received = m_server.requests();
        QCOMPARE(received.size(), 3);
        QVERIFY(received.at(1).receivedAtNs - received.at(0).receivedAtNs >=
                qint64(100) * 1000 * 1000);
        QVERIFY(received.at(2).receivedAtNs - received.at(1).receivedAtNs >=
                qint64(200) * 1000 * 1000);
    }

    void unauthorized_data()
    {
        QTest::addColumn<bool>("workers");
        QTest::addColumn<QString>("message");
        QTest::addRow("openai") << false
                                << "the provider rejected the credentials (HTTP 401 from openai); "
                                   "check the secret OPENAI_KEY";
        QTest::addRow("workers-ai") << true
                                    << "the provider rejected the credentials (HTTP 401 from "
                                       "workers-ai); check the secret ACCOUNT_API_KEY";
    }

    void unauthorized()
    {
        QFETCH(bool, workers);
        QFETCH(QString, message);
        m_server.setScenario(AiUpstreamServer::Scenario::Unauthorized);
        for (const bool stream : {false, true}) {
            Recorder recorder;
            start(recorder, config(workers), request(stream));
            QTRY_VERIFY(recorder.finished());
            QVERIFY(recorder.error);
            QCOMPARE(recorder.error->code, QStringLiteral("bad_gateway"));
            QCOMPARE(recorder.error->message, message);
            QVERIFY(!recorder.error->message.contains(QLatin1String(kToken)));
        }
        QCOMPARE(m_server.requestCount(), 2); // 401 is not retried
        // The token did travel, as a bearer token.
        QCOMPARE(m_server.requests().first().headers.value("authorization"),
                 QByteArray("Bearer ") + kToken);
    }

    void stallTimesOut_data()
    {
        QTest::addColumn<bool>("stream");
        QTest::addRow("complete") << false;
        QTest::addRow("stream") << true;
    }

    void stallTimesOut()
    {
        QFETCH(bool, stream);
        m_server.setScenario(AiUpstreamServer::Scenario::Stall);
        Recorder recorder;
        start(recorder, config(false, 0.5), request(stream));
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.error);
        QCOMPARE(recorder.error->code, QStringLiteral("gateway_timeout"));
        QCOMPARE(recorder.error->message,
                 QStringLiteral("the AI provider openai did not answer within 0.5 s"));
        QCOMPARE(m_server.requestCount(), 1);
        QTRY_COMPARE(m_server.clientDisconnects(), 1);
    }

    void stallMidStreamTimesOut()
    {
        // Two tokens, then nothing for far longer than the total timeout.
        m_server.setTokens({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
        m_server.setTokenDelayMs(400);
        Recorder recorder;
        start(recorder, config(true, 1), request(true));
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.error);
        QCOMPARE(recorder.error->code, QStringLiteral("gateway_timeout"));
        QVERIFY(!recorder.tokens.isEmpty());
        QVERIFY2(recorder.error->message.startsWith(QLatin1String(
                     "the AI provider workers-ai did not finish its stream within 1 s")),
                 qPrintable(recorder.error->message));
    }

    void malformed_data()
    {
        QTest::addColumn<bool>("workers");
        QTest::addColumn<bool>("stream");
        QTest::addColumn<int>("tokens");
        QTest::addColumn<QString>("message");
        QTest::addRow("openai answer")
            << false << false << 0
            << "the AI provider openai sent a malformed answer (not a JSON object)";
        QTest::addRow("workers-ai answer")
            << true << false << 0
            << "the AI provider workers-ai sent a malformed answer (not a JSON object)";
        QTest::addRow("openai stream")
            << false << true << 1
            << "the AI provider openai sent a malformed stream (an event is not a JSON object)";
        QTest::addRow("workers-ai stream")
            << true << true << 1
            << "the AI provider workers-ai sent a malformed stream (an event is not a JSON object)";
    }

    void malformed()
    {
        QFETCH(bool, workers);
        QFETCH(bool, stream);
        QFETCH(int, tokens);
        QFETCH(QString, message);
        m_server.setScenario(AiUpstreamServer::Scenario::Malformed);
        Recorder recorder;
        start(recorder, config(workers), request(stream));
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.error);
        QCOMPARE(recorder.error->code, QStringLiteral("bad_gateway"));
        QCOMPARE(recorder.error->message, message);
        QCOMPARE(recorder.tokens.size(), tokens);
        QCOMPARE(recorder.finalCallbacks, 1);
    }

    void dropMidStream()
    {
        AiUpstreamServer::Settings settings;
        settings.scenario = AiUpstreamServer::Scenario::Drop;
        settings.dropAfterTokens = 3;
        settings.tokenDelayMs = 20;
        m_server.setSettings(settings);
        Recorder recorder;
        start(recorder, config(false), request(true));
        QTRY_VERIFY(recorder.finished());
        QCOMPARE(recorder.tokens, AiUpstreamServer::defaultTokens().mid(0, 3));
        QVERIFY(recorder.error);
        QCOMPARE(recorder.error->code, QStringLiteral("bad_gateway"));
        QCOMPARE(recorder.error->message,
                 QStringLiteral(
                     "the connection to the AI provider openai dropped mid-stream after 3 tokens"));
        QCOMPARE(recorder.finalCallbacks, 1);
        QCOMPARE(m_server.clientDisconnects(), 0); // the server hung up, not the client
    }

    void dropMidAnswer()
    {
        m_server.setScenario(AiUpstreamServer::Scenario::Drop);
        Recorder recorder;
        start(recorder, config(true), request(false));
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.error);
        QCOMPARE(recorder.error->code, QStringLiteral("bad_gateway"));
        QVERIFY2(
            recorder.error->message.startsWith(
                QStringLiteral(
                    "the connection to the AI provider workers-ai at %1/accounts/acc123/ai/run/")
                    .arg(m_server.workersAiBaseUrl())),
            qPrintable(recorder.error->message));
        QVERIFY(recorder.error->message.contains(
            QLatin1String("dropped before the answer was complete")));
    }

    void scenarioByModelName()
    {
        // The default scenario answers; this request's model asks for a 401.
        Recorder recorder;
        AiRequest req = request(false);
        req.model = QStringLiteral("scenario:unauthorized");
        start(recorder, config(false), req);
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.error);
        QVERIFY(recorder.error->message.startsWith(
            QLatin1String("the provider rejected the credentials")));
    }

    void connectionRefused()
    {
        const quint16 port = closedPort();
        QJsonObject object{{"provider", "openai"},
                           {"base_url", QStringLiteral("http://127.0.0.1:%1/v1").arg(port)},
                           {"model", "llama3.2"}};
        const auto cfg = parseAiConfig(object);
        QVERIFY(cfg.ok());
        Recorder recorder;
        start(recorder, *cfg, request(false));
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.error);
        QCOMPARE(recorder.error->code, QStringLiteral("bad_gateway"));
        QVERIFY2(recorder.error->message.startsWith(
                     QStringLiteral("could not connect to the AI provider openai at "
                                    "http://127.0.0.1:%1/v1/chat/completions")
                         .arg(port)),
                 qPrintable(recorder.error->message));
    }

    void notConfigured()
    {
        Recorder recorder;
        start(recorder, AiConfig(), request(false));
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.error);
        QCOMPARE(recorder.error->code, QStringLiteral("service_unavailable"));
        QCOMPARE(recorder.error->message, notConfiguredMessage());
        QCOMPARE(m_server.requestCount(), 0);
    }

    void shutdownEndsRunningCalls()
    {
        m_server.setScenario(AiUpstreamServer::Scenario::Stall);
        Recorder recorder;
        {
            AiClient client;
            client.start(config(false), QString(), request(false), &m_context,
                         recorder.callbacks(&m_context));
            QTRY_COMPARE(m_server.requestCount(), 1);
        }
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.error);
        QCOMPARE(recorder.error->code, QStringLiteral("service_unavailable"));
        QTRY_COMPARE(m_server.clientDisconnects(), 1);
    }

    void ollamaProbePresent()
    {
        QCOMPARE(probeOllama(m_server.url(), 2000),
                 std::optional<QString>(QStringLiteral("llama3.2:latest")));
        QCOMPARE(m_server.requestCount(), 1);
        QCOMPARE(m_server.requests().first().method, QByteArray("GET"));
        QCOMPARE(m_server.requests().first().path, QByteArray("/api/tags"));

        // The effective config then talks to Ollama's OpenAI-compatible endpoint.
        const AiConfig effective =
            AiConfig().withOllama(m_server.url(), QStringLiteral("llama3.2:latest"));
        Recorder recorder;
        start(recorder, effective, request(false), QString());
        QTRY_VERIFY(recorder.finished());
        QVERIFY(recorder.done);
        QCOMPARE(recorder.done->provider, QStringLiteral("openai"));
        QCOMPARE(m_server.requests().last().path, QByteArray("/v1/chat/completions"));
    }

    void ollamaProbeWithoutModels()
    {
        AiUpstreamServer::Settings settings;
        settings.ollamaModels.clear();
        m_server.setSettings(settings);
        QCOMPARE(probeOllama(m_server.url(), 2000), std::nullopt);
        QCOMPARE(m_server.requestCount(), 1);
    }

    void ollamaProbeAbsent()
    {
        QCOMPARE(probeOllama(QStringLiteral("http://127.0.0.1:%1").arg(closedPort()), 300),
                 std::nullopt);
    }

    void ollamaProbeStalls()
    {
        // Something accepts on the port but never answers: the probe gives up after its timeout.
        m_server.setScenario(AiUpstreamServer::Scenario::Stall);
        QCOMPARE(probeOllama(m_server.url(), 300), std::nullopt);
        QCOMPARE(m_server.requestCount(), 1);
    }
};

QTEST_GUILESS_MAIN(TestAiClient)
#include "test_aiclient.moc"
