#pragma once

#include <QJsonObject>
#include <QString>

namespace edgedesk {

// A finished inference, as the /ai route answers it:
// {"response": "...", "model": "...", "provider": "...", "usage": {...}, "duration_ms": 123}
struct AiResult
{
    QString response;  // the whole answer (for a stream: every token, concatenated)
    QString model;     // the model asked for
    QString provider;  // "openai" or "workers-ai"
    QJsonObject usage; // the provider's token counts as it reported them ({} when it did not)
    qint64 durationMs = 0;

    QJsonObject toJson() const;
};

} // namespace edgedesk
