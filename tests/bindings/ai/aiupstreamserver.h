#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class QThread;

namespace edgedesk {

// A real HTTP/1.1 server on 127.0.0.1 speaking the AI providers' protocols, for tests,
// benchmarks and manual runs (the ai-upstream-server program):
//   POST /v1/chat/completions                               OpenAI-compatible (Ollama, vLLM...)
//   POST /client/v4/accounts/<account>/ai/run/<model...>   Workers AI
//   GET  /api/tags                                          Ollama's model list
// It runs in its own thread, so a test may block (probeOllama) or spin its event loop while it
// answers. Settings and records are thread-safe. A scenario applies to every request, unless the
// request's model is "scenario:<name>" (then that scenario, for that request only).
class AiUpstreamServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AiUpstreamServer)

public:
    enum class Scenario
    {
        Ok,           // a complete answer, or an SSE stream of the tokens (tokenDelayMs apart)
        Unauthorized, // 401 (the OpenAI flavour echoes the bearer token in its message, as some do)
        RateLimited,  // 429 with Retry-After for the first failuresBeforeSuccess requests, then Ok
        ServerError,  // errorStatus (500 unless set) with an error body, every time
        Stall,        // reads the request, never answers
        Malformed,    // 200 with invalid JSON; as a stream: one good token, then an invalid event
        Drop,         // as a stream: dropAfterTokens tokens, then the connection is cut; otherwise
                      // half of a Content-Length body, then cut
    };

    struct Settings
    {
        Scenario scenario = Scenario::Ok;
        QStringList tokens = defaultTokens();
        int tokenDelayMs = 0;
        int retryAfterSeconds = 1;
        int failuresBeforeSuccess = 1;
        int errorStatus = 500;
        int dropAfterTokens = 2;
        int promptTokens = 10; // reported in usage
        QStringList ollamaModels = {QStringLiteral("llama3.2:latest")};
    };

    struct ReceivedRequest
    {
        QByteArray method;
        QByteArray path;
        QMap<QByteArray, QByteArray> headers; // names in lower case
        QByteArray body;
        qint64 receivedAtNs = 0; // monotonicNs()
    };

    // One streamed response, as the server sent it.
    struct StreamRecord
    {
        qint64 startedAtNs = 0;
        qint64 firstTokenAtNs = 0;
        qint64 finishedAtNs = 0; // 0 until the last byte ([DONE] and the final chunk) was written
        int tokensSent = 0;
        bool clientDisconnected = false;
    };

    explicit AiUpstreamServer(QObject *parent = nullptr);
    ~AiUpstreamServer() override;

    // Starts the thread and listens on 127.0.0.1:`port` (0: any free port).
    bool listen(quint16 port = 0);
    quint16 port() const { return m_port; }
    QString url() const;              // http://127.0.0.1:<port>
    QString openAiBaseUrl() const;    // url() + "/v1"
    QString workersAiBaseUrl() const; // url() + "/client/v4"

    Settings settings() const;
    void setSettings(const Settings &settings);
    void setScenario(Scenario scenario);
    void setTokens(const QStringList &tokens);
    void setTokenDelayMs(int ms);

    QList<ReceivedRequest> requests() const;
    int requestCount() const;
    QList<StreamRecord> streams() const;
    // Connections the client closed while a response was still due or streaming.
    int clientDisconnects() const;
    // Forgets requests, streams, disconnects and the rate-limit count (settings stay).
    void clearRecords();

    // The concatenated tokens: what a complete answer holds.
    QString answer() const;

    static QStringList defaultTokens();
    static qint64 monotonicNs();
    static std::optional<Scenario> scenarioFromName(const QString &name);
    static QString scenarioName(Scenario scenario);

Q_SIGNALS:
    // Emitted from the server's thread.
    void requestReceived();
    void clientDisconnected();

private:
    friend class AiUpstreamConnection;
    struct Shared;

    std::shared_ptr<Shared> m_shared;
    QThread *m_thread = nullptr;
    QObject *m_worker = nullptr; // lives in m_thread; parent of the listener and connections
    quint16 m_port = 0;
};

} // namespace edgedesk
