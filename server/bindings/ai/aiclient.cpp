#include "bindings/ai/aiclient.h"

#include "bindings/ai/aicallstate.h"
#include "bindings/ai/ailog.h"
#include "bindings/ai/aiprotocol.h"
#include "bindings/ai/aitransfer.h"
#include "bindings/ai/curlglobal.h"

#include <curl/curl.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace edgedesk {

namespace {

using Clock = AiTransfer::Clock;

constexpr int kIdlePollMs = 1000;

Error badGateway(const QString &message)
{
    return makeError(QStringLiteral("bad_gateway"), message);
}

QString seconds(int ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) : QString::number(ms / 1000.0, 'f', 1);
}

} // namespace

class AiClient::Engine final
{
public:
    explicit Engine(const Options &options) : m_options(options)
    {
        CurlGlobal::ensureInitialized();
        m_multi = curl_multi_init();
    }

    ~Engine()
    {
        stop();
        if (m_multi)
            curl_multi_cleanup(m_multi);
    }

    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    void startThread()
    {
        m_thread = std::thread([this] { run(); });
    }

    void stop()
    {
        {
            const std::lock_guard lock(m_mutex);
            if (m_stopping && !m_thread.joinable())
                return;
            m_stopping = true;
        }
        wake();
        if (m_thread.joinable())
            m_thread.join();
    }

    void wake()
    {
        if (m_multi)
            curl_multi_wakeup(m_multi);
    }

    void enqueue(std::unique_ptr<AiTransfer> transfer)
    {
        {
            const std::lock_guard lock(m_mutex);
            m_incoming.push_back(std::move(transfer));
            m_count.fetch_add(1);
        }
        wake();
    }

    int count() const { return m_count.load(); }
    const Options &options() const { return m_options; }

    // libcurl's open/close socket callbacks (curl thread): the engine knows its connections'
    // sockets, so that acknowledgeReads() can reach them.
    static curl_socket_t openSocket(void *engine, curlsocktype purpose, curl_sockaddr *address);
    static int closeSocket(void *engine, curl_socket_t socket);

private:
    void run();
    void addToMulti(AiTransfer *transfer);
    void dropCancelled();
    void startDueRetries();
    void readCompletions();
    void complete(std::unique_ptr<AiTransfer> transfer, CURLcode code);
    Error transportError(const AiTransfer &transfer, CURLcode code) const;
    int pollTimeoutMs() const;
    void acknowledgeReads() const;
    void shutdown();

    std::unique_ptr<AiTransfer> takeActive(CURL *easy)
    {
        const auto it = std::find_if(m_active.begin(), m_active.end(),
                                     [easy](const auto &t) { return t->easy == easy; });
        if (it == m_active.end())
            return nullptr;
        std::unique_ptr<AiTransfer> transfer = std::move(*it);
        m_active.erase(it);
        curl_multi_remove_handle(m_multi, transfer->easy);
        return transfer;
    }

    void forget(std::unique_ptr<AiTransfer> transfer)
    {
        transfer.reset();
        m_count.fetch_sub(1);
    }

    const Options m_options;
    CURLM *m_multi = nullptr;
    std::thread m_thread;
    std::atomic<int> m_count{0};

    std::mutex m_mutex;
    std::deque<std::unique_ptr<AiTransfer>> m_incoming; // guarded by m_mutex
    bool m_stopping = false;                            // guarded by m_mutex

    // Curl thread only.
    std::vector<std::unique_ptr<AiTransfer>> m_active;  // in the multi handle
    std::vector<std::unique_ptr<AiTransfer>> m_waiting; // backing off before a retry
    std::vector<curl_socket_t> m_sockets;               // open connections, reused or not
};

curl_socket_t AiClient::Engine::openSocket(void *engine, curlsocktype purpose,
                                           curl_sockaddr *address)
{
    Q_UNUSED(purpose);
    // Close-on-exec: container programs started meanwhile must not inherit the connection.
    const curl_socket_t fd =
        ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd != CURL_SOCKET_BAD)
        static_cast<Engine *>(engine)->m_sockets.push_back(fd);
    return fd;
}

int AiClient::Engine::closeSocket(void *engine, curl_socket_t socket)
{
    auto &sockets = static_cast<Engine *>(engine)->m_sockets;
    sockets.erase(std::remove(sockets.begin(), sockets.end(), socket), sockets.end());
    return ::close(socket);
}

// Providers write a stream token by token. One that leaves Nagle's algorithm on (cpp-httplib's
// default; the Qt test upstream too) holds each write until the previous one is acknowledged,
// and on a reused connection Linux delays that ACK by up to 40 ms: tokens then arrive in 40 ms
// bursts, the first one 40 ms late (measured: 44 ms to the first token on every reused
// connection, 0.1 ms with this). Asking for an immediate ACK after each round of reads keeps
// them flowing. libcurl cannot say which socket a transfer uses while it runs, so every open
// connection is asked (a handful of cheap calls per round).
void AiClient::Engine::acknowledgeReads() const
{
#ifdef TCP_QUICKACK
    const int on = 1;
    for (const curl_socket_t fd : m_sockets)
        ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
#endif
}

