#include "bindings/ai/aieventformat.h"
#include "bindings/ai/aiprotocol.h"
#include "util/ssedecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace edgedesk;

namespace {

AiConfig openAi()
{
    AiConfig config;
    config.provider = AiConfig::Provider::OpenAi;
    config.baseUrl = QStringLiteral("http://127.0.0.1:11434/v1");
    config.model = QStringLiteral("llama3.2");
    return config;
}

AiConfig workersAi()
{
    AiConfig config;
    config.provider = AiConfig::Provider::WorkersAi;
    config.baseUrl = QStringLiteral("https://api.cloudflare.com/client/v4");
    config.accountId = QStringLiteral("acc123");
    config.model = QStringLiteral("@cf/meta/llama-3.1-8b-instruct");
    return config;
}

QJsonObject json(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

QList<QByteArray> feedInPieces(const QByteArray &stream, int pieceSize)
{
    SseDecoder decoder;
    QList<QByteArray> data;
    for (qsizetype i = 0; i < stream.size(); i += pieceSize) {
        QList<SseDecoder::Event> events;
        if (!decoder.feed(stream.mid(i, pieceSize), events))
            return {"<overflow>"};
        for (const auto &e : events)
            data.append(e.data);
    }
    for (const auto &e : decoder.finish())
        data.append(e.data);
    return data;
}

} // namespace

class TestAiProtocol final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sseDecoding_data();
    void sseDecoding();
    void sseRejectsEndlessLine();
    void buildsOpenAiRequest();
    void buildsWorkersAiRequest();
    void parsesAnswers_data();
    void parsesAnswers();
    void rejectsBadAnswers_data();
    void rejectsBadAnswers();
    void parsesStreamEvents_data();
    void parsesStreamEvents();
    void upstreamErrorDetail_data();
    void upstreamErrorDetail();
    void formatsEvents();
    void resultJson();
};

// moc (Qt 6.4) does not understand raw string literals: it only needs the declarations above.
#ifndef Q_MOC_RUN

void TestAiProtocol::sseDecoding_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QList<QByteArray>>("expected");

    QTest::addRow("lf") << QByteArray("data: a\n\ndata: b\n\n") << QList<QByteArray>{"a", "b"};
    QTest::addRow("crlf") << QByteArray("data: a\r\n\r\ndata: b\r\n\r\n")
                          << QList<QByteArray>{"a", "b"};
    QTest::addRow("cr") << QByteArray("data: a\r\rdata: b\r\r") << QList<QByteArray>{"a", "b"};
    QTest::addRow("no space after colon") << QByteArray("data:a\n\n") << QList<QByteArray>{"a"};
    QTest::addRow("multi-line data")
        << QByteArray("data: a\ndata: b\n\n") << QList<QByteArray>{"a\nb"};
    QTest::addRow("comments and fields")
        << QByteArray(": keep-alive\n\nevent: x\nid: 1\nretry: 5\ndata: a\n\n")
        << QList<QByteArray>{"a"};
    QTest::addRow("event without data is dropped")
        << QByteArray("event: ping\n\ndata: a\n\n") << QList<QByteArray>{"a"};
    QTest::addRow("last event without blank line")
        << QByteArray("data: a\n\ndata: [DONE]") << QList<QByteArray>{"a", "[DONE]"};
    QTest::addRow("json payloads") << QByteArray("data: {\"response\":\"Hi\"}\n\ndata: [DONE]\n\n")
                                   << QList<QByteArray>{"{\"response\":\"Hi\"}", "[DONE]"};
}

void TestAiProtocol::sseDecoding()
{
    QFETCH(QByteArray, stream);
    QFETCH(QList<QByteArray>, expected);
    // Whatever the chunking, the same events come out.
    for (int piece : {1, 2, 3, 7, 1000})
        QCOMPARE(feedInPieces(stream, piece), expected);
}

void TestAiProtocol::sseRejectsEndlessLine()
{
    SseDecoder decoder;
    QList<SseDecoder::Event> events;
    QVERIFY(decoder.feed(QByteArray(SseDecoder::kMaxPendingBytes, 'x'), events));
    QVERIFY(!decoder.feed(QByteArray("more"), events));
}

void TestAiProtocol::buildsOpenAiRequest()
{
    AiRequest request;
    request.prompt = QStringLiteral("Hi");
    request.system = QStringLiteral("Be brief");
    request.maxTokens = 50;
    request.temperature = 0.5;
    request.stream = true;
    const auto http = AiProtocol::buildRequest(openAi(), request);
    QCOMPARE(http.url, QByteArray("http://127.0.0.1:11434/v1/chat/completions"));
    QCOMPARE(json(http.body),
             json(R"({"model":"llama3.2","stream":true,"max_tokens":50,"temperature":0.5,
                      "messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"Hi"}]})"));
}

