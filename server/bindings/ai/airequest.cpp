#include "bindings/ai/airequest.h"

#include "bindings/ai/aiconfig.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>

#include <cmath>

namespace edgedesk {

namespace {

Error badRequest(const QString &message)
{
    return makeError(QStringLiteral("bad_request"), message);
}

Status setMaxTokens(AiRequest &request, double value, bool isNumber)
{
    if (!isNumber || !std::isfinite(value) || value != std::floor(value) || value < 1 ||
        value > AiRequest::kMaxTokensLimit)
        return badRequest(QStringLiteral("max_tokens must be an integer from 1 to %1")
                              .arg(AiRequest::kMaxTokensLimit));
    request.maxTokens = int(value);
    return Ok{};
}

Status setTemperature(AiRequest &request, double value, bool isNumber)
{
    if (!isNumber || !std::isfinite(value) || value < 0 || value > AiRequest::kMaxTemperature)
        return badRequest(QStringLiteral("temperature must be a number from 0 to %1")
                              .arg(AiRequest::kMaxTemperature));
    request.temperature = value;
    return Ok{};
}

Status setModel(AiRequest &request, const QString &model)
{
    if (!isValidAiModelName(model))
        return badRequest(
            QStringLiteral("model must be a model name (letters, digits and @._:/- only, at most "
                           "200 characters)"));
    request.model = model;
    return Ok{};
}

Status applyQuery(AiRequest &request, const QUrlQuery &query, bool &hasPrompt)
{
    const auto value = [&query](const char *key) {
        return query.queryItemValue(QLatin1String(key), QUrl::FullyDecoded);
    };
    const auto has = [&query](const char *key) { return query.hasQueryItem(QLatin1String(key)); };

    if (has("prompt")) {
        hasPrompt = true;
        request.prompt = value("prompt");
    }
    if (has("system"))
        request.system = value("system");
    if (has("model") && !value("model").isEmpty()) {
        if (const Status s = setModel(request, value("model")); !s)
            return s;
    }
    if (has("max_tokens")) {
        bool ok = false;
        const double n = value("max_tokens").toDouble(&ok);
        if (const Status s = setMaxTokens(request, n, ok); !s)
            return s;
    }
    if (has("temperature")) {
        bool ok = false;
        const double t = value("temperature").toDouble(&ok);
        if (const Status s = setTemperature(request, t, ok); !s)
            return s;
    }
    if (has("stream")) {
        const QString s = value("stream").toLower();
        if (s == QLatin1String("1") || s == QLatin1String("true") || s == QLatin1String("yes") ||
            s.isEmpty())
            request.stream = true;
        else if (s == QLatin1String("0") || s == QLatin1String("false") || s == QLatin1String("no"))
            request.stream = false;
        else
            return badRequest(QStringLiteral("stream must be 1/true or 0/false"));
    }
    return Ok{};
}

Status applyMessages(AiRequest &request, const QJsonValue &value)
{
    if (!value.isArray() || value.toArray().isEmpty())
        return badRequest(QStringLiteral(
            "messages must be a non-empty array of {\"role\", \"content\"} objects"));
    const QJsonArray messages = value.toArray();
    if (messages.size() > 1000)
        return badRequest(QStringLiteral("messages may hold at most 1000 entries"));
    QJsonArray clean;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QJsonValue entry = messages.at(i);
        if (!entry.isObject())
            return badRequest(QStringLiteral("messages[%1] must be an object").arg(i));
        const QJsonObject message = entry.toObject();
        const QJsonValue role = message.value(QLatin1String("role"));
        const QString roleText = role.toString();
        if (!role.isString() ||
            (roleText != QLatin1String("system") && roleText != QLatin1String("user") &&
             roleText != QLatin1String("assistant")))
            return badRequest(
                QStringLiteral("messages[%1].role must be \"system\", \"user\" or \"assistant\"")
                    .arg(i));
        const QJsonValue content = message.value(QLatin1String("content"));
        if (!content.isString())
            return badRequest(QStringLiteral("messages[%1].content must be a string").arg(i));
        // Only role and content travel upstream: the route is not a general proxy.
        clean.append(
            QJsonObject{{QStringLiteral("role"), roleText}, {QStringLiteral("content"), content}});
    }
    bool anyText = false;
    for (const QJsonValue &m : std::as_const(clean))
        anyText =
            anyText || !m.toObject().value(QLatin1String("content")).toString().trimmed().isEmpty();
    if (!anyText)
        return badRequest(QStringLiteral("messages must contain some text"));
    request.messages = clean;
    return Ok{};
}

Status applyBody(AiRequest &request, const QByteArray &body, bool &hasPrompt)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return badRequest(QStringLiteral("the request body is not valid JSON (%1 at offset %2)")
                              .arg(parseError.errorString())
                              .arg(parseError.offset));
    if (!document.isObject())
        return badRequest(QStringLiteral("the request body must be a JSON object"));
    const QJsonObject object = document.object();

