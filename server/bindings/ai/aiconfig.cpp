#include "bindings/ai/aiconfig.h"

#include <QJsonValue>
#include <QRegularExpression>
#include <QUrl>

#include <cmath>

namespace edgedesk {

namespace {

Error configError(const QString &message)
{
    return makeError(QStringLiteral("bad_request"), message);
}

// An optional string field: absent is fine, anything but a non-empty string is an error.
Result<QString> optionalString(const QJsonObject &object, const char *key)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString() || value.toString().trimmed().isEmpty())
        return configError(
            QStringLiteral("ai.%1 must be a non-empty string").arg(QLatin1String(key)));
    return value.toString().trimmed();
}

Result<QString> normalizedBaseUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty() || url.hasQuery() || url.hasFragment() || !url.userInfo().isEmpty())
        return configError(QStringLiteral("ai.base_url must be an http:// or https:// URL without "
                                          "query or credentials, got \"%1\"")
                               .arg(text));
    QString normalized = text;
    while (normalized.endsWith(QLatin1Char('/')))
        normalized.chop(1);
    return normalized;
}

} // namespace

bool isValidAiModelName(const QString &model)
{
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9@._:/-]{1,200}$"));
    if (!allowed.match(model).hasMatch())
        return false;
    const auto segments = model.split(QLatin1Char('/'));
    for (const QString &segment : segments) {
        if (segment.isEmpty() || segment == QLatin1String("..") || segment == QLatin1String("."))
            return false;
    }
    return true;
}

QString AiConfig::providerName() const
{
    switch (provider) {
    case Provider::OpenAi:
        return QStringLiteral("openai");
    case Provider::WorkersAi:
        return QStringLiteral("workers-ai");
    case Provider::None:
        break;
    }
    return QString();
}

QJsonObject AiConfig::toJson() const
{
    QJsonObject json{{QStringLiteral("binding"), binding},
                     {QStringLiteral("configured"), isConfigured()}};
    if (!isConfigured()) {
        json.insert(QStringLiteral("provider"), QJsonValue::Null);
        return json;
    }
    json.insert(QStringLiteral("provider"), providerName());
    json.insert(QStringLiteral("base_url"), baseUrl);
    json.insert(QStringLiteral("model"), model);
    json.insert(QStringLiteral("timeout_s"), timeoutMs / 1000.0);
    json.insert(QStringLiteral("source"), source == Source::OllamaProbe
                                              ? QStringLiteral("ollama-probe")
                                              : QStringLiteral("config"));
    if (provider == Provider::WorkersAi)
        json.insert(QStringLiteral("account_id"), accountId);
    json.insert(QStringLiteral("api_key_secret"),
                apiKeySecret.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(apiKeySecret));
    return json;
}

AiConfig AiConfig::withOllama(const QString &ollamaBaseUrl, const QString &ollamaModel) const
{
    AiConfig effective = *this;
    QString base = ollamaBaseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    effective.provider = Provider::OpenAi;
    effective.source = Source::OllamaProbe;
    effective.baseUrl = base + QStringLiteral("/v1");
    effective.model = ollamaModel;
    effective.accountId.clear();
    effective.apiKeySecret.clear();
    return effective;
}

