// The /ai route end to end over HTTP: provider selection (openai, workers-ai with its key from
// the secrets store, a probed Ollama), the answer's exact shape, the config section, and every
// error a client can meet (bad requests, rejected credentials, rate limits, stalls, garbage).
#include "airoutessupport.h"

#include "bindings/ai/aiconfig.h"
#include "bindings/ai/airequest.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

QJsonObject expectedUsage(int completionTokens)
{
    return QJsonObject{{"prompt_tokens", 10},
                       {"completion_tokens", completionTokens},
                       {"total_tokens", 10 + completionTokens}};
}

} // namespace

class TestAiRoutes final : public QObject
{
    Q_OBJECT

    AiUpstreamServer m_upstream;
    std::unique_ptr<TestServer> m_server;

    bool startWith(const QJsonObject &ai, bool probe = false)
    {
        QString error;
        m_server = startAiServer(ai, probe, &error);
        if (!m_server)
            qWarning() << "server did not start:" << error;
        return m_server != nullptr;
    }
    quint16 port() const { return m_server->port(); }

private Q_SLOTS:
    void initTestCase()
    {
        LogHub::installMessageHandler(QStringLiteral("debug"));
        QVERIFY(m_upstream.listen());
    }

    void init()
    {
        m_upstream.setSettings(AiUpstreamServer::Settings());
        m_upstream.clearRecords();
    }

    void cleanup()
    {
        m_server.reset();
        qunsetenv("EDGEDESK_OLLAMA_URL");
    }

