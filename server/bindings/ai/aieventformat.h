#pragma once

#include "bindings/ai/airesult.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>

namespace edgedesk {

// The server-sent events the /ai route writes to its client when streaming (the same shape as
// the Workers AI stream, so the demo frontend reads either):
//   data: {"response":"<token>"}\n\n   ...   data: [DONE]\n\n
class AiEventFormat final
{
public:
    static QByteArray token(const QString &token);
    // The final summary before [DONE]: {"response":"","usage":{...},"model":..,"provider":..,
    // "duration_ms":..} (the usage/metadata event, as Workers AI sends one before the end).
    static QByteArray summary(const AiResult &result);
    static QByteArray done();
    // A failure after the stream started: data: {"error":{"code":"...","message":"..."}}\n\n
    // (the status line is gone by then; the route writes done() after it).
    static QByteArray error(const Error &error);

    static QByteArray contentType()
    {
        return QByteArrayLiteral("text/event-stream; charset=utf-8");
    }

private:
    AiEventFormat() = delete;
};

} // namespace edgedesk
