#include "commandrequest.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace edgedesk {

namespace {

Error badRequest(const QString &message)
{
    return makeError(QStringLiteral("bad_request"), message);
}

} // namespace

Result<CommandRequest> CommandRequest::parse(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return badRequest(QStringLiteral("body must be JSON: %1 at offset %2")
                              .arg(parseError.errorString())
                              .arg(parseError.offset));
    if (!document.isObject())
        return badRequest(QStringLiteral("body must be a JSON object like {\"command\": \"ls\"}"));
    const QJsonObject object = document.object();

    const QJsonValue command = object.value(QLatin1String("command"));
    if (command.isUndefined())
        return badRequest(QStringLiteral("command is required"));
    if (!command.isString())
        return badRequest(QStringLiteral("command must be a string"));
    CommandRequest request;
    request.command = command.toString();
    if (request.command.trimmed().isEmpty())
        return badRequest(QStringLiteral("command must not be empty"));
    if (request.command.contains(QChar(0)))
        return badRequest(QStringLiteral("command must not contain NUL characters"));
    if (request.command.toUtf8().size() > kMaxCommandBytes)
        return badRequest(QStringLiteral("command must be at most %1 bytes").arg(kMaxCommandBytes));

    const QJsonValue timeout = object.value(QLatin1String("timeout"));
    if (!timeout.isUndefined()) {
        if (!timeout.isDouble())
            return badRequest(QStringLiteral("timeout must be a number of seconds 1..%1")
                                  .arg(kMaxTimeoutSeconds));
        const double seconds = timeout.toDouble();
        if (!(seconds >= 1 && seconds <= kMaxTimeoutSeconds))
            return badRequest(QStringLiteral("timeout must be a number of seconds 1..%1")
                                  .arg(kMaxTimeoutSeconds));
        request.timeoutSeconds = seconds;
    }
    return request;
}

} // namespace edgedesk
