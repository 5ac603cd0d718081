#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QString>
#include <QUrlQuery>

#include <cmath>
#include <limits>

namespace edgedesk {

// One inference request as the /ai route received it.
struct AiRequest
{
    static constexpr qsizetype kMaxPromptBytes = 32 * 1024; // prompt + system + message contents
    static constexpr qsizetype kMaxBodyBytes = 256 * 1024;  // the POST body before parsing
    static constexpr int kMaxTokensLimit = 32768;
    static constexpr double kMaxTemperature = 5.0;

    QString prompt;      // either a prompt ...
    QJsonArray messages; // ... or chat messages [{"role": "...", "content": "..."}]
    QString system;      // optional system message put first
    QString model;       // empty: the configured model
    int maxTokens = 0;   // 0: unset (the provider's default)
    double temperature = std::numeric_limits<double>::quiet_NaN(); // NaN: unset
    bool stream = false;

    bool hasTemperature() const { return !std::isnan(temperature); }
    // The chat messages sent upstream: the system message (if any), then `messages`, or one user
    // message holding `prompt`.
    QJsonArray chatMessages() const;
};

// The prompt used when GET /ai has no prompt parameter (as the demo does).
QString defaultAiPrompt();

// Builds an AiRequest from GET /ai?prompt=&model=&max_tokens=&temperature=&system=&stream=1, or
// POST /ai with a JSON body {"prompt": "..."} or {"messages": [...]} and the same options (body
// values override query values; an empty POST body behaves like GET). Errors: "bad_request"
// naming the field, "payload_too_large" over 32 KiB of text, "method_not_allowed".
Result<AiRequest> parseAiRequest(const QUrlQuery &query, const QByteArray &method,
                                 const QByteArray &body);

} // namespace edgedesk
