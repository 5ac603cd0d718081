#pragma once

#include "bindings/ai/aicallstate.h"
#include "bindings/ai/aiconfig.h"
#include "bindings/ai/aiprotocol.h"
#include "bindings/ai/airesult.h"
#include "util/ssedecoder.h"
#include "util/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <optional>

namespace edgedesk {

// One AI call on AiClient's curl thread: the request, what the current attempt has received and
// what the call has produced so far. Owned by the client's engine; its easy handle points back
// at it, and libcurl hands it to onHeader() and onWrite() as their user data.
struct AiTransfer final
{
    using Clock = std::chrono::steady_clock;
    static constexpr qsizetype kMaxAnswerBytes = 8 * 1024 * 1024;
    static constexpr qsizetype kMaxErrorBodyBytes = 64 * 1024;

    std::shared_ptr<AiCallState> state;
    AiConfig config;
    QString model;
    AiProtocol::HttpRequest http;
    bool stream = false;
    QByteArray authorization; // "Authorization: Bearer ..."; never logged
    QString token;            // to scrub it from upstream error text
    CURL *easy = nullptr;
    curl_slist *headers = nullptr;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    Clock::time_point started = Clock::now();
    Clock::time_point retryAt;
    int retries = 0;

    // Per attempt.
    bool statusKnown = false;
    long status = 0;
    QByteArray contentType;
    QByteArray retryAfter;
    bool sse = false;
    QByteArray body;
    SseDecoder decoder;
    std::optional<Error> failure; // set by a callback that aborted the transfer

    // Across attempts (only a successful attempt produces any).
    QString text;
    QJsonObject usage;
    int tokens = 0;
    bool doneDelivered = false;

    AiTransfer() = default;
    AiTransfer(const AiTransfer &) = delete;
    AiTransfer &operator=(const AiTransfer &) = delete;
    ~AiTransfer();

    void resetAttempt();
    AiResult result() const;
    qint64 elapsedMs() const;
    // `text` without the bearer token, should an upstream have echoed it.
    QString scrub(QString text) const;
    // Feeds stream bytes; false aborts the transfer (failure says why).
    bool consumeStream(const char *data, size_t bytes);
    bool handleEvents(const QList<SseDecoder::Event> &events);
    // The error for a finished attempt whose status is not 2xx.
    Error httpError() const;

    // CURLOPT_HEADERFUNCTION and CURLOPT_WRITEFUNCTION, with the transfer as user data.
    static size_t onHeader(char *data, size_t size, size_t count, void *userData);
    static size_t onWrite(char *data, size_t size, size_t count, void *userData);
    // Retry-After is either delta-seconds or an HTTP date; capped at a day.
    static std::optional<int> retryAfterMs(const QByteArray &value);
};

} // namespace edgedesk