void AiClient::Engine::run()
{
    for (;;) {
        std::deque<std::unique_ptr<AiTransfer>> incoming;
        {
            const std::lock_guard lock(m_mutex);
            if (m_stopping)
                break;
            incoming.swap(m_incoming);
        }
        for (auto &transfer : incoming) {
            AiTransfer *raw = transfer.get();
            m_active.push_back(std::move(transfer));
            addToMulti(raw);
        }
        dropCancelled();
        startDueRetries();
        int running = 0;
        curl_multi_perform(m_multi, &running);
        acknowledgeReads();
        readCompletions();
        const int timeout = pollTimeoutMs();
        if (timeout > 0)
            curl_multi_poll(m_multi, nullptr, 0, timeout, nullptr);
    }
    shutdown();
}

void AiClient::Engine::addToMulti(AiTransfer *transfer)
{
    transfer->resetAttempt();
    const CURLMcode code = curl_multi_add_handle(m_multi, transfer->easy);
    if (code != CURLM_OK) {
        auto owned = takeActive(transfer->easy);
        if (owned) {
            owned->state->postError(
                badGateway(QStringLiteral("could not start the call to the AI provider (%1)")
                               .arg(QString::fromLatin1(curl_multi_strerror(code)))));
            forget(std::move(owned));
        }
    }
}

void AiClient::Engine::dropCancelled()
{
    for (auto it = m_active.begin(); it != m_active.end();) {
        if ((*it)->state->isCancelled()) {
            // Removing a handle mid-transfer closes its connection: the upstream sees the
            // disconnect and stops generating.
            curl_multi_remove_handle(m_multi, (*it)->easy);
            qCInfo(lcAi).noquote() << QStringLiteral("ai #%1 cancelled after %2 ms")
                                          .arg((*it)->state->id())
                                          .arg((*it)->elapsedMs());
            std::unique_ptr<AiTransfer> transfer = std::move(*it);
            it = m_active.erase(it);
            forget(std::move(transfer));
        } else {
            ++it;
        }
    }
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        if ((*it)->state->isCancelled()) {
            std::unique_ptr<AiTransfer> transfer = std::move(*it);
            it = m_waiting.erase(it);
            forget(std::move(transfer));
        } else {
            ++it;
        }
    }
}

void AiClient::Engine::startDueRetries()
{
    const auto now = Clock::now();
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        if ((*it)->retryAt <= now) {
            AiTransfer *raw = it->get();
            m_active.push_back(std::move(*it));
            it = m_waiting.erase(it);
            addToMulti(raw);
        } else {
            ++it;
        }
    }
}

void AiClient::Engine::readCompletions()
{
    int queued = 0;
    while (CURLMsg *message = curl_multi_info_read(m_multi, &queued)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        const CURLcode code = message->data.result;
        std::unique_ptr<AiTransfer> transfer = takeActive(message->easy_handle);
        if (transfer)
            complete(std::move(transfer), code);
    }
}

int AiClient::Engine::pollTimeoutMs() const
{
    long curlTimeout = -1;
    curl_multi_timeout(m_multi, &curlTimeout);
    qint64 timeout = kIdlePollMs;
    if (curlTimeout >= 0)
        timeout = qMin<qint64>(timeout, curlTimeout);
    const auto now = Clock::now();
    for (const auto &transfer : m_waiting) {
        const qint64 due =
            std::chrono::duration_cast<std::chrono::milliseconds>(transfer->retryAt - now).count();
        timeout = qMin<qint64>(timeout, qMax<qint64>(due, 0));
    }
    return int(timeout);
}

