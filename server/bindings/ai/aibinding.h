#pragma once

#include "bindings/bindingmodule.h"
#include "routing/httpexchange.h"
#include "servercontext.h"
#include "storage/openedstore.h"
#include "util/result.h"

#include <QJsonObject>

#include <memory>

namespace edgedesk {

class AiService;
class SecretStore;
struct AiRequest;

// The AI binding at `/ai`: prompt in, the provider's answer out — as JSON, or streamed as
// server-sent events in the edge AI format (`data: {"response":"<token>"}` ... `data: [DONE]`).
// It reads the config's "ai" block, probes a local Ollama at start when the block names no
// provider (ServerOptions::probeOllama), takes bearer tokens from the secrets store at each call
// and owns the "ai" section of GET /__edgedesk/v1/config.
class AiBinding final : public BindingModule
{
public:
    // secrets: where the provider's API token is read at each call.
    AiBinding(const ServerContext &context, OpenedStore<SecretStore> secrets);
    ~AiBinding() override;

    void addRoutes(Router &router) override;
    std::optional<ConfigSection> configSection() const override;
    void shutdown() override;

    // Where the start-up probe looks for Ollama: $EDGEDESK_OLLAMA_URL when it holds an http(s)
    // URL (tests point it at their own upstream), else http://127.0.0.1:11434.
    static QString ollamaProbeUrl();

    // Null when the config's "ai" block is invalid (then /ai answers 503 naming the mistake).
    AiService *service() const { return m_service.get(); }
    // The config section: the effective provider (after the probe) or the config error.
    QJsonObject configJson() const;

private:
    void handle(const ExchangePtr &exchange);
    void start(const ExchangePtr &exchange, const AiRequest &request, const QString &token);
    // The bearer token for the effective provider, read from the secrets store for this call
    // (so a key stored or rotated over HTTP applies at once); empty when it needs none.
    Result<QString> bearerToken() const;

    const ServerContext &m_context;
    OpenedStore<SecretStore> m_secrets;
    QString m_binding;
    std::unique_ptr<AiService> m_service;
    QString m_configError;
};

} // namespace edgedesk
