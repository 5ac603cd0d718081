#pragma once

#include "bindings/ai/aicall.h"
#include "bindings/ai/aiclient.h"
#include "bindings/ai/aiconfig.h"
#include "bindings/ai/airequest.h"

#include <QJsonObject>
#include <QList>
#include <QObject>

namespace edgedesk {

class WorkerPool;

// The AI binding as the /ai route sees it: the configured provider, or — when the config names
// none — a local Ollama found by a one-time probe at start, and the client that calls it.
// Lives in the server thread; start() is called there.
class AiService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AiService)

public:
    AiService(const AiConfig &config, WorkerPool *pool, QObject *parent = nullptr);
    explicit AiService(const AiConfig &config, WorkerPool *pool, const AiClient::Options &options,
                       QObject *parent = nullptr);
    ~AiService() override;

    // When no provider is configured: asks `ollamaBaseUrl` for its models on the pool (once).
    // Calls started meanwhile wait for the answer (at most `timeoutMs`). No-op otherwise.
    void probeOllama(const QString &ollamaBaseUrl = QString::fromLatin1(kOllamaDefaultBaseUrl),
                     int timeoutMs = 300);
    bool isProbing() const { return m_probing; }

    const AiConfig &configured() const { return m_configured; }
    const AiConfig &effective() const { return m_effective; }
    // The secret whose value start() needs as its bearer token (empty: none).
    QString apiKeySecret() const { return m_effective.apiKeySecret; }
    // For GET /__edgedesk/v1/config: the effective config, plus "probing" while the probe runs.
    QJsonObject toJson() const;

    // Starts a call with the effective config; see AiClient::start. With no provider (and no
    // Ollama found) the call fails with service_unavailable / notConfiguredMessage().
    AiCall start(const QString &bearerToken, const AiRequest &request, QObject *context,
                 AiCallbacks callbacks);

    AiClient &client() { return m_client; }

Q_SIGNALS:
    void probeFinished(bool found);

private:
    struct Pending
    {
        AiCall call;
        QString bearerToken;
        AiRequest request;
    };

    const AiConfig m_configured;
    AiConfig m_effective;
    WorkerPool *m_pool;
    AiClient m_client;
    bool m_probing = false;
    bool m_probed = false;
    QList<Pending> m_pending;
};

} // namespace edgedesk