void AiClient::Engine::complete(std::unique_ptr<AiTransfer> transfer, CURLcode code)
{
    AiCallState &state = *transfer->state;
    const QString provider = transfer->config.providerName();
    if (state.isCancelled()) {
        forget(std::move(transfer));
        return;
    }
    if (transfer->doneDelivered) {
        qCInfo(lcAi).noquote() << QStringLiteral("ai #%1 %2 %3: streamed %4 tokens in %5 ms")
                                      .arg(state.id())
                                      .arg(provider, transfer->model)
                                      .arg(transfer->tokens)
                                      .arg(transfer->elapsedMs());
        forget(std::move(transfer));
        return;
    }

    if (code == CURLE_OK && transfer->sse) {
        // The stream ended cleanly at the HTTP level; an event without its blank line may remain.
        if (!transfer->handleEvents(transfer->decoder.finish()) || transfer->doneDelivered) {
            if (!transfer->doneDelivered)
                state.postError(*transfer->failure);
            forget(std::move(transfer));
            return;
        }
    }

    std::optional<Error> error;
    if (transfer->failure) {
        error = transfer->failure;
    } else if (code != CURLE_OK) {
        error = transportError(*transfer, code);
    } else if (transfer->status / 100 == 2 && transfer->sse) {
        error = badGateway(
            QStringLiteral("the stream from the AI provider %1 ended before [DONE] after %2 tokens")
                .arg(provider)
                .arg(transfer->tokens));
    } else if (transfer->status / 100 == 2) {
        // Not a stream: a complete answer (also when a stream was asked for and the server
        // answered with one JSON document instead).
        auto parsed = AiProtocol::parseAnswer(transfer->config, transfer->body);
        if (parsed) {
            AiResult result = *parsed;
            result.model = transfer->model;
            result.durationMs = transfer->elapsedMs();
            if (transfer->stream && !result.response.isEmpty())
                state.postToken(result.response);
            state.postDone(result);
            qCInfo(lcAi).noquote() << QStringLiteral("ai #%1 %2 %3: HTTP %4 in %5 ms")
                                          .arg(state.id())
                                          .arg(provider, transfer->model)
                                          .arg(transfer->status)
                                          .arg(result.durationMs);
            forget(std::move(transfer));
            return;
        }
        error = Error{parsed.error().code, transfer->scrub(parsed.error().message)};
    } else {
        const long status = transfer->status;
        const bool retryable = status == 429 || status == 502 || status == 503;
        if (retryable && transfer->retries < m_options.retryBackoffMs.size() &&
            transfer->tokens == 0) {
            int delay = m_options.retryBackoffMs.at(transfer->retries);
            if (const auto after = AiTransfer::retryAfterMs(transfer->retryAfter))
                delay = qMin(*after, m_options.maxRetryAfterMs);
            ++transfer->retries;
            qCInfo(lcAi).noquote()
                << QStringLiteral("ai #%1 %2 answered HTTP %3; retry %4 of %5 in %6 ms")
                       .arg(state.id())
                       .arg(provider)
                       .arg(status)
                       .arg(transfer->retries)
                       .arg(m_options.retryBackoffMs.size())
                       .arg(delay);
            transfer->retryAt = Clock::now() + std::chrono::milliseconds(delay);
            m_waiting.push_back(std::move(transfer));
            return;
        }
        error = transfer->httpError();
    }

    qCWarning(lcAi).noquote() << QStringLiteral("ai #%1 %2 failed after %3 ms: %4")
                                     .arg(state.id())
                                     .arg(provider)
                                     .arg(transfer->elapsedMs())
                                     .arg(error->message);
    state.postError(*error);
    forget(std::move(transfer));
}

Error AiClient::Engine::transportError(const AiTransfer &transfer, CURLcode code) const
{
    const QString provider = transfer.config.providerName();
    const QString url = QString::fromUtf8(transfer.http.url);
    const QString detail = transfer.errorBuffer[0] ? QString::fromLocal8Bit(transfer.errorBuffer)
                                                   : QString::fromLatin1(curl_easy_strerror(code));
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT: {
        // Nothing sent means no connection: connect time cannot tell, it is 0 on a reused one.
        long requestBytes = 0;
        curl_easy_getinfo(transfer.easy, CURLINFO_REQUEST_SIZE, &requestBytes);
        if (requestBytes == 0 && !transfer.statusKnown)
            return makeError(
                QStringLiteral("gateway_timeout"),
                QStringLiteral("could not connect to the AI provider %1 at %2 within %3 s")
                    .arg(provider, url, seconds(m_options.connectTimeoutMs)));
        if (transfer.tokens > 0)
            return makeError(
                QStringLiteral("gateway_timeout"),
                QStringLiteral(
                    "the AI provider %1 did not finish its stream within %2 s (%3 tokens "
                    "arrived)")
                    .arg(provider, seconds(transfer.config.timeoutMs))
                    .arg(transfer.tokens));
        return makeError(QStringLiteral("gateway_timeout"),
                         QStringLiteral("the AI provider %1 did not answer within %2 s")
                             .arg(provider, seconds(transfer.config.timeoutMs)));
    }
    case CURLE_COULDNT_CONNECT:
        return badGateway(QStringLiteral("could not connect to the AI provider %1 at %2 (%3)")
                              .arg(provider, url, detail));
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return badGateway(QStringLiteral("could not resolve the host of the AI provider %1 at %2")
                              .arg(provider, url));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
        return badGateway(QStringLiteral("TLS with the AI provider %1 at %2 failed (%3)")
                              .arg(provider, url, detail));
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        if (transfer.tokens > 0)
            return badGateway(
                QStringLiteral(
                    "the connection to the AI provider %1 dropped mid-stream after %2 tokens")
                    .arg(provider)
                    .arg(transfer.tokens));
        return badGateway(
            QStringLiteral(
                "the connection to the AI provider %1 at %2 dropped before the answer was "
                "complete (%3)")
                .arg(provider, url, detail));
    default:
        return badGateway(QStringLiteral("the call to the AI provider %1 at %2 failed (%3)")
                              .arg(provider, url, detail));
    }
}

