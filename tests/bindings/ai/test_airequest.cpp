#include "bindings/ai/airequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrlQuery>

using namespace edgedesk;

class TestAiRequest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void getUsesDefaultPrompt();
    void getWithOptions();
    void streamFlag_data();
    void streamFlag();
    void postPrompt();
    void postMessages();
    void postEmptyBodyBehavesLikeGet();
    void exactlyTheLimitIsAccepted();
    void rejects_data();
    void rejects();
};

// moc (Qt 6.4) does not understand raw string literals: it only needs the declarations above.
#ifndef Q_MOC_RUN

void TestAiRequest::getUsesDefaultPrompt()
{
    const auto request = parseAiRequest(QUrlQuery(), "GET", {});
    QVERIFY(request.ok());
    QCOMPARE(request->prompt, QStringLiteral("What is the origin of the phrase Hello, World?"));
    QCOMPARE(request->prompt, defaultAiPrompt());
    QVERIFY(!request->stream);
    QCOMPARE(request->maxTokens, 0);
    QVERIFY(!request->hasTemperature());
    QVERIFY(request->model.isEmpty());
    QCOMPARE(request->chatMessages(),
             (QJsonArray{QJsonObject{{"role", "user"}, {"content", defaultAiPrompt()}}}));
}

void TestAiRequest::getWithOptions()
{
    const QUrlQuery query(
        QStringLiteral("prompt=Why%20is%20the%20sky%20blue%3F&model=llama3.2:latest&max_tokens=64"
                       "&temperature=0.2&system=Be%20brief&stream=1"));
    const auto request = parseAiRequest(query, "GET", {});
    QVERIFY2(request.ok(), qPrintable(request.ok() ? QString() : request.error().message));
    QCOMPARE(request->prompt, QStringLiteral("Why is the sky blue?"));
    QCOMPARE(request->model, QStringLiteral("llama3.2:latest"));
    QCOMPARE(request->maxTokens, 64);
    QCOMPARE(request->temperature, 0.2);
    QVERIFY(request->stream);
    QCOMPARE(request->chatMessages(),
             (QJsonArray{QJsonObject{{"role", "system"}, {"content", "Be brief"}},
                         QJsonObject{{"role", "user"}, {"content", "Why is the sky blue?"}}}));
}

void TestAiRequest::streamFlag_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("stream");
    QTest::addRow("1") << QStringLiteral("stream=1") << true;
    QTest::addRow("true") << QStringLiteral("stream=true") << true;
    QTest::addRow("bare") << QStringLiteral("stream") << true;
    QTest::addRow("0") << QStringLiteral("stream=0") << false;
    QTest::addRow("false") << QStringLiteral("stream=false") << false;
    QTest::addRow("absent") << QString() << false;
}

void TestAiRequest::streamFlag()
{
    QFETCH(QString, query);
    QFETCH(bool, stream);
    const auto request = parseAiRequest(QUrlQuery(query), "GET", {});
    QVERIFY(request.ok());
    QCOMPARE(request->stream, stream);
}

void TestAiRequest::postPrompt()
{
    const auto request =
        parseAiRequest(QUrlQuery(), "POST",
                       R"({"prompt": "Tell me a joke", "max_tokens": 32, "temperature": 1,
                                            "stream": true, "model": "@cf/meta/llama-3.1-8b-instruct"})");
    QVERIFY(request.ok());
    QCOMPARE(request->prompt, QStringLiteral("Tell me a joke"));
    QCOMPARE(request->maxTokens, 32);
    QCOMPARE(request->temperature, 1.0);
    QVERIFY(request->stream);
    QCOMPARE(request->model, QStringLiteral("@cf/meta/llama-3.1-8b-instruct"));
}

void TestAiRequest::postMessages()
{
    const auto request =
        parseAiRequest(QUrlQuery(QStringLiteral("stream=1")), "POST",
                       R"({"messages": [{"role": "user", "content": "Hi", "name": "dropped"},
                         {"role": "assistant", "content": "Hello!"},
                         {"role": "user", "content": "And now?"}], "system": "Be terse"})");
    QVERIFY2(request.ok(), qPrintable(request.ok() ? QString() : request.error().message));
    QVERIFY(request->prompt.isEmpty());
    QVERIFY(request->stream); // from the query
    QCOMPARE(request->chatMessages(),
             (QJsonArray{QJsonObject{{"role", "system"}, {"content", "Be terse"}},
                         QJsonObject{{"role", "user"}, {"content", "Hi"}},
                         QJsonObject{{"role", "assistant"}, {"content", "Hello!"}},
                         QJsonObject{{"role", "user"}, {"content", "And now?"}}}));
}

