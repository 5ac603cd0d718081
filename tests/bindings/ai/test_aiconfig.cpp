#include "bindings/ai/aiconfig.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace edgedesk;

namespace {

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

class TestAiConfig final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesAcceptedShapes_data();
    void parsesAcceptedShapes();
    void parsedFields();
    void rejectsBadConfigs_data();
    void rejectsBadConfigs();
    void toJsonNeverHoldsSecretValues();
    void withOllama();
    void notConfiguredMessageShowsHow();
    void modelNames_data();
    void modelNames();
};

// moc (Qt 6.4) does not understand raw string literals: it only needs the declarations above.
#ifndef Q_MOC_RUN

void TestAiConfig::parsesAcceptedShapes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("expected"); // toJson()

    QTest::addRow("plain binding")
        << QByteArray(R"({"binding": "AI"})")
        << QByteArray(R"({"binding":"AI","configured":false,"provider":null})");
    QTest::addRow("empty object") << QByteArray(R"({})")
                                  << QByteArray(
                                         R"({"binding":"AI","configured":false,"provider":null})");
    QTest::addRow("openai with key secret")
        << QByteArray(
               R"({"binding": "AI", "provider": "openai", "base_url": "http://127.0.0.1:11434/v1",
                          "model": "llama3.2", "api_key_secret": "OPENAI_KEY"})")
        << QByteArray(
               R"({"api_key_secret":"OPENAI_KEY","base_url":"http://127.0.0.1:11434/v1","binding":"AI",
                          "configured":true,"model":"llama3.2","provider":"openai","source":"config","timeout_s":120})");
    QTest::addRow("openai trailing slash, no key, timeout")
        << QByteArray(
               R"({"binding": "LLM", "provider": "openai", "base_url": "http://localhost:8080/v1/",
                          "model": "qwen2.5:0.5b", "timeout_s": 2.5})")
        << QByteArray(
               R"({"api_key_secret":null,"base_url":"http://localhost:8080/v1","binding":"LLM",
                          "configured":true,"model":"qwen2.5:0.5b","provider":"openai","source":"config","timeout_s":2.5})");
    QTest::addRow("openai default base url")
        << QByteArray(
               R"({"provider": "openai", "model": "gpt-4o-mini", "api_key_secret": "OPENAI_KEY"})")
        << QByteArray(
               R"({"api_key_secret":"OPENAI_KEY","base_url":"https://api.openai.com/v1","binding":"AI",
                          "configured":true,"model":"gpt-4o-mini","provider":"openai","source":"config","timeout_s":120})");
    QTest::addRow("workers-ai full")
        << QByteArray(R"({"binding": "AI", "provider": "workers-ai", "account_id": "0123abcd",
                          "model": "@cf/meta/llama-3.1-8b-instruct", "base_url": "https://api.cloudflare.com/client/v4"})")
        << QByteArray(R"({"account_id":"0123abcd","api_key_secret":"ACCOUNT_API_KEY",
                          "base_url":"https://api.cloudflare.com/client/v4","binding":"AI","configured":true,
                          "model":"@cf/meta/llama-3.1-8b-instruct","provider":"workers-ai","source":"config","timeout_s":120})");
    QTest::addRow("workers-ai defaults")
        << QByteArray(
               R"({"binding": "AI", "provider": "workers-ai", "account_id": "acc_1", "api_key_secret": "CF"})")
        << QByteArray(
               R"({"account_id":"acc_1","api_key_secret":"CF","base_url":"https://api.cloudflare.com/client/v4",
                          "binding":"AI","configured":true,"model":"@cf/meta/llama-3.1-8b-instruct",
                          "provider":"workers-ai","source":"config","timeout_s":120})");
}

void TestAiConfig::parsesAcceptedShapes()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, expected);
    const auto config = parseAiConfig(object(json));
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
    QCOMPARE(config->toJson(), QJsonDocument::fromJson(expected).object());
}

void TestAiConfig::parsedFields()
{
    const auto config =
        parseAiConfig(object(R"({"provider": "workers-ai", "account_id": "abc", "timeout_s": 1})"));
    QVERIFY(config.ok());
    QCOMPARE(config->provider, AiConfig::Provider::WorkersAi);
    QCOMPARE(config->providerName(), QStringLiteral("workers-ai"));
    QCOMPARE(config->accountId, QStringLiteral("abc"));
    QCOMPARE(config->timeoutMs, 1000);
    QCOMPARE(config->model, QStringLiteral("@cf/meta/llama-3.1-8b-instruct"));
    QVERIFY(config->isConfigured());

    const auto none = parseAiConfig(object(R"({"binding": "AI"})"));
    QVERIFY(none.ok());
    QVERIFY(!none->isConfigured());
    QCOMPARE(none->providerName(), QString());
    QCOMPARE(none->timeoutMs, AiConfig::kDefaultTimeoutMs);
}