void AiClient::Engine::shutdown()
{
    std::vector<std::unique_ptr<AiTransfer>> all;
    {
        const std::lock_guard lock(m_mutex);
        for (auto &t : m_incoming)
            all.push_back(std::move(t));
        m_incoming.clear();
    }
    for (auto &t : m_active) {
        curl_multi_remove_handle(m_multi, t->easy);
        all.push_back(std::move(t));
    }
    m_active.clear();
    for (auto &t : m_waiting)
        all.push_back(std::move(t));
    m_waiting.clear();
    for (auto &t : all) {
        if (!t->doneDelivered)
            t->state->postError(
                makeError(QStringLiteral("service_unavailable"),
                          QStringLiteral("the AI client shut down before the answer arrived")));
        forget(std::move(t));
    }
}

AiClient::AiClient() : AiClient(Options{}) {}

AiClient::AiClient(const Options &options) : m_engine(std::make_shared<Engine>(options))
{
    m_engine->startThread();
}

AiClient::~AiClient()
{
    m_engine->stop();
}

int AiClient::activeCalls() const
{
    return m_engine->count();
}

AiCall AiClient::start(const AiConfig &config, const QString &bearerToken, const AiRequest &request,
                       QObject *context, AiCallbacks callbacks)
{
    AiCall call = prepare(context, std::move(callbacks));
    run(call, config, bearerToken, request);
    return call;
}

AiCall AiClient::prepare(QObject *context, AiCallbacks callbacks)
{
    static std::atomic<quint64> nextId{1};
    Q_ASSERT(context);
    auto state = std::make_shared<AiCallState>(nextId.fetch_add(1), context, std::move(callbacks));
    state->watchContext();
    return AiCall(state);
}

void AiClient::run(const AiCall &call, const AiConfig &config, const QString &bearerToken,
                   const AiRequest &request)
{
    const std::shared_ptr<AiCallState> &state = call.m_state;
    if (!state || state->isCancelled())
        return;
    if (!config.isConfigured()) {
        state->postError(makeError(QStringLiteral("service_unavailable"), notConfiguredMessage()));
        return;
    }

    auto transfer = std::make_unique<AiTransfer>();
    transfer->state = state;
    transfer->config = config;
    transfer->model = AiProtocol::effectiveModel(config, request);
    transfer->http = AiProtocol::buildRequest(config, request);
    transfer->stream = request.stream;
    transfer->token = bearerToken;
    transfer->easy = curl_easy_init();
    if (!transfer->easy) {
        state->postError(
            badGateway(QStringLiteral("could not start the call to the AI provider (libcurl)")));
        return;
    }

    CURL *easy = transfer->easy;
    CurlGlobal::applyDefaults(easy);
    transfer->headers = curl_slist_append(transfer->headers, "Content-Type: application/json");
    transfer->headers =
        curl_slist_append(transfer->headers, request.stream ? "Accept: text/event-stream"
                                                            : "Accept: application/json");
    // Bodies here are small; never wait for a "100 Continue" the server may not send.
    transfer->headers = curl_slist_append(transfer->headers, "Expect:");
    if (!bearerToken.isEmpty()) {
        transfer->authorization =
            QByteArrayLiteral("Authorization: Bearer ") + bearerToken.toUtf8();
        transfer->headers =
            curl_slist_append(transfer->headers, transfer->authorization.constData());
    }
    curl_easy_setopt(easy, CURLOPT_URL, transfer->http.url.constData());
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->http.body.constData());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(transfer->http.body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(m_engine->options().connectTimeoutMs));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(config.timeoutMs));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &AiTransfer::onWrite);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &AiTransfer::onHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->errorBuffer);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Engine::openSocket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, m_engine.get());
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Engine::closeSocket);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, m_engine.get());

    std::weak_ptr<Engine> engine = m_engine;
    state->setWakeUp([engine] {
        if (const auto e = engine.lock())
            e->wake();
    });
    qCDebug(lcAi).noquote() << QStringLiteral("ai #%1 %2 POST %3%4")
                                   .arg(state->id())
                                   .arg(config.providerName(),
                                        QString::fromUtf8(transfer->http.url),
                                        request.stream ? QStringLiteral(" (stream)") : QString());
    m_engine->enqueue(std::move(transfer));
}

} // namespace edgedesk