Result<AiConfig> parseAiConfig(const QJsonObject &object)
{
    AiConfig config;

    const auto binding = optionalString(object, "binding");
    if (!binding)
        return binding.error();
    if (!binding->isEmpty())
        config.binding = *binding;

    const QJsonValue timeout = object.value(QLatin1String("timeout_s"));
    if (!timeout.isUndefined() && !timeout.isNull()) {
        const double seconds = timeout.toDouble(-1);
        if (!timeout.isDouble() || !std::isfinite(seconds) || seconds <= 0 || seconds > 3600)
            return configError(QStringLiteral(
                "ai.timeout_s must be a number of seconds above 0 and at most 3600"));
        config.timeoutMs = qMax(1, int(std::lround(seconds * 1000)));
    }

    const auto provider = optionalString(object, "provider");
    if (!provider)
        return provider.error();
    const auto baseUrl = optionalString(object, "base_url");
    if (!baseUrl)
        return baseUrl.error();
    const auto model = optionalString(object, "model");
    if (!model)
        return model.error();
    const auto accountId = optionalString(object, "account_id");
    if (!accountId)
        return accountId.error();
    const auto secret = optionalString(object, "api_key_secret");
    if (!secret)
        return secret.error();

    if (provider->isEmpty()) {
        // A bare {"binding": "AI"}: provider-specific keys without a provider are a mistake
        // worth reporting rather than silently ignoring.
        if (!baseUrl->isEmpty() || !model->isEmpty() || !accountId->isEmpty())
            return configError(QStringLiteral("ai.provider is missing: set it to \"openai\" or "
                                              "\"workers-ai\" (base_url, model and "
                                              "account_id only apply to a provider)"));
        return config;
    }

    if (!model->isEmpty() && !isValidAiModelName(*model))
        return configError(
            QStringLiteral("ai.model \"%1\" is not a valid model name (letters, digits and "
                           "@._:/- only)")
                .arg(*model));

    if (*provider == QLatin1String("openai")) {
        config.provider = AiConfig::Provider::OpenAi;
        const auto url = normalizedBaseUrl(
            baseUrl->isEmpty() ? QString::fromLatin1(kOpenAiDefaultBaseUrl) : *baseUrl);
        if (!url)
            return url.error();
        config.baseUrl = *url;
        if (model->isEmpty())
            return configError(QStringLiteral(
                "ai.model is required for provider \"openai\" (e.g. \"llama3.2\" for Ollama)"));
        config.model = *model;
        if (!accountId->isEmpty())
            return configError(
                QStringLiteral("ai.account_id only applies to provider \"workers-ai\""));
        config.apiKeySecret = *secret;
        return config;
    }

    if (*provider == QLatin1String("workers-ai")) {
        config.provider = AiConfig::Provider::WorkersAi;
        if (accountId->isEmpty())
            return configError(QStringLiteral("ai.account_id is required for provider "
                                              "\"workers-ai\" (your Cloudflare account id)"));
        static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
        if (!idPattern.match(*accountId).hasMatch())
            return configError(
                QStringLiteral("ai.account_id must be letters, digits, '_' or '-' only"));
        config.accountId = *accountId;
        const auto url = normalizedBaseUrl(
            baseUrl->isEmpty() ? QString::fromLatin1(kWorkersAiDefaultBaseUrl) : *baseUrl);
        if (!url)
            return url.error();
        config.baseUrl = *url;
        config.model = model->isEmpty() ? QString::fromLatin1(kWorkersAiDefaultModel) : *model;
        config.apiKeySecret =
            secret->isEmpty() ? QString::fromLatin1(kWorkersAiDefaultSecret) : *secret;
        return config;
    }

    return configError(
        QStringLiteral("ai.provider \"%1\" is unknown: use \"openai\" (Ollama, llama.cpp, vLLM "
                       "or any OpenAI-compatible server) or \"workers-ai\"")
            .arg(*provider));
}

QString notConfiguredMessage()
{
    return QStringLiteral(
        "No AI provider is configured and no local Ollama answered at http://127.0.0.1:11434. "
        "Add an \"ai\" block to the config (wrangler.jsonc) and restart. For Ollama or any "
        "OpenAI-compatible server: \"ai\": {\"binding\": \"AI\", \"provider\": \"openai\", "
        "\"base_url\": \"http://127.0.0.1:11434/v1\", \"model\": \"llama3.2\"} (add "
        "\"api_key_secret\": "
        "\"OPENAI_KEY\" and store that secret when the server needs a key). For Workers AI: "
        "\"ai\": "
        "{\"binding\": \"AI\", \"provider\": \"workers-ai\", \"account_id\": \"<your account "
        "id>\", "
        "\"model\": \"@cf/meta/llama-3.1-8b-instruct\"} and store your API token as the secret "
        "ACCOUNT_API_KEY in the secrets store. Or start Ollama (ollama serve; ollama pull llama3.2) and restart "
        "EdgeDesk.");
}

} // namespace edgedesk