void TestAiRequest::postEmptyBodyBehavesLikeGet()
{
    const auto request = parseAiRequest(QUrlQuery(QStringLiteral("prompt=hi")), "POST", {});
    QVERIFY(request.ok());
    QCOMPARE(request->prompt, QStringLiteral("hi"));
    const auto bodyOverrides = parseAiRequest(QUrlQuery(QStringLiteral("prompt=hi&max_tokens=5")),
                                              "POST", R"({"max_tokens": 7})");
    QVERIFY(bodyOverrides.ok());
    QCOMPARE(bodyOverrides->prompt, QStringLiteral("hi"));
    QCOMPARE(bodyOverrides->maxTokens, 7);
}

void TestAiRequest::exactlyTheLimitIsAccepted()
{
    const QString prompt(AiRequest::kMaxPromptBytes, QLatin1Char('a'));
    const QByteArray body = QJsonDocument(QJsonObject{{"prompt", prompt}}).toJson();
    QVERIFY(parseAiRequest(QUrlQuery(), "POST", body).ok());
}

void TestAiRequest::rejects_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("messagePart");

    const QString big(33 * 1024, QLatin1Char('x'));
    const QString bigUtf8(11 * 1024 + 1, QChar(0x20AC)); // 3 bytes each in UTF-8: over 32 KiB
    QTest::addRow("empty prompt (GET)")
        << QByteArray("GET") << QStringLiteral("prompt=") << QByteArray() << "bad_request"
        << "prompt must not be empty";
    QTest::addRow("blank prompt (GET)")
        << QByteArray("GET") << QStringLiteral("prompt=%20%20") << QByteArray() << "bad_request"
        << "prompt must not be empty";
    QTest::addRow("empty prompt (POST)")
        << QByteArray("POST") << QString() << QByteArray(R"({"prompt": ""})") << "bad_request"
        << "prompt must not be empty";
    QTest::addRow("33 KiB prompt (GET)") << QByteArray("GET") << QStringLiteral("prompt=") + big
                                         << QByteArray() << "payload_too_large"
                                         << "limit is 32768 bytes";
    QTest::addRow("33 KiB prompt (POST)")
        << QByteArray("POST") << QString() << QJsonDocument(QJsonObject{{"prompt", big}}).toJson()
        << "payload_too_large"
        << "the prompt is 33792 bytes";
    QTest::addRow("over 32 KiB as UTF-8")
        << QByteArray("POST") << QString()
        << QJsonDocument(QJsonObject{{"prompt", bigUtf8}}).toJson() << "payload_too_large"
        << "limit is 32768 bytes";
    QTest::addRow("33 KiB of messages")
        << QByteArray("POST") << QString()
        << QJsonDocument(
               QJsonObject{
                   {"messages",
                    QJsonArray{QJsonObject{{"role", "user"}, {"content", big.left(20000)}},
                               QJsonObject{{"role", "user"}, {"content", big.left(13792)}}}}})
               .toJson()
        << "payload_too_large"
        << "the prompt is 33792 bytes";
    QTest::addRow("huge body") << QByteArray("POST") << QString()
                               << QByteArray(R"({"prompt": "a", "pad": ")") +
                                      QByteArray(300 * 1024, ' ') + "\"}"
                               << "payload_too_large"
                               << "the request body is";
    QTest::addRow("not JSON") << QByteArray("POST") << QString() << QByteArray("prompt=hello")
                              << "bad_request"
                              << "not valid JSON";
    QTest::addRow("truncated JSON")
        << QByteArray("POST") << QString() << QByteArray(R"({"prompt": "hi")") << "bad_request"
        << "not valid JSON";
    QTest::addRow("JSON array") << QByteArray("POST") << QString() << QByteArray(R"(["hi"])")
                                << "bad_request"
                                << "must be a JSON object";
    QTest::addRow("neither prompt nor messages")
        << QByteArray("POST") << QString() << QByteArray(R"({"model": "m"})") << "bad_request"
        << "needs a prompt (string) or messages";
    QTest::addRow("prompt a number")
        << QByteArray("POST") << QString() << QByteArray(R"({"prompt": 42})") << "bad_request"
        << "prompt must be a string";
    QTest::addRow("both prompt and messages")
        << QByteArray("POST") << QString()
        << QByteArray(R"({"prompt": "a", "messages": [{"role": "user", "content": "b"}]})")
        << "bad_request"
        << "either prompt or messages";
    QTest::addRow("messages not an array")
        << QByteArray("POST") << QString() << QByteArray(R"({"messages": "hi"})") << "bad_request"
        << "messages must be a non-empty array";
    QTest::addRow("messages empty")
        << QByteArray("POST") << QString() << QByteArray(R"({"messages": []})") << "bad_request"
        << "messages must be a non-empty array";
    QTest::addRow("message not an object")
        << QByteArray("POST") << QString() << QByteArray(R"({"messages": ["hi"]})") << "bad_request"
        << "messages[0] must be an object";
    QTest::addRow("bad role")
        << QByteArray("POST") << QString()
        << QByteArray(
               R"({"messages": [{"role": "user", "content": "a"}, {"role": "tool", "content": "b"}]})")
        << "bad_request"
        << "messages[1].role must be";
    QTest::addRow("content not a string")
        << QByteArray("POST") << QString()
        << QByteArray(R"({"messages": [{"role": "user", "content": 5}]})") << "bad_request"
        << "messages[0].content must be a string";
    QTest::addRow("messages without text")
        << QByteArray("POST") << QString()
        << QByteArray(R"({"messages": [{"role": "user", "content": " "}]})") << "bad_request"
        << "messages must contain some text";
    QTest::addRow("max_tokens zero")
        << QByteArray("GET") << QStringLiteral("max_tokens=0") << QByteArray() << "bad_request"
        << "max_tokens must be an integer";
    QTest::addRow("max_tokens text")
        << QByteArray("GET") << QStringLiteral("max_tokens=many") << QByteArray() << "bad_request"
        << "max_tokens must be an integer";
    QTest::addRow("max_tokens fraction")
        << QByteArray("POST") << QString() << QByteArray(R"({"prompt": "a", "max_tokens": 1.5})")
        << "bad_request"
        << "max_tokens must be an integer";
    QTest::addRow("max_tokens string in JSON")
        << QByteArray("POST") << QString() << QByteArray(R"({"prompt": "a", "max_tokens": "5"})")
        << "bad_request"
        << "max_tokens must be an integer";
    QTest::addRow("max_tokens too large")
        << QByteArray("GET") << QStringLiteral("max_tokens=40000") << QByteArray() << "bad_request"
        << "max_tokens must be an integer from 1 to 32768";
    QTest::addRow("temperature negative")
        << QByteArray("GET") << QStringLiteral("temperature=-1") << QByteArray() << "bad_request"
        << "temperature must be a number";
    QTest::addRow("temperature string in JSON")
        << QByteArray("POST") << QString() << QByteArray(R"({"prompt": "a", "temperature": "hot"})")
        << "bad_request"
        << "temperature must be a number";
    QTest::addRow("stream bad") << QByteArray("GET") << QStringLiteral("stream=maybe")
                                << QByteArray() << "bad_request"
                                << "stream must be";
    QTest::addRow("stream string in JSON")
        << QByteArray("POST") << QString() << QByteArray(R"({"prompt": "a", "stream": "yes"})")
        << "bad_request"
        << "stream must be true or false";
    QTest::addRow("system not a string")
        << QByteArray("POST") << QString() << QByteArray(R"({"prompt": "a", "system": ["x"]})")
        << "bad_request"
        << "system must be a string";
    QTest::addRow("model traversal")
        << QByteArray("GET") << QStringLiteral("model=@cf/../../x") << QByteArray() << "bad_request"
        << "model must be a model name";
    QTest::addRow("model not a string")
        << QByteArray("POST") << QString() << QByteArray(R"({"prompt": "a", "model": 1})")
        << "bad_request"
        << "model must be a string";
    QTest::addRow("DELETE") << QByteArray("DELETE") << QString() << QByteArray()
                            << "method_not_allowed"
                            << "GET and POST";
}

void TestAiRequest::rejects()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, query);
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(QString, messagePart);
    const auto request = parseAiRequest(QUrlQuery(query), method, body);
    QVERIFY(!request.ok());
    QCOMPARE(request.error().code, code);
    QVERIFY2(request.error().message.contains(messagePart), qPrintable(request.error().message));
}

#endif // Q_MOC_RUN

QTEST_GUILESS_MAIN(TestAiRequest)
#include "test_airequest.moc"