    const QJsonValue prompt = object.value(QLatin1String("prompt"));
    const QJsonValue messages = object.value(QLatin1String("messages"));
    const bool hasMessages = !messages.isUndefined() && !messages.isNull();
    if (!prompt.isUndefined() && !prompt.isNull()) {
        if (!prompt.isString())
            return badRequest(QStringLiteral("prompt must be a string"));
        if (hasMessages)
            return badRequest(QStringLiteral("give either prompt or messages, not both"));
        hasPrompt = true;
        request.prompt = prompt.toString();
    } else if (hasMessages) {
        if (const Status s = applyMessages(request, messages); !s)
            return s;
        request.prompt.clear();
        hasPrompt = true;
    } else if (!hasPrompt) {
        return badRequest(
            QStringLiteral("the request body needs a prompt (string) or messages (array)"));
    }

    const QJsonValue system = object.value(QLatin1String("system"));
    if (!system.isUndefined() && !system.isNull()) {
        if (!system.isString())
            return badRequest(QStringLiteral("system must be a string"));
        request.system = system.toString();
    }
    const QJsonValue model = object.value(QLatin1String("model"));
    if (!model.isUndefined() && !model.isNull()) {
        if (!model.isString())
            return badRequest(QStringLiteral("model must be a string"));
        if (const Status s = setModel(request, model.toString()); !s)
            return s;
    }
    const QJsonValue maxTokens = object.value(QLatin1String("max_tokens"));
    if (!maxTokens.isUndefined() && !maxTokens.isNull()) {
        if (const Status s = setMaxTokens(request, maxTokens.toDouble(), maxTokens.isDouble()); !s)
            return s;
    }
    const QJsonValue temperature = object.value(QLatin1String("temperature"));
    if (!temperature.isUndefined() && !temperature.isNull()) {
        if (const Status s =
                setTemperature(request, temperature.toDouble(), temperature.isDouble());
            !s)
            return s;
    }
    const QJsonValue stream = object.value(QLatin1String("stream"));
    if (!stream.isUndefined() && !stream.isNull()) {
        if (!stream.isBool())
            return badRequest(QStringLiteral("stream must be true or false"));
        request.stream = stream.toBool();
    }
    return Ok{};
}

} // namespace

QJsonArray AiRequest::chatMessages() const
{
    QJsonArray out;
    if (!system.isEmpty())
        out.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                               {QStringLiteral("content"), system}});
    if (!messages.isEmpty()) {
        for (const QJsonValue &m : messages)
            out.append(m);
    } else {
        out.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                               {QStringLiteral("content"), prompt}});
    }
    return out;
}

QString defaultAiPrompt()
{
    return QStringLiteral("What is the origin of the phrase Hello, World?");
}

Result<AiRequest> parseAiRequest(const QUrlQuery &query, const QByteArray &method,
                                 const QByteArray &body)
{
    const QByteArray verb = method.toUpper();
    if (verb != "GET" && verb != "HEAD" && verb != "POST")
        return makeError(QStringLiteral("method_not_allowed"),
                         QStringLiteral("/ai accepts GET and POST"));

    AiRequest request;
    bool hasPrompt = false;
    if (const Status s = applyQuery(request, query, hasPrompt); !s)
        return s.error();

    if (verb == "POST" && !body.trimmed().isEmpty()) {
        if (body.size() > AiRequest::kMaxBodyBytes)
            return makeError(QStringLiteral("payload_too_large"),
                             QStringLiteral("the request body is %1 bytes; /ai accepts at most %2")
                                 .arg(body.size())
                                 .arg(AiRequest::kMaxBodyBytes));
        if (const Status s = applyBody(request, body, hasPrompt); !s)
            return s.error();
    }

    if (!hasPrompt)
        request.prompt = defaultAiPrompt();
    if (request.messages.isEmpty() && request.prompt.trimmed().isEmpty())
        return badRequest(QStringLiteral("prompt must not be empty"));

    qsizetype textBytes = request.system.toUtf8().size() + request.prompt.toUtf8().size();
    for (const QJsonValue &m : std::as_const(request.messages))
        textBytes += m.toObject().value(QLatin1String("content")).toString().toUtf8().size();
    if (textBytes > AiRequest::kMaxPromptBytes)
        return makeError(QStringLiteral("payload_too_large"),
                         QStringLiteral("the prompt is %1 bytes; the limit is %2 bytes (32 KiB)")
                             .arg(textBytes)
                             .arg(AiRequest::kMaxPromptBytes));
    return request;
}

} // namespace edgedesk
