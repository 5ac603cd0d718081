#include "bindings/ai/aieventformat.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace edgedesk {

namespace {

QByteArray event(const QJsonObject &object)
{
    // Compact JSON never contains a raw newline, so one data: line carries the whole event.
    return QByteArrayLiteral("data: ") + QJsonDocument(object).toJson(QJsonDocument::Compact) +
           QByteArrayLiteral("\n\n");
}

} // namespace

QByteArray AiEventFormat::token(const QString &token)
{
    return event(QJsonObject{{QStringLiteral("response"), token}});
}

QByteArray AiEventFormat::summary(const AiResult &result)
{
    return event(QJsonObject{{QStringLiteral("response"), QString()},
                             {QStringLiteral("usage"), result.usage},
                             {QStringLiteral("model"), result.model},
                             {QStringLiteral("provider"), result.provider},
                             {QStringLiteral("duration_ms"), result.durationMs}});
}

QByteArray AiEventFormat::done()
{
    return QByteArrayLiteral("data: [DONE]\n\n");
}

QByteArray AiEventFormat::error(const Error &error)
{
    return event(QJsonObject{
        {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), error.code},
                                              {QStringLiteral("message"), error.message}}}});
}

} // namespace edgedesk