    void openAiAnswersWithTheExactShape()
    {
        QVERIFY(startWith(openAiBlock(m_upstream)));
        const HttpReply r = request(port(), "GET", "/ai?prompt=Say%20hello&max_tokens=64");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QJsonObject body = r.json();
        QCOMPARE(body.keys(),
                 (QStringList{"duration_ms", "model", "provider", "response", "usage"}));
        QVERIFY(body.value("duration_ms").isDouble());
        QVERIFY(body.value("duration_ms").toDouble() >= 0);
        body.remove("duration_ms");
        QCOMPARE(body,
                 (QJsonObject{{"response", m_upstream.answer()},
                              {"model", "llama3.2"},
                              {"provider", "openai"},
                              {"usage", expectedUsage(int(m_upstream.settings().tokens.size()))}}));

        const auto received = m_upstream.requests();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received[0].path, QByteArray("/v1/chat/completions"));
        QVERIFY(!received[0].headers.contains("authorization")); // no api_key_secret: no key
        const QJsonObject sent = QJsonDocument::fromJson(received[0].body).object();
        QCOMPARE(sent.value("model").toString(), QStringLiteral("llama3.2"));
        QCOMPARE(sent.value("max_tokens").toInt(), 64);
        QCOMPARE(sent.value("messages").toArray(),
                 (QJsonArray{QJsonObject{{"role", "user"}, {"content", "Say hello"}}}));
    }

    void postWithMessagesAndOptions()
    {
        QVERIFY(startWith(openAiBlock(m_upstream)));
        const QJsonObject payload{
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hi"}},
                                    QJsonObject{{"role", "assistant"}, {"content", "Hello!"}},
                                    QJsonObject{{"role", "user"}, {"content", "And now?"}}}},
            {"system", "Be brief."},
            {"temperature", 0.25},
            {"model", "qwen2.5"}};
        const HttpReply r = request(port(), "POST", "/ai", {{"Content-Type", "application/json"}},
                                    QJsonDocument(payload).toJson());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("model").toString(), QStringLiteral("qwen2.5"));
        QCOMPARE(r.json().value("response").toString(), m_upstream.answer());
        const QJsonObject sent =
            QJsonDocument::fromJson(m_upstream.requests().value(0).body).object();
        QCOMPARE(sent.value("model").toString(), QStringLiteral("qwen2.5"));
        QCOMPARE(sent.value("temperature").toDouble(), 0.25);
        const QJsonArray messages = sent.value("messages").toArray();
        QCOMPARE(messages.size(), 4);
        QCOMPARE(messages[0].toObject(),
                 (QJsonObject{{"role", "system"}, {"content", "Be brief."}}));
        QCOMPARE(messages[3].toObject(), (QJsonObject{{"role", "user"}, {"content", "And now?"}}));
    }

    void getWithoutPromptUsesTheDefault()
    {
        QVERIFY(startWith(openAiBlock(m_upstream)));
        QCOMPARE(request(port(), "GET", "/ai").status, 200);
        const QJsonObject sent =
            QJsonDocument::fromJson(m_upstream.requests().value(0).body).object();
        QCOMPARE(sent.value("messages").toArray().first().toObject().value("content").toString(),
                 defaultAiPrompt());
    }

    void openAiKeyComesFromTheNamedSecret()
    {
        QVERIFY(startWith(openAiBlock(m_upstream, QStringLiteral("OPENAI_KEY"))));
        // Not stored yet: a 503 that says how to store it; nothing went upstream.
        const HttpReply missing = request(port(), "GET", "/ai?prompt=hi");
        QCOMPARE(missing.status, 503);
        QCOMPARE(errorCode(missing), QStringLiteral("not_configured"));
        QVERIFY2(errorMessage(missing).contains("/__edgedesk/v1/secrets/OPENAI_KEY"),
                 qPrintable(errorMessage(missing)));
        QCOMPARE(m_upstream.requestCount(), 0);

        QCOMPARE(putSecret(port(), "OPENAI_KEY", "sk-local-0123456789").status, 200);
        QCOMPARE(request(port(), "GET", "/ai?prompt=hi").status, 200);
        QCOMPARE(m_upstream.requests().value(0).headers.value("authorization"),
                 QByteArray("Bearer sk-local-0123456789"));

        // A rotated key applies to the next call, no restart.
        QCOMPARE(putSecret(port(), "OPENAI_KEY", "sk-rotated-abcdef").status, 200);
        QCOMPARE(request(port(), "GET", "/ai?prompt=hi").status, 200);
        QCOMPARE(m_upstream.requests().value(1).headers.value("authorization"),
                 QByteArray("Bearer sk-rotated-abcdef"));
    }

    void workersAiUsesAccountApiKey()
    {
        QVERIFY(startWith(workersAiBlock(m_upstream)));
        // Saved from an editor, the file ends with a newline: it is not part of the token.
        QCOMPARE(putSecret(port(), "ACCOUNT_API_KEY", "cf-token-FROM-STORE-42\n").status, 200);
        const HttpReply r =
            request(port(), "POST", "/ai", {{"Content-Type", "application/json"}},
                    "{\"prompt\": \"What is an edge network?\", \"max_tokens\": 32}");
        QCOMPARE(r.status, 200);
        QJsonObject body = r.json();
        body.remove("duration_ms");
        QCOMPARE(body,
                 (QJsonObject{{"response", m_upstream.answer()},
                              {"model", QString::fromLatin1(kWorkersAiDefaultModel)},
                              {"provider", "workers-ai"},
                              {"usage", expectedUsage(int(m_upstream.settings().tokens.size()))}}));
        const auto received = m_upstream.requests();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received[0].path,
                 QByteArray("/client/v4/accounts/acc0123/ai/run/") + kWorkersAiDefaultModel);
        QCOMPARE(received[0].headers.value("authorization"),
                 QByteArray("Bearer cf-token-FROM-STORE-42"));
    }

    void workersAiWithoutKeyTellsHowToSetIt()
    {
        QVERIFY(startWith(workersAiBlock(m_upstream)));
        const HttpReply r = request(port(), "GET", "/ai?prompt=hi");
        QCOMPARE(r.status, 503);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(errorCode(r), QStringLiteral("not_configured"));
        const QString message = errorMessage(r);
        QVERIFY2(message.contains("secret ACCOUNT_API_KEY, which is not set"), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("curl -X PUT --data-binary @token.txt "
                                                 "http://127.0.0.1:%1/__edgedesk/v1/secrets/"
                                                 "ACCOUNT_API_KEY")
                                      .arg(port())),
                 qPrintable(message));
        QCOMPARE(m_upstream.requestCount(), 0);

        // A key that is only a line break is no key either.
        QCOMPARE(putSecret(port(), "ACCOUNT_API_KEY", "\r\n").status, 200);
        const HttpReply blank = request(port(), "GET", "/ai?prompt=hi");
        QCOMPARE(blank.status, 503);
        QVERIFY2(errorMessage(blank).contains("empty or holds a line break"),
                 qPrintable(errorMessage(blank)));
        // One that would inject a header is refused before anything is sent.
        QCOMPARE(putSecret(port(), "ACCOUNT_API_KEY", "abc\r\nX-Injected: 1").status, 200);
        QCOMPARE(request(port(), "GET", "/ai?prompt=hi").status, 503);
        QCOMPARE(m_upstream.requestCount(), 0);
    }

    void configSectionNamesTheSecretNotItsValue()
    {
        QVERIFY(startWith(openAiBlock(m_upstream, QStringLiteral("OPENAI_KEY"))));
        QCOMPARE(putSecret(port(), "OPENAI_KEY", "sk-config-VALUE-31337").status, 200);
        const HttpReply r = request(port(), "GET", "/__edgedesk/v1/config");
        QCOMPARE(r.status, 200);
        const QJsonObject ai = r.json().value("ai").toObject();
        QCOMPARE(ai.value("binding").toString(), QStringLiteral("AI"));
        QCOMPARE(ai.value("provider").toString(), QStringLiteral("openai"));
        QCOMPARE(ai.value("base_url").toString(), m_upstream.openAiBaseUrl());
        QCOMPARE(ai.value("model").toString(), QStringLiteral("llama3.2"));
        QCOMPARE(ai.value("api_key_secret").toString(), QStringLiteral("OPENAI_KEY"));
        QVERIFY(!r.raw.contains("sk-config-VALUE-31337"));
        bool aiRoute = false;
        for (const QJsonValue &route : r.json().value("routes").toArray())
            aiRoute = aiRoute || (route.toObject().value("pattern").toString() == "/ai" &&
                                  route.toObject().value("binding").toString() == "AI");
        QVERIFY(aiRoute);
    }

    void ollamaProbeFindsAServer()
    {
        qputenv("EDGEDESK_OLLAMA_URL", m_upstream.url().toUtf8());
        QVERIFY(startWith(QJsonObject{{"binding", "AI"}}, true));
        const HttpReply r = request(port(), "GET", "/ai?prompt=hi");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("provider").toString(), QStringLiteral("openai"));
        QCOMPARE(r.json().value("model").toString(), QStringLiteral("llama3.2:latest"));
        QCOMPARE(r.json().value("response").toString(), m_upstream.answer());
        const auto received = m_upstream.requests();
        QCOMPARE(received.size(), 2);
        QCOMPARE(received[0].method, QByteArray("GET"));
        QCOMPARE(received[0].path, QByteArray("/api/tags"));
        QCOMPARE(received[1].path, QByteArray("/v1/chat/completions"));
    }

    void noProviderAnswers503WithASnippet_data()
    {
        QTest::addColumn<bool>("probe");
        QTest::addRow("probe finds nothing") << true;
        QTest::addRow("probe disabled") << false;
    }
    void noProviderAnswers503WithASnippet()
    {
        QFETCH(bool, probe);
        qputenv("EDGEDESK_OLLAMA_URL",
                QByteArray("http://127.0.0.1:") + QByteArray::number(closedPort()));
        QVERIFY(startWith(QJsonObject{{"binding", "AI"}}, probe));
        for (const QByteArray &target : {QByteArray("/ai?prompt=hi"), QByteArray("/ai?stream=1")}) {
            const HttpReply r = request(port(), "GET", target);
            QCOMPARE(r.status, 503);
            QCOMPARE(r.header("content-type"), QByteArray("application/json"));
            QCOMPARE(errorCode(r), QStringLiteral("service_unavailable"));
            QCOMPARE(errorMessage(r), notConfiguredMessage());
            QVERIFY(errorMessage(r).contains(
                "\"ai\": {\"binding\": \"AI\", \"provider\": \"openai\", \"base_url\": "
                "\"http://127.0.0.1:11434/v1\", \"model\": \"llama3.2\"}"));
            QVERIFY(errorMessage(r).contains("\"provider\": \"workers-ai\""));
        }
        QCOMPARE(m_upstream.requestCount(), 0);
    }

    void invalidAiBlockAnswers503NamingTheField()
    {
        QVERIFY(startWith(QJsonObject{{"provider", "openai"}, {"base_url", "ftp://x"}}));
        const HttpReply r = request(port(), "GET", "/ai");
        QCOMPARE(r.status, 503);
        QCOMPARE(errorCode(r), QStringLiteral("not_configured"));
        QVERIFY2(errorMessage(r).contains("ai.base_url"), qPrintable(errorMessage(r)));
    }

    void rateLimitedThenSuccess()
    {
        AiUpstreamServer::Settings settings;
        settings.scenario = AiUpstreamServer::Scenario::RateLimited;
        settings.retryAfterSeconds = 1;
        settings.failuresBeforeSuccess = 1;
        m_upstream.setSettings(settings);
        QVERIFY(startWith(openAiBlock(m_upstream)));
        const HttpReply r = request(port(), "GET", "/ai?prompt=hi");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("response").toString(), m_upstream.answer());
        const auto received = m_upstream.requests();
        QCOMPARE(received.size(), 2);
        // The retry waited for Retry-After (1 s), not the shorter default backoff.
        QVERIFY(received[1].receivedAtNs - received[0].receivedAtNs >= 950'000'000);
    }

    void rejectedCredentialsNeverEchoTheToken_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QByteArray>("target");
        QTest::addRow("openai") << "openai" << QByteArray("/ai?prompt=hi");
        QTest::addRow("openai stream") << "openai" << QByteArray("/ai?prompt=hi&stream=1");
        QTest::addRow("workers-ai") << "workers-ai" << QByteArray("/ai?prompt=hi");
    }
    void rejectedCredentialsNeverEchoTheToken()
    {
        QFETCH(QString, provider);
        QFETCH(QByteArray, target);
        const QByteArray token =
            "sk-LEAKCHECK-" + QByteArray::number(QRandomGenerator::global()->generate());
        m_upstream.setScenario(AiUpstreamServer::Scenario::Unauthorized);
        const bool workers = provider == QLatin1String("workers-ai");
        QVERIFY(startWith(workers ? workersAiBlock(m_upstream)
                                  : openAiBlock(m_upstream, QStringLiteral("OPENAI_KEY"))));
        QCOMPARE(putSecret(port(), workers ? "ACCOUNT_API_KEY" : "OPENAI_KEY", token).status, 200);

        const HttpReply r = request(port(), "GET", target);
        QCOMPARE(r.status, 502);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(errorCode(r), QStringLiteral("bad_gateway"));
        QVERIFY2(errorMessage(r).contains("the provider rejected the credentials"),
                 qPrintable(errorMessage(r)));
        // The upstream did see (and, for openai, echo) the token: the checks below mean something.
        QCOMPARE(m_upstream.requests().value(0).headers.value("authorization"), "Bearer " + token);
        QVERIFY2(!r.raw.contains(token), r.raw.constData());
        const HttpReply traffic = request(port(), "GET", "/__edgedesk/v1/traffic");
        QCOMPARE(traffic.status, 200);
        QVERIFY(!traffic.raw.contains(token));
        const HttpReply logs = request(port(), "GET", "/__edgedesk/v1/logs?tail=5000");
        QCOMPARE(logs.status, 200);
        QVERIFY(!logs.raw.contains(token));
        QVERIFY(logs.raw.contains("rejected the credentials")); // the failure itself is logged
        const QStringList leaks = logLeaks(token, *m_server);
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join('\n')));
    }

    void stallIsAGatewayTimeout_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addRow("json") << QByteArray("/ai?prompt=hi");
        QTest::addRow("stream") << QByteArray("/ai?prompt=hi&stream=1");
    }
    void stallIsAGatewayTimeout()
    {
        QFETCH(QByteArray, target);
        m_upstream.setScenario(AiUpstreamServer::Scenario::Stall);
        QJsonObject ai = openAiBlock(m_upstream);
        ai.insert("timeout_s", 0.5);
        QVERIFY(startWith(ai));
        const HttpReply r = request(port(), "GET", target);
        QCOMPARE(r.status, 504);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(errorCode(r), QStringLiteral("gateway_timeout"));
        QVERIFY2(errorMessage(r).contains("did not answer within 0.5 s"),
                 qPrintable(errorMessage(r)));
    }

    void garbageIsABadGatewayNamingTheProvider_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addRow("openai") << "openai";
        QTest::addRow("workers-ai") << "workers-ai";
    }
    void garbageIsABadGatewayNamingTheProvider()
    {
        QFETCH(QString, provider);
        m_upstream.setScenario(AiUpstreamServer::Scenario::Malformed);
        const bool workers = provider == QLatin1String("workers-ai");
        QVERIFY(startWith(workers ? workersAiBlock(m_upstream) : openAiBlock(m_upstream)));
        if (workers)
            QCOMPARE(putSecret(port(), "ACCOUNT_API_KEY", "k-123456").status, 200);
        const HttpReply r = request(port(), "GET", "/ai?prompt=hi");
        QCOMPARE(r.status, 502);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(errorCode(r), QStringLiteral("bad_gateway"));
        QVERIFY2(errorMessage(r).contains(QStringLiteral("AI provider %1").arg(provider)),
                 qPrintable(errorMessage(r)));
    }

    void upstreamDownIsABadGateway()
    {
        QJsonObject ai = openAiBlock(m_upstream);
        ai.insert("base_url", QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort()));
        QVERIFY(startWith(ai));
        const HttpReply r = request(port(), "GET", "/ai?prompt=hi");
        QCOMPARE(r.status, 502);
        QVERIFY2(errorMessage(r).contains("could not connect to the AI provider openai"),
                 qPrintable(errorMessage(r)));
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const QByteArray big(33 * 1024, 'a');
        QTest::addRow("empty prompt") << QByteArray("GET") << QByteArray("/ai?prompt=")
                                      << QByteArray() << 400 << "bad_request";
        QTest::addRow("blank prompt") << QByteArray("GET") << QByteArray("/ai?prompt=%20%20")
                                      << QByteArray() << 400 << "bad_request";
        QTest::addRow("empty POST prompt")
            << QByteArray("POST") << QByteArray("/ai") << QByteArray("{\"prompt\": \"\"}") << 400
            << "bad_request";
        QTest::addRow("33 KiB prompt")
            << QByteArray("POST") << QByteArray("/ai")
            << QByteArray("{\"prompt\": \"" + big + "\"}") << 413 << "payload_too_large";
        QTest::addRow("33 KiB of messages")
            << QByteArray("POST") << QByteArray("/ai")
            << QByteArray("{\"messages\": [{\"role\": \"user\", \"content\": \"" + big + "\"}]}")
            << 413 << "payload_too_large";
        QTest::addRow("body over the route limit")
            << QByteArray("POST") << QByteArray("/ai") << QByteArray(300 * 1024, ' ') << 413
            << "payload_too_large";
        QTest::addRow("bad JSON") << QByteArray("POST") << QByteArray("/ai")
                                  << QByteArray("{\"prompt\": ") << 400 << "bad_request";
        QTest::addRow("JSON array") << QByteArray("POST") << QByteArray("/ai")
                                    << QByteArray("[\"hi\"]") << 400 << "bad_request";
        QTest::addRow("messages not an array")
            << QByteArray("POST") << QByteArray("/ai") << QByteArray("{\"messages\": \"hi\"}")
            << 400 << "bad_request";
        QTest::addRow("bad role")
            << QByteArray("POST") << QByteArray("/ai")
            << QByteArray("{\"messages\": [{\"role\": \"root\", \"content\": \"hi\"}]}") << 400
            << "bad_request";
        QTest::addRow("max_tokens not a number")
            << QByteArray("GET") << QByteArray("/ai?prompt=hi&max_tokens=lots") << QByteArray()
            << 400 << "bad_request";
        QTest::addRow("temperature out of range")
            << QByteArray("GET") << QByteArray("/ai?prompt=hi&temperature=9") << QByteArray() << 400
            << "bad_request";
        QTest::addRow("bad model name")
            << QByteArray("GET") << QByteArray("/ai?prompt=hi&model=../../etc") << QByteArray()
            << 400 << "bad_request";
        QTest::addRow("PUT") << QByteArray("PUT") << QByteArray("/ai")
                             << QByteArray("{\"prompt\": \"hi\"}") << 405 << "method_not_allowed";
        QTest::addRow("DELETE") << QByteArray("DELETE") << QByteArray("/ai") << QByteArray() << 405
                                << "method_not_allowed";
    }
    void badRequests()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        if (!m_server)
            QVERIFY(startWith(openAiBlock(m_upstream)));
        const HttpReply r =
            request(port(), method, target, {{"Content-Type", "application/json"}}, body);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(errorCode(r), code);
        QVERIFY(!errorMessage(r).isEmpty());
        if (status == 405) {
            QCOMPARE(r.header("allow"), QByteArray("GET, POST, HEAD"));
        }
        QCOMPARE(m_upstream.requestCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAiRoutes)
#include "test_airoutes.moc"
