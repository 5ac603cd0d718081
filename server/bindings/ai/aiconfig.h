#pragma once

#include "util/result.h"

#include <QJsonObject>
#include <QString>

namespace edgedesk {

// The config's "ai" object. Three accepted shapes:
//   {"binding": "AI", "provider": "openai", "base_url": "http://127.0.0.1:11434/v1",
//    "model": "llama3.2", "api_key_secret": "OPENAI_KEY"}
//   {"binding": "AI", "provider": "workers-ai", "account_id": "<id>",
//    "model": "@cf/meta/llama-3.1-8b-instruct", "base_url": "https://api.cloudflare.com/client/v4"}
//   {"binding": "AI"}                       (no provider chosen yet; see probeOllama)
// plus an optional "timeout_s" (total time per upstream attempt, default 120).
struct AiConfig
{
    enum class Provider
    {
        None,
        OpenAi,
        WorkersAi
    };

    // Where the effective provider came from: the config file, or the start-up Ollama probe.
    enum class Source
    {
        Config,
        OllamaProbe
    };

    static constexpr int kDefaultTimeoutMs = 120000;

    QString binding = QStringLiteral("AI");
    Provider provider = Provider::None;
    Source source = Source::Config;
    QString baseUrl;   // without a trailing slash
    QString accountId; // workers-ai only
    QString model;
    // Name (never the value) of the secret holding the bearer token. Empty: send no
    // Authorization header (a local OpenAI-compatible server usually needs none).
    QString apiKeySecret;
    int timeoutMs = kDefaultTimeoutMs;

    bool isConfigured() const { return provider != Provider::None; }
    // "openai", "workers-ai", or an empty string when no provider is configured.
    QString providerName() const;
    // For GET /__edgedesk/v1/config: names the secret, never contains its value.
    QJsonObject toJson() const;

    // The effective config when no provider is configured but an Ollama server answered the
    // probe at `ollamaBaseUrl` (e.g. "http://127.0.0.1:11434") with `model`.
    AiConfig withOllama(const QString &ollamaBaseUrl, const QString &model) const;
};

inline constexpr auto kWorkersAiDefaultBaseUrl = "https://api.cloudflare.com/client/v4";
inline constexpr auto kWorkersAiDefaultModel = "@cf/meta/llama-3.1-8b-instruct";
inline constexpr auto kWorkersAiDefaultSecret = "ACCOUNT_API_KEY";
inline constexpr auto kOpenAiDefaultBaseUrl = "https://api.openai.com/v1";
inline constexpr auto kOllamaDefaultBaseUrl = "http://127.0.0.1:11434";

// Parses the "ai" object. Errors have code "bad_request" and name the offending field
// ("ai.provider", "ai.account_id", ...).
Result<AiConfig> parseAiConfig(const QJsonObject &object);

// The 503 message for /ai when no provider is configured: says exactly how to configure one,
// with config snippets.
QString notConfiguredMessage();

// Model names end up in an upstream URL path (Workers AI) or body: letters, digits and
// "@._:/-" only, no empty or ".." path segment, at most 200 characters.
bool isValidAiModelName(const QString &model);

} // namespace edgedesk