void TestAiProtocol::buildsWorkersAiRequest()
{
    AiRequest request;
    request.prompt = QStringLiteral("Hi");
    request.model = QStringLiteral("@cf/mistral/mistral-7b-instruct-v0.1");
    const auto http = AiProtocol::buildRequest(workersAi(), request);
    QCOMPARE(http.url, QByteArray("https://api.cloudflare.com/client/v4/accounts/acc123/ai/run/@cf/"
                                  "mistral/mistral-7b-instruct-v0.1"));
    // Unset options stay out of the body; the model is in the URL only.
    QCOMPARE(json(http.body),
             json(R"({"stream":false,"messages":[{"role":"user","content":"Hi"}]})"));
}

void TestAiProtocol::parsesAnswers_data()
{
    QTest::addColumn<bool>("workers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("response");
    QTest::addColumn<QByteArray>("usage");
    QTest::addRow("workers")
        << true
        << QByteArray(
               R"({"result":{"response":"Hello","usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}},"success":true,"errors":[],"messages":[]})")
        << QStringLiteral("Hello")
        << QByteArray(R"({"prompt_tokens":3,"completion_tokens":1,"total_tokens":4})");
    QTest::addRow("workers without usage")
        << true << QByteArray(R"({"result":{"response":"Hi"},"success":true})")
        << QStringLiteral("Hi") << QByteArray("{}");
    QTest::addRow("openai")
        << false
        << QByteArray(
               R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"Yo"},"finish_reason":"stop"}],"usage":{"total_tokens":9}})")
        << QStringLiteral("Yo") << QByteArray(R"({"total_tokens":9})");
}

void TestAiProtocol::parsesAnswers()
{
    QFETCH(bool, workers);
    QFETCH(QByteArray, body);
    QFETCH(QString, response);
    QFETCH(QByteArray, usage);
    const auto result = AiProtocol::parseAnswer(workers ? workersAi() : openAi(), body);
    QVERIFY(result.ok());
    QCOMPARE(result->response, response);
    QCOMPARE(result->usage, json(usage));
    QCOMPARE(result->provider, workers ? QStringLiteral("workers-ai") : QStringLiteral("openai"));
}

void TestAiProtocol::rejectsBadAnswers_data()
{
    QTest::addColumn<bool>("workers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("workers garbage")
        << true << QByteArray("<html>oops</html>")
        << "the AI provider workers-ai sent a malformed answer (not a JSON object)";
    QTest::addRow("workers truncated")
        << true << QByteArray(R"({"result": {"response": "unterminated)")
        << "the AI provider workers-ai sent a malformed answer (not a JSON object)";
    QTest::addRow("workers no response")
        << true << QByteArray(R"({"result":{},"success":true})")
        << "the AI provider workers-ai sent a malformed answer (no result.response)";
    QTest::addRow("workers success false")
        << true << QByteArray(R"({"success":false,"errors":[{"code":5006,"message":"bad input"}]})")
        << "the AI provider workers-ai reported an error: bad input";
    QTest::addRow("openai no choices")
        << false << QByteArray(R"({"choices":[]})")
        << "the AI provider openai sent a malformed answer (no choices[0].message.content)";
    QTest::addRow("openai garbage")
        << false << QByteArray("[1,2]")
        << "the AI provider openai sent a malformed answer (not a JSON object)";
}

void TestAiProtocol::rejectsBadAnswers()
{
    QFETCH(bool, workers);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto result = AiProtocol::parseAnswer(workers ? workersAi() : openAi(), body);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, QStringLiteral("bad_gateway"));
    QCOMPARE(result.error().message, message);
}