void TestAiConfig::rejectsBadConfigs_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("messagePart");

    QTest::addRow("unknown provider") << QByteArray(R"({"provider": "anthropic", "model": "x"})")
                                      << QStringLiteral("ai.provider \"anthropic\" is unknown");
    QTest::addRow("provider not a string")
        << QByteArray(R"({"provider": 3})")
        << QStringLiteral("ai.provider must be a non-empty string");
    QTest::addRow("empty provider") << QByteArray(R"({"provider": ""})")
                                    << QStringLiteral("ai.provider must be a non-empty string");
    QTest::addRow("workers-ai without account")
        << QByteArray(R"({"provider": "workers-ai", "model": "@cf/meta/llama-3.1-8b-instruct"})")
        << QStringLiteral("ai.account_id is required");
    QTest::addRow("workers-ai account with slash")
        << QByteArray(R"({"provider": "workers-ai", "account_id": "a/../b"})")
        << QStringLiteral("ai.account_id must be");
    QTest::addRow("openai without model")
        << QByteArray(R"({"provider": "openai", "base_url": "http://127.0.0.1:11434/v1"})")
        << QStringLiteral("ai.model is required");
    QTest::addRow("openai with account")
        << QByteArray(R"({"provider": "openai", "model": "m", "account_id": "x"})")
        << QStringLiteral("ai.account_id only applies");
    QTest::addRow("bad base url scheme")
        << QByteArray(R"({"provider": "openai", "model": "m", "base_url": "ftp://example.com/v1"})")
        << QStringLiteral("ai.base_url must be an http:// or https:// URL");
    QTest::addRow("base url with credentials")
        << QByteArray(
               R"({"provider": "openai", "model": "m", "base_url": "http://user:pw@example.com/v1"})")
        << QStringLiteral("ai.base_url must be");
    QTest::addRow("base url not a string")
        << QByteArray(R"({"provider": "openai", "model": "m", "base_url": 1})")
        << QStringLiteral("ai.base_url must be a non-empty string");
    QTest::addRow("model traversal")
        << QByteArray(R"({"provider": "workers-ai", "account_id": "a", "model": "@cf/../x"})")
        << QStringLiteral("ai.model \"@cf/../x\" is not a valid model name");
    QTest::addRow("model with query") << QByteArray(R"({"provider": "openai", "model": "m?x=1"})")
                                      << QStringLiteral("is not a valid model name");
    QTest::addRow("timeout zero") << QByteArray(R"({"binding": "AI", "timeout_s": 0})")
                                  << QStringLiteral("ai.timeout_s must be");
    QTest::addRow("timeout string") << QByteArray(R"({"binding": "AI", "timeout_s": "10"})")
                                    << QStringLiteral("ai.timeout_s must be");
    QTest::addRow("model without provider")
        << QByteArray(R"({"binding": "AI", "model": "llama3.2"})")
        << QStringLiteral("ai.provider is missing");
    QTest::addRow("binding not a string")
        << QByteArray(R"({"binding": true})")
        << QStringLiteral("ai.binding must be a non-empty string");
}

void TestAiConfig::rejectsBadConfigs()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, messagePart);
    const auto config = parseAiConfig(object(json));
    QVERIFY(!config.ok());
    QCOMPARE(config.error().code, QStringLiteral("bad_request"));
    QVERIFY2(config.error().message.contains(messagePart), qPrintable(config.error().message));
}

void TestAiConfig::toJsonNeverHoldsSecretValues()
{
    const auto config = parseAiConfig(
        object(R"({"provider": "openai", "model": "m", "api_key_secret": "OPENAI_KEY"})"));
    QVERIFY(config.ok());
    const QJsonObject json = config->toJson();
    QCOMPARE(json.value(QLatin1String("api_key_secret")).toString(), QStringLiteral("OPENAI_KEY"));
    // Only names: the struct has no field that could hold a value.
    QCOMPARE(json.keys(), (QStringList{"api_key_secret", "base_url", "binding", "configured",
                                       "model", "provider", "source", "timeout_s"}));
}

void TestAiConfig::withOllama()
{
    const auto none = parseAiConfig(object(R"({"binding": "AI", "timeout_s": 30})"));
    QVERIFY(none.ok());
    const AiConfig effective = none->withOllama(QStringLiteral("http://127.0.0.1:11434/"),
                                                QStringLiteral("llama3.2:latest"));
    QCOMPARE(effective.provider, AiConfig::Provider::OpenAi);
    QCOMPARE(effective.toJson(),
             QJsonDocument::fromJson(
                 R"({"api_key_secret":null,"base_url":"http://127.0.0.1:11434/v1","binding":"AI",
                                         "configured":true,"model":"llama3.2:latest","provider":"openai",
                                         "source":"ollama-probe","timeout_s":30})")
                 .object());
}

void TestAiConfig::notConfiguredMessageShowsHow()
{
    const QString message = notConfiguredMessage();
    QVERIFY(message.contains(QLatin1String(R"("provider": "openai")")));
    QVERIFY(message.contains(QLatin1String(R"("base_url": "http://127.0.0.1:11434/v1")")));
    QVERIFY(message.contains(QLatin1String(R"("provider": "workers-ai")")));
    QVERIFY(message.contains(QLatin1String("account_id")));
    QVERIFY(message.contains(QLatin1String("ACCOUNT_API_KEY")));
    QVERIFY(message.contains(QLatin1String("ollama pull")));
}

void TestAiConfig::modelNames_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("valid");
    QTest::addRow("workers") << QStringLiteral("@cf/meta/llama-3.1-8b-instruct") << true;
    QTest::addRow("ollama tag") << QStringLiteral("llama3.2:latest") << true;
    QTest::addRow("hf path") << QStringLiteral("Qwen/Qwen2.5-0.5B-Instruct") << true;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("dotdot") << QStringLiteral("a/../b") << false;
    QTest::addRow("leading slash") << QStringLiteral("/etc") << false;
    QTest::addRow("double slash") << QStringLiteral("a//b") << false;
    QTest::addRow("space") << QStringLiteral("a b") << false;
    QTest::addRow("query") << QStringLiteral("a?b") << false;
    QTest::addRow("percent") << QStringLiteral("a%2fb") << false;
    QTest::addRow("too long") << QString(201, QLatin1Char('a')) << false;
}

void TestAiConfig::modelNames()
{
    QFETCH(QString, model);
    QFETCH(bool, valid);
    QCOMPARE(isValidAiModelName(model), valid);
}

#endif // Q_MOC_RUN

QTEST_GUILESS_MAIN(TestAiConfig)
#include "test_aiconfig.moc"
