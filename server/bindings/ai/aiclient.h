#pragma once

#include "bindings/ai/aicall.h"
#include "bindings/ai/aiconfig.h"
#include "bindings/ai/airequest.h"

#include <QList>
#include <QObject>
#include <QString>

#include <memory>

namespace edgedesk {

// Runs inference calls against the configured provider (Workers AI or an OpenAI-compatible
// server) with libcurl, off the server thread: one worker thread drives one CURLM multi handle,
// so connections to the provider are reused across calls. Thread-safe; start() from any thread.
//
// Errors (edgedesk::Error codes the route maps to statuses):
//   bad_gateway     upstream 401/403 ("the provider rejected the credentials"), connection
//                   refused or unresolvable host (naming the URL), a malformed answer or stream
//                   (naming the provider), 4xx/5xx (with the upstream status), a stream cut short
//   gateway_timeout no complete answer within the configured total time (or no connection
//                   within the connect timeout)
//   service_unavailable  no provider configured (message: notConfiguredMessage())
// 429, 502 and 503 are retried twice (after Retry-After when given, capped), as long as no
// token was delivered yet.
class AiClient final
{
public:
    struct Options
    {
        int connectTimeoutMs = 5000;
        QList<int> retryBackoffMs = {250, 1000}; // one entry per retry
        int maxRetryAfterMs = 10000;             // cap on an upstream Retry-After
    };

    AiClient();
    explicit AiClient(const Options &options);
    ~AiClient(); // aborts what is still running; those calls get a service_unavailable error
    AiClient(const AiClient &) = delete;
    AiClient &operator=(const AiClient &) = delete;

    // Starts one call. `bearerToken` is the secret's value (empty: no Authorization header); it
    // goes only into the Authorization header, never into logs or error messages. Callbacks run
    // in `context`'s thread (it must not be null); cancel() or destroying `context` stops them.
    AiCall start(const AiConfig &config, const QString &bearerToken, const AiRequest &request,
                 QObject *context, AiCallbacks callbacks);

    // start() in two steps, for a caller that must hand out the handle before it knows the
    // config (AiService while its Ollama probe runs): prepare() makes a handle that can already
    // be cancelled, run() starts it (and does nothing if it was cancelled meanwhile).
    AiCall prepare(QObject *context, AiCallbacks callbacks);
    void run(const AiCall &call, const AiConfig &config, const QString &bearerToken,
             const AiRequest &request);

    // Calls currently queued, running or waiting to retry (they leave promptly after cancel()).
    int activeCalls() const;

private:
    class Engine;
    std::shared_ptr<Engine> m_engine;
};

} // namespace edgedesk
