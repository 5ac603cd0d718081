#include "bindings/ai/aiclient.h"

#include "bindings/ai/aicallstate.h"
#include "bindings/ai/ailog.h"
#include "bindings/ai/aiprotocol.h"
#include "bindings/ai/curlglobal.h"
#include "util/ssedecoder.h"

#include <QDateTime>

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

using Clock = std::chrono::steady_clock;

constexpr qsizetype kMaxAnswerBytes = 8 * 1024 * 1024;
constexpr qsizetype kMaxErrorBodyBytes = 64 * 1024;
constexpr int kIdlePollMs = 1000;

qint64 elapsedMs(Clock::time_point since)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

Error badGateway(const QString &message)
{
    return makeError(QStringLiteral("bad_gateway"), message);
}

QString seconds(int ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) : QString::number(ms / 1000.0, 'f', 1);
}

// One call on the curl thread. Owned by the engine; its easy handle points back at it.
struct Transfer
{
    std::shared_ptr<AiCallState> state;
    AiConfig config;
    QString model;
    AiProtocol::HttpRequest http;
    bool stream = false;
    QByteArray authorization; // "Authorization: Bearer ..."; never logged
    QString token;            // to scrub it from upstream error text
    CURL *easy = nullptr;
    curl_slist *headers = nullptr;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    Clock::time_point started = Clock::now();
    Clock::time_point retryAt;
    int retries = 0;

    // Per attempt.
    bool statusKnown = false;
    long status = 0;
    QByteArray contentType;
    QByteArray retryAfter;
    bool sse = false;
    QByteArray body;
    SseDecoder decoder;
    std::optional<Error> failure; // set by a callback that aborted the transfer

    // Across attempts (only a successful attempt produces any).
    QString text;
    QJsonObject usage;
    int tokens = 0;
    bool doneDelivered = false;

    Transfer() = default;
    Transfer(const Transfer &) = delete;
    Transfer &operator=(const Transfer &) = delete;
    ~Transfer()
    {
        if (easy)
            curl_easy_cleanup(easy);
        curl_slist_free_all(headers);
        authorization.fill('\0');
    }

    void resetAttempt()
    {
        statusKnown = false;
        status = 0;
        contentType.clear();
        retryAfter.clear();
        sse = false;
        body.clear();
        decoder = SseDecoder();
        failure.reset();
        errorBuffer[0] = '\0';
    }

    AiResult result() const
    {
        AiResult r;
        r.response = text;
        r.model = model;
        r.provider = config.providerName();
        r.usage = usage;
        r.durationMs = elapsedMs(started);
        return r;
    }

    QString scrub(QString text) const
    {
        if (token.size() >= 4)
            text.replace(token, QStringLiteral("[redacted]"));
        return text;
    }

    // Feeds stream bytes; false aborts the transfer (failure says why).
    bool consumeStream(const char *data, size_t bytes)
    {
        QList<SseDecoder::Event> events;
        if (!decoder.feed(QByteArray(data, qsizetype(bytes)), events)) {
            failure = badGateway(
                QStringLiteral("the AI provider %1 sent a malformed stream (an event over 1 MiB)")
                    .arg(config.providerName()));
            return false;
        }
        return handleEvents(events);
    }

    bool handleEvents(const QList<SseDecoder::Event> &events)
    {
        for (const SseDecoder::Event &event : events) {
            if (doneDelivered)
                return true;
            const auto parsed = AiProtocol::parseStreamEvent(config, event.data);
            if (!parsed) {
                failure = Error{parsed.error().code, scrub(parsed.error().message)};
                return false;
            }
            if (!parsed->usage.isEmpty())
                usage = parsed->usage;
            if (parsed->done) {
                doneDelivered = true;
                state->postDone(result());
                return true;
            }
            if (!parsed->token.isEmpty()) {
                text += parsed->token;
                ++tokens;
                state->postToken(parsed->token);
            }
        }
        return true;
    }
};

size_t onHeader(char *data, size_t size, size_t count, void *userData)
{
    auto *transfer = static_cast<Transfer *>(userData);
    const size_t bytes = size * count;
    const QByteArrayView line = QByteArrayView(data, qsizetype(bytes)).trimmed();
    if (line.startsWith("HTTP/")) {
        // A new response (after "100 Continue", say): forget the previous one's headers.
        transfer->contentType.clear();
        transfer->retryAfter.clear();
        return bytes;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return bytes;
    const QByteArray name = line.first(colon).trimmed().toByteArray().toLower();
    if (name == "content-type")
        transfer->contentType = line.sliced(colon + 1).trimmed().toByteArray().toLower();
    else if (name == "retry-after")
        transfer->retryAfter = line.sliced(colon + 1).trimmed().toByteArray();
    return bytes;
}

size_t onWrite(char *data, size_t size, size_t count, void *userData)
{
    auto *transfer = static_cast<Transfer *>(userData);
    const size_t bytes = size * count;
    if (transfer->state->isCancelled())
        return 0; // aborts at once; the engine drops the transfer silently
    if (!transfer->statusKnown) {
        curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &transfer->status);
        transfer->statusKnown = true;
        transfer->sse = transfer->stream && transfer->status / 100 == 2 &&
                        transfer->contentType.startsWith("text/event-stream");
    }
    if (transfer->sse)
        return transfer->consumeStream(data, bytes) ? bytes : 0;

    const qsizetype limit = transfer->status / 100 == 2 ? kMaxAnswerBytes : kMaxErrorBodyBytes;
    if (transfer->body.size() + qsizetype(bytes) > limit) {
        if (transfer->status / 100 != 2)
            return bytes; // an error page: its start is all we need
        transfer->failure =
            badGateway(QStringLiteral("the AI provider %1 sent an answer over %2 MiB")
                           .arg(transfer->config.providerName())
                           .arg(kMaxAnswerBytes / (1024 * 1024)));
        return 0;
    }
    transfer->body.append(data, qsizetype(bytes));
    return bytes;
}

