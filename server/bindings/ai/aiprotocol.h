#pragma once

#include "bindings/ai/aiconfig.h"
#include "bindings/ai/airequest.h"
#include "bindings/ai/airesult.h"
#include "util/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace edgedesk {

// The two wire protocols spoken upstream, without any I/O:
//   workers-ai: POST {base}/accounts/{account}/ai/run/{model}, answer {"result": {"response",
//               "usage"}, "success", ...}, stream of data: {"response": "tok", "p": "..."}.
//   openai:     POST {base}/chat/completions, answer choices[0].message.content + usage,
//               stream of chat.completion.chunk with choices[0].delta.content.
// Both streams end with "data: [DONE]".
class AiProtocol final
{
public:
    struct HttpRequest
    {
        QByteArray url;
        QByteArray body; // JSON
    };

    // One decoded stream event: a token (maybe empty), usage if it carried some, or the end.
    struct StreamEvent
    {
        QString token;
        QJsonObject usage;
        bool done = false;
    };

    static QString effectiveModel(const AiConfig &config, const AiRequest &request);
    static HttpRequest buildRequest(const AiConfig &config, const AiRequest &request);

    // A complete (non-streaming) answer. Errors are "bad_gateway" naming the provider.
    static Result<AiResult> parseAnswer(const AiConfig &config, const QByteArray &body);
    // The data of one SSE event. Errors are "bad_gateway" naming the provider (malformed JSON,
    // or an error object the provider put in the stream).
    static Result<StreamEvent> parseStreamEvent(const AiConfig &config, const QByteArray &data);

    // The human part of an upstream error body (OpenAI's error.message, Workers AI's
    // errors[].message, Ollama's error), shortened; empty when there is none.
    static QString upstreamErrorDetail(const QByteArray &body);

private:
    AiProtocol() = delete;
};

} // namespace edgedesk
