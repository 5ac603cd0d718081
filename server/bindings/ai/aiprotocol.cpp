#include "bindings/ai/aiprotocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QUrl>

namespace edgedesk {

namespace {

constexpr qsizetype kMaxDetailChars = 300;

Error malformed(const AiConfig &config, const QString &what)
{
    return makeError(
        QStringLiteral("bad_gateway"),
        QStringLiteral("the AI provider %1 sent a malformed %2").arg(config.providerName(), what));
}

QJsonObject usageOf(const QJsonValue &value)
{
    return value.isObject() ? value.toObject() : QJsonObject();
}

QString errorText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        if (object.value(QLatin1String("message")).isString())
            return object.value(QLatin1String("message")).toString();
    }
    if (value.isArray()) {
        QStringList parts;
        for (const QJsonValue &entry : value.toArray()) {
            const QString text = errorText(entry);
            if (!text.isEmpty())
                parts.append(text);
        }
        return parts.join(QStringLiteral("; "));
    }
    return QString();
}

} // namespace

QString AiProtocol::effectiveModel(const AiConfig &config, const AiRequest &request)
{
    return request.model.isEmpty() ? config.model : request.model;
}

AiProtocol::HttpRequest AiProtocol::buildRequest(const AiConfig &config, const AiRequest &request)
{
    const QString model = effectiveModel(config, request);
    QJsonObject body;
    body.insert(QStringLiteral("messages"), request.chatMessages());
    body.insert(QStringLiteral("stream"), request.stream);
    if (request.maxTokens > 0)
        body.insert(QStringLiteral("max_tokens"), request.maxTokens);
    if (request.hasTemperature())
        body.insert(QStringLiteral("temperature"), request.temperature);

    HttpRequest http;
    if (config.provider == AiConfig::Provider::WorkersAi) {
        // The model id ("@cf/meta/...") is a path of its own: keep its slashes, encode the rest.
        http.url = config.baseUrl.toUtf8() + "/accounts/" +
                   QUrl::toPercentEncoding(config.accountId) + "/ai/run/" +
                   QUrl::toPercentEncoding(model, "/@:");
    } else {
        body.insert(QStringLiteral("model"), model);
        http.url = config.baseUrl.toUtf8() + "/chat/completions";
    }
    http.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return http;
}

Result<AiResult> AiProtocol::parseAnswer(const AiConfig &config, const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return malformed(config, QStringLiteral("answer (not a JSON object)"));
    const QJsonObject root = document.object();

    AiResult result;
    result.provider = config.providerName();
    if (config.provider == AiConfig::Provider::WorkersAi) {
        if (root.value(QLatin1String("success")).isBool() &&
            !root.value(QLatin1String("success")).toBool()) {
            const QString detail = errorText(root.value(QLatin1String("errors")));
            return makeError(QStringLiteral("bad_gateway"),
                             QStringLiteral("the AI provider workers-ai reported an error: %1")
                                 .arg(detail.isEmpty() ? QStringLiteral("(no details)")
                                                       : detail.left(kMaxDetailChars)));
        }
        const QJsonValue inner = root.value(QLatin1String("result"));
        const QJsonValue response = inner.toObject().value(QLatin1String("response"));
        if (!inner.isObject() || !response.isString())
            return malformed(config, QStringLiteral("answer (no result.response)"));
        result.response = response.toString();
        result.usage = usageOf(inner.toObject().value(QLatin1String("usage")));
        return result;
    }

    const QJsonValue choices = root.value(QLatin1String("choices"));
    const QJsonValue content = choices.toArray()
                                   .at(0)
                                   .toObject()
                                   .value(QLatin1String("message"))
                                   .toObject()
                                   .value(QLatin1String("content"));
    if (!choices.isArray() || choices.toArray().isEmpty() ||
        !(content.isString() || content.isNull()))
        return malformed(config, QStringLiteral("answer (no choices[0].message.content)"));
    result.response = content.toString();
    result.usage = usageOf(root.value(QLatin1String("usage")));
    return result;
}

Result<AiProtocol::StreamEvent> AiProtocol::parseStreamEvent(const AiConfig &config,
                                                             const QByteArray &data)
{
    StreamEvent event;
    if (data.trimmed() == "[DONE]") {
        event.done = true;
        return event;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return malformed(config, QStringLiteral("stream (an event is not a JSON object)"));
    const QJsonObject root = document.object();

    // OpenAI-compatible servers (Ollama, vLLM) report a failure inside the stream this way.
    if (root.contains(QLatin1String("error"))) {
        const QString detail = errorText(root.value(QLatin1String("error")));
        return makeError(QStringLiteral("bad_gateway"),
                         QStringLiteral("the AI provider %1 reported an error in the stream: %2")
                             .arg(config.providerName(), detail.isEmpty()
                                                             ? QStringLiteral("(no details)")
                                                             : detail.left(kMaxDetailChars)));
    }

    if (config.provider == AiConfig::Provider::WorkersAi) {
        const QJsonValue response = root.value(QLatin1String("response"));
        if (!response.isString() && !response.isUndefined() && !response.isNull())
            return malformed(config, QStringLiteral("stream (response is not a string)"));
        event.token = response.toString();
        event.usage = usageOf(root.value(QLatin1String("usage")));
        return event;
    }

    const QJsonValue choices = root.value(QLatin1String("choices"));
    if (!choices.isArray())
        return malformed(config, QStringLiteral("stream (a chunk has no choices)"));
    if (!choices.toArray().isEmpty()) {
        const QJsonValue content = choices.toArray()
                                       .at(0)
                                       .toObject()
                                       .value(QLatin1String("delta"))
                                       .toObject()
                                       .value(QLatin1String("content"));
        if (!content.isString() && !content.isUndefined() && !content.isNull())
            return malformed(config, QStringLiteral("stream (delta.content is not a string)"));
        event.token = content.toString();
    }
    event.usage = usageOf(root.value(QLatin1String("usage")));
    return event;
}

QString AiProtocol::upstreamErrorDetail(const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    QString detail;
    if (document.isObject()) {
        const QJsonObject root = document.object();
        detail = errorText(root.value(QLatin1String("error")));
        if (detail.isEmpty())
            detail = errorText(root.value(QLatin1String("errors")));
        if (detail.isEmpty())
            detail = errorText(root.value(QLatin1String("message")));
    }
    detail = detail.simplified();
    if (detail.size() > kMaxDetailChars)
        detail = detail.left(kMaxDetailChars) + QStringLiteral("...");
    return detail;
}

} // namespace edgedesk