void TestAiProtocol::parsesStreamEvents_data()
{
    QTest::addColumn<bool>("workers");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("token");
    QTest::addColumn<bool>("done");
    QTest::addColumn<int>("usageKeys");
    QTest::addRow("workers token")
        << true << QByteArray(R"({"response":"tok","p":"abc"})") << true << "tok" << false << 0;
    QTest::addRow("workers usage") << true << QByteArray(R"({"response":"","usage":{"a":1,"b":2}})")
                                   << true << "" << false << 2;
    QTest::addRow("done") << true << QByteArray("[DONE]") << true << "" << true << 0;
    QTest::addRow("workers garbage")
        << true << QByteArray("{\"response\": broken") << false << "" << false << 0;
    QTest::addRow("openai delta")
        << false
        << QByteArray(
               R"({"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]})")
        << true << "Hel" << false << 0;
    QTest::addRow("openai role only")
        << false << QByteArray(R"({"choices":[{"delta":{"role":"assistant"}}]})") << true << ""
        << false << 0;
    QTest::addRow("openai usage chunk")
        << false << QByteArray(R"({"choices":[],"usage":{"total_tokens":3}})") << true << ""
        << false << 1;
    QTest::addRow("openai no choices")
        << false << QByteArray(R"({"id":"x"})") << false << "" << false << 0;
    QTest::addRow("openai error in stream")
        << false << QByteArray(R"({"error":{"message":"model not found"}})") << false << "" << false
        << 0;
    QTest::addRow("openai content not string")
        << false << QByteArray(R"({"choices":[{"delta":{"content":7}}]})") << false << "" << false
        << 0;
}

void TestAiProtocol::parsesStreamEvents()
{
    QFETCH(bool, workers);
    QFETCH(QByteArray, data);
    QFETCH(bool, ok);
    QFETCH(QString, token);
    QFETCH(bool, done);
    QFETCH(int, usageKeys);
    const auto event = AiProtocol::parseStreamEvent(workers ? workersAi() : openAi(), data);
    QCOMPARE(event.ok(), ok);
    if (!ok) {
        QCOMPARE(event.error().code, QStringLiteral("bad_gateway"));
        QVERIFY(event.error().message.contains(workers ? QLatin1String("workers-ai")
                                                       : QLatin1String("openai")));
        return;
    }
    QCOMPARE(event->token, token);
    QCOMPARE(event->done, done);
    QCOMPARE(event->usage.size(), usageKeys);
}

void TestAiProtocol::upstreamErrorDetail_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("detail");
    QTest::addRow("openai")
        << QByteArray(R"({"error":{"message":"model \"x\" not found","type":"api_error"}})")
        << "model \"x\" not found";
    QTest::addRow("ollama") << QByteArray(R"({"error":"model 'x' not found"})")
                            << "model 'x' not found";
    QTest::addRow("workers")
        << QByteArray(
               R"({"success":false,"errors":[{"code":1,"message":"a"},{"code":2,"message":"b"}]})")
        << "a; b";
    QTest::addRow("html") << QByteArray("<html>502</html>") << QString();
    QTest::addRow("long") << QByteArray(R"({"error":")") + QByteArray(400, 'z') + "\"}"
                          << QString(300, QLatin1Char('z')) + QStringLiteral("...");
}

void TestAiProtocol::upstreamErrorDetail()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, detail);
    QCOMPARE(AiProtocol::upstreamErrorDetail(body), detail);
}

void TestAiProtocol::formatsEvents()
{
    QCOMPARE(AiEventFormat::token(QStringLiteral("He said \"hi\"\n")),
             QByteArray("data: {\"response\":\"He said \\\"hi\\\"\\n\"}\n\n"));
    QCOMPARE(AiEventFormat::done(), QByteArray("data: [DONE]\n\n"));
    QCOMPARE(AiEventFormat::error(Error{QStringLiteral("bad_gateway"), QStringLiteral("boom")}),
             QByteArray(R"(data: {"error":{"code":"bad_gateway","message":"boom"}})"
                        "\n\n"));
    AiResult result;
    result.model = QStringLiteral("m");
    result.provider = QStringLiteral("openai");
    result.usage = QJsonObject{{"total_tokens", 3}};
    result.durationMs = 12;
    QCOMPARE(
        AiEventFormat::summary(result),
        QByteArray(
            R"(data: {"duration_ms":12,"model":"m","provider":"openai","response":"","usage":{"total_tokens":3}})"
            "\n\n"));
}

void TestAiProtocol::resultJson()
{
    AiResult result;
    result.response = QStringLiteral("Hi");
    result.model = QStringLiteral("llama3.2");
    result.provider = QStringLiteral("openai");
    result.usage = QJsonObject{{"total_tokens", 3}};
    result.durationMs = 42;
    QCOMPARE(
        result.toJson(),
        json(
            R"({"response":"Hi","model":"llama3.2","provider":"openai","usage":{"total_tokens":3},"duration_ms":42})"));
}

#endif // Q_MOC_RUN

QTEST_GUILESS_MAIN(TestAiProtocol)
#include "test_aiprotocol.moc"
