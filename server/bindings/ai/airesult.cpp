#include "bindings/ai/airesult.h"

namespace edgedesk {

QJsonObject AiResult::toJson() const
{
    return QJsonObject{{QStringLiteral("response"), response},
                       {QStringLiteral("model"), model},
                       {QStringLiteral("provider"), provider},
                       {QStringLiteral("usage"), usage},
                       {QStringLiteral("duration_ms"), durationMs}};
}

} // namespace edgedesk