// Retry-After is either delta-seconds or an HTTP date.
std::optional<int> retryAfterMs(const QByteArray &value)
{
    if (value.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 secondsValue = value.toLongLong(&ok);
    if (ok)
        return secondsValue < 0 ? 0 : int(qMin<qint64>(secondsValue, 24 * 3600) * 1000);
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
    if (!when.isValid())
        return std::nullopt;
    return int(
        qBound(qint64(0), QDateTime::currentDateTimeUtc().msecsTo(when), qint64(24 * 3600 * 1000)));
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

    void enqueue(std::unique_ptr<Transfer> transfer)
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
    void addToMulti(Transfer *transfer);
    void dropCancelled();
    void startDueRetries();
    void readCompletions();
    void complete(std::unique_ptr<Transfer> transfer, CURLcode code);
    Error transportError(const Transfer &transfer, CURLcode code) const;
    Error httpError(const Transfer &transfer) const;
    int pollTimeoutMs() const;
    void acknowledgeReads() const;
    void shutdown();

    std::unique_ptr<Transfer> takeActive(CURL *easy)
    {
        const auto it = std::find_if(m_active.begin(), m_active.end(),
                                     [easy](const auto &t) { return t->easy == easy; });
        if (it == m_active.end())
            return nullptr;
        std::unique_ptr<Transfer> transfer = std::move(*it);
        m_active.erase(it);
        curl_multi_remove_handle(m_multi, transfer->easy);
        return transfer;
    }

    void forget(std::unique_ptr<Transfer> transfer)
    {
        transfer.reset();
        m_count.fetch_sub(1);
    }

    const Options m_options;
    CURLM *m_multi = nullptr;
    std::thread m_thread;
    std::atomic<int> m_count{0};

    std::mutex m_mutex;
    std::deque<std::unique_ptr<Transfer>> m_incoming; // guarded by m_mutex
    bool m_stopping = false;                          // guarded by m_mutex

    // Curl thread only.
    std::vector<std::unique_ptr<Transfer>> m_active;  // in the multi handle
    std::vector<std::unique_ptr<Transfer>> m_waiting; // backing off before a retry
    std::vector<curl_socket_t> m_sockets;             // open connections, reused or not
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
        std::deque<std::unique_ptr<Transfer>> incoming;
        {
            const std::lock_guard lock(m_mutex);
            if (m_stopping)
                break;
            incoming.swap(m_incoming);
        }
        for (auto &transfer : incoming) {
            Transfer *raw = transfer.get();
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

void AiClient::Engine::addToMulti(Transfer *transfer)
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
                                          .arg(elapsedMs((*it)->started));
            std::unique_ptr<Transfer> transfer = std::move(*it);
            it = m_active.erase(it);
            forget(std::move(transfer));
        } else {
            ++it;
        }
    }
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        if ((*it)->state->isCancelled()) {
            std::unique_ptr<Transfer> transfer = std::move(*it);
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
            Transfer *raw = it->get();
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
        std::unique_ptr<Transfer> transfer = takeActive(message->easy_handle);
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

void AiClient::Engine::complete(std::unique_ptr<Transfer> transfer, CURLcode code)
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
                                      .arg(elapsedMs(transfer->started));
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
            result.durationMs = elapsedMs(transfer->started);
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
            if (const auto after = retryAfterMs(transfer->retryAfter))
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
        error = httpError(*transfer);
    }

    qCWarning(lcAi).noquote() << QStringLiteral("ai #%1 %2 failed after %3 ms: %4")
                                     .arg(state.id())
                                     .arg(provider)
                                     .arg(elapsedMs(transfer->started))
                                     .arg(error->message);
    state.postError(*error);
    forget(std::move(transfer));
}

Error AiClient::Engine::transportError(const Transfer &transfer, CURLcode code) const
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

Error AiClient::Engine::httpError(const Transfer &transfer) const
{
    const QString provider = transfer.config.providerName();
    const long status = transfer.status;
    if (status == 401 || status == 403) {
        // Never echo the upstream body here: some servers repeat the key they were sent.
        QString message = QStringLiteral("the provider rejected the credentials (HTTP %1 from %2)")
                              .arg(status)
                              .arg(provider);
        if (!transfer.config.apiKeySecret.isEmpty())
            message += QStringLiteral("; check the secret %1").arg(transfer.config.apiKeySecret);
        return badGateway(message);
    }
    const QString detail = transfer.scrub(AiProtocol::upstreamErrorDetail(transfer.body));
    QString message =
        QStringLiteral("the AI provider %1 answered HTTP %2").arg(provider).arg(status);
    if (transfer.retries > 0)
        message += QStringLiteral(" after %1 retries").arg(transfer.retries);
    if (!detail.isEmpty())
        message += QStringLiteral(": ") + detail;
    return badGateway(message);
}

void AiClient::Engine::shutdown()
{
    std::vector<std::unique_ptr<Transfer>> all;
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

    auto transfer = std::make_unique<Transfer>();
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
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &onWrite);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &onHeader);
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
