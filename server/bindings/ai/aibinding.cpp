#include "bindings/ai/aibinding.h"

#include "bindings/ai/aieventformat.h"
#include "bindings/ai/ailog.h"
#include "bindings/ai/aiservice.h"
#include "routing/router.h"
#include "storage/secrets/secretstore.h"

#include <QUrl>

namespace edgedesk {

namespace {

// A token goes verbatim into an Authorization header: a line break would inject headers.
bool isHeaderSafe(const QByteArray &value)
{
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f)
            return false;
    }
    return true;
}

} // namespace

AiBinding::AiBinding(const ServerContext &context, OpenedStore<SecretStore> secrets)
    : m_context(context), m_secrets(std::move(secrets)),
      m_binding(context.config.ai.value(QStringLiteral("binding")).toString())
{
    if (auto config = parseAiConfig(context.config.ai); config) {
        m_binding = config->binding;
        m_service = std::make_unique<AiService>(*config, context.pool);
        if (context.options.probeOllama)
            m_service->probeOllama(ollamaProbeUrl());
    } else {
        m_configError = config.error().message;
        qCWarning(lcAi).noquote() << "AI binding disabled:" << m_configError;
    }
    if (m_binding.isEmpty())
        m_binding = QStringLiteral("AI");
}

AiBinding::~AiBinding() = default;

void AiBinding::addRoutes(Router &router)
{
    Route route;
    route.name = QStringLiteral("ai");
    route.binding = m_binding;
    route.pattern = "/ai";
    route.methods = {"GET", "POST"};
    // A longer body cannot hold a valid request: the transport answers 413 before reading it.
    route.bodyLimit = AiRequest::kMaxBodyBytes;
    route.handler = [this](const ExchangePtr &ex) { handle(ex); };
    router.add(std::move(route));
}

std::optional<ConfigSection> AiBinding::configSection() const
{
    return ConfigSection{QStringLiteral("ai"), configJson()};
}

void AiBinding::shutdown()
{
    m_service.reset(); // cancels running calls; lives in the server thread like this binding
}

QString AiBinding::ollamaProbeUrl()
{
    const QString fallback = QString::fromLatin1(kOllamaDefaultBaseUrl);
    const QString configured = qEnvironmentVariable("EDGEDESK_OLLAMA_URL").trimmed();
    if (configured.isEmpty())
        return fallback;
    const QUrl url(configured, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        qCWarning(lcAi).noquote() << "EDGEDESK_OLLAMA_URL is not an http(s) URL; probing"
                                  << fallback << "instead";
        return fallback;
    }
    return configured;
}

QJsonObject AiBinding::configJson() const
{
    if (m_service)
        return m_service->toJson();
    return QJsonObject{
        {QStringLiteral("binding"),
         m_context.config.ai.value(QStringLiteral("binding")).toString(QStringLiteral("AI"))},
        {QStringLiteral("configured"), false},
        {QStringLiteral("provider"), QJsonValue::Null},
        {QStringLiteral("error"), m_configError}};
}

Result<QString> AiBinding::bearerToken() const
{
    const QString secret = m_service->apiKeySecret();
    if (secret.isEmpty())
        return QString();
    const QString provider = m_service->effective().providerName();
    if (!m_secrets)
        return makeError(QStringLiteral("not_configured"),
                         QStringLiteral("the API token of the AI provider %1 (secret %2) cannot "
                                        "be read: %3")
                             .arg(provider, secret, m_secrets.error));
    const QString host = m_context.options.bindAddress.isLoopback()
                             ? QStringLiteral("127.0.0.1")
                             : m_context.options.bindAddress.toString();
    const QString howTo =
        QStringLiteral("store it with `curl -X PUT --data-binary @token.txt "
                       "http://%1:%2/__edgedesk/v1/secrets/%3` (or in Storage > Secrets), then "
                       "call /ai again")
            .arg(host)
            .arg(m_context.port)
            .arg(secret);
    auto value = m_secrets.store->get(secret);
    if (!value) {
        if (value.error().code == QLatin1String("not_found"))
            return makeError(QStringLiteral("not_configured"),
                             QStringLiteral("the AI provider %1 needs its API token in the secret "
                                            "%2, which is not set: %3")
                                 .arg(provider, secret, howTo));
        return value.error(); // names the secret, never its value
    }
    // Files saved by editors end with a newline that `curl --data-binary @file` keeps.
    QByteArray bytes = value->trimmed();
    value->fill('\0');
    if (bytes.isEmpty() || !isHeaderSafe(bytes)) {
        bytes.fill('\0');
        return makeError(QStringLiteral("not_configured"),
                         QStringLiteral("the secret %1 (the API token of the AI provider %2) is "
                                        "empty or holds a line break or control character: %3")
                             .arg(secret, provider, howTo));
    }
    QString token = QString::fromUtf8(bytes);
    bytes.fill('\0');
    return token;
}

void AiBinding::handle(const ExchangePtr &ex)
{
    if (!m_service) {
        ex->respond(HttpResponse::error(
            QStringLiteral("not_configured"),
            QStringLiteral("the \"ai\" block of the config is invalid: %1. Fix it and restart "
                           "EdgeDesk.")
                .arg(m_configError)));
        return;
    }
    auto request = parseAiRequest(ex->query(), ex->method(), ex->body());
    if (!request) {
        ex->respond(HttpResponse::error(request.error()));
        return;
    }
    // A HEAD answer has no body to stream into.
    if (ex->isHead())
        request->stream = false;
    auto token = bearerToken();
    if (!token) {
        ex->respond(HttpResponse::error(token.error()));
        return;
    }
    start(ex, *request, *token);
}

void AiBinding::start(const ExchangePtr &ex, const AiRequest &request, const QString &token)
{
    // While the Ollama probe runs the provider is not known yet; "ai" names the binding then.
    const QString provider = m_service->effective().providerName();
    ex->setInstance(provider.isEmpty() ? QStringLiteral("ai") : provider);

    AiCallbacks callbacks;
    if (request.stream) {
        // The stream begins with the first token, so that a failure before it is still an
        // ordinary JSON error with its status (a stalled provider is a 504, not an empty 200).
        auto begin = [ex] {
            if (!ex->isStreaming())
                ex->beginStream(200, AiEventFormat::contentType(),
                                {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}});
        };
        callbacks.onToken = [ex, begin](const QString &text) {
            begin();
            ex->writeChunk(AiEventFormat::token(text));
        };
        callbacks.onDone = [ex, begin](const AiResult &) {
            begin();
            ex->writeChunk(AiEventFormat::done());
            ex->endStream();
        };
        callbacks.onError = [ex](const Error &error) {
            if (!ex->isStreaming()) {
                ex->respond(HttpResponse::error(error));
                return;
            }
            // The status line is gone: say what happened in the stream, then end it the way
            // every client expects.
            ex->writeChunk(AiEventFormat::error(error) + AiEventFormat::done());
            ex->endStream();
        };
    } else {
        callbacks.onDone = [ex](const AiResult &result) {
            ex->respond(HttpResponse::json(200, result.toJson()));
        };
        callbacks.onError = [ex](const Error &error) { ex->respond(HttpResponse::error(error)); };
    }
    AiCall call = m_service->start(token, request, m_context.serverThread, std::move(callbacks));
    ex->onClientGone([call]() mutable { call.cancel(); });
}

} // namespace edgedesk
