#include "bindings/aibinding.h"

#include "bindings/ai/aieventformat.h"
#include "bindings/ai/aiservice.h"
#include "bindings/secrets/secretstore.h"
#include "http/router.h"

namespace edgedesk {

AiBinding::AiBinding(ServerContext &context, AiService *service) : m_context(context), m_service(service)
{
    Route route;
    route.name = QStringLiteral("ai");
    route.binding = service->configured().binding;
    route.pattern = "/ai";
    route.methods = {"GET", "POST"};
    route.handler = [this](const ExchangePtr &ex) { handle(ex); };
    context.router->add(std::move(route));
}

AiBinding::~AiBinding() = default;

void AiBinding::shutdown()
{
    delete m_service; // cancels running calls; lives in the server thread like this binding
    m_service = nullptr;
}

void AiBinding::handle(const ExchangePtr &ex)
{
    auto request = parseAiRequest(ex->query(), ex->method(), ex->body());
    if (!request) {
        ex->respond(HttpResponse::error(request.error()));
        return;
    }
    QString token;
    if (const QString secret = m_service->apiKeySecret(); !secret.isEmpty()) {
        if (!m_context.secrets) {
            ex->respond(HttpResponse::error(QStringLiteral("not_configured"),
                                            QStringLiteral("the secrets store is unavailable, so the AI key %1 cannot be read").arg(secret)));
            return;
        }
        auto value = m_context.secrets->get(secret);
        if (!value) {
            ex->respond(HttpResponse::error(
                QStringLiteral("not_configured"),
                QStringLiteral("the AI provider needs the secret %1, which is not set: store it with "
                               "`curl -X PUT --data-binary @key.txt http://127.0.0.1:%2/__edgedesk/v1/secrets/%1` "
                               "or in Settings")
                    .arg(secret)
                    .arg(m_context.port)));
            return;
        }
        token = QString::fromUtf8(*value);
    }
    ex->setInstance(m_service->effective().providerName());

    const bool stream = request->stream;
    AiCallbacks callbacks;
    if (stream) {
        // The stream begins with the first token, so that a failure before it is still an
        // ordinary JSON error with its status.
        auto begin = [ex] {
            if (!ex->isStreaming())
                ex->beginStream(200, AiEventFormat::contentType(),
                                {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}});
        };
        callbacks.onToken = [ex, begin](const QString &token) {
            begin();
            ex->writeChunk(AiEventFormat::token(token));
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
            ex->writeChunk(AiEventFormat::error(error));
            ex->endStream();
        };
    } else {
        callbacks.onDone = [ex](const AiResult &result) { ex->respond(HttpResponse::json(200, result.toJson())); };
        callbacks.onError = [ex](const Error &error) { ex->respond(HttpResponse::error(error)); };
    }
    AiCall call = m_service->start(token, *request, m_context.serverThread, std::move(callbacks));
    ex->onClientGone([call]() mutable { call.cancel(); });
}

} // namespace edgedesk
