#include "bindings/ai/aiservice.h"

#include "bindings/ai/ailog.h"
#include "bindings/ai/ollamaprobe.h"
#include "util/workerpool.h"

#include <optional>

namespace edgedesk {

AiService::AiService(const AiConfig &config, WorkerPool *pool, QObject *parent)
    : AiService(config, pool, AiClient::Options{}, parent)
{}

AiService::AiService(const AiConfig &config, WorkerPool *pool, const AiClient::Options &options,
                     QObject *parent)
    : QObject(parent), m_configured(config), m_effective(config), m_pool(pool), m_client(options)
{
    if (config.isConfigured())
        qCInfo(lcAi).noquote() << QStringLiteral("AI binding %1: %2 at %3, model %4")
                                      .arg(config.binding, config.providerName(), config.baseUrl,
                                           config.model);
}

AiService::~AiService() = default;

void AiService::probeOllama(const QString &ollamaBaseUrl, int timeoutMs)
{
    if (m_configured.isConfigured() || m_probing || m_probed || !m_pool)
        return;
    m_probing = true;
    m_pool->run(
        this,
        [ollamaBaseUrl, timeoutMs] { return edgedesk::probeOllama(ollamaBaseUrl, timeoutMs); },
        [this, ollamaBaseUrl](std::optional<QString> model) {
            m_probing = false;
            m_probed = true;
            if (model)
                m_effective = m_configured.withOllama(ollamaBaseUrl, *model);
            else
                qCInfo(lcAi) << "no AI provider configured and no Ollama found: /ai answers 503";
            const QList<Pending> pending = std::exchange(m_pending, {});
            for (const Pending &p : pending)
                m_client.run(p.call, m_effective, p.bearerToken, p.request);
            Q_EMIT probeFinished(model.has_value());
        });
}

QJsonObject AiService::toJson() const
{
    QJsonObject json = m_effective.toJson();
    json.insert(QStringLiteral("probing"), m_probing);
    return json;
}

AiCall AiService::start(const QString &bearerToken, const AiRequest &request, QObject *context,
                        AiCallbacks callbacks)
{
    AiCall call = m_client.prepare(context, std::move(callbacks));
    if (m_probing)
        m_pending.append(Pending{call, bearerToken, request});
    else
        m_client.run(call, m_effective, bearerToken, request);
    return call;
}

} // namespace edgedesk
