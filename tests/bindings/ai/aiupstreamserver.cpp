#include "aiupstreamserver.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <chrono>

namespace edgedesk {

struct AiUpstreamServer::Shared
{
    mutable QMutex mutex;
    Settings settings;
    QList<ReceivedRequest> requests;
    QList<StreamRecord> streams;
    int disconnects = 0;
    int rateLimitedSoFar = 0;
};

namespace {

constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
constexpr qsizetype kMaxBodyBytes = 16 * 1024 * 1024;

enum class Protocol
{
    OpenAi,
    WorkersAi
};

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject usage(int promptTokens, int completionTokens)
{
    return QJsonObject{{QStringLiteral("prompt_tokens"), promptTokens},
                       {QStringLiteral("completion_tokens"), completionTokens},
                       {QStringLiteral("total_tokens"), promptTokens + completionTokens}};
}

QByteArray chunk(const QByteArray &data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

QByteArray sseEvent(const QByteArray &data)
{
    return chunk("data: " + data + "\n\n");
}

} // namespace

// One accepted connection, in the server's thread. Requests on it are answered one at a time.
class AiUpstreamConnection final : public QObject
{
public:
    AiUpstreamConnection(QTcpSocket *socket, std::shared_ptr<AiUpstreamServer::Shared> shared,
                         AiUpstreamServer *owner)
        : m_socket(socket), m_shared(std::move(shared)), m_owner(owner)
    {
        m_socket->setParent(this);
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, [this] { sendNextToken(); });
        connect(m_socket, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        connect(m_socket, &QTcpSocket::disconnected, this, [this] { onDisconnected(); });
    }

private:
    enum class StreamMode
    {
        Ok,
        Malformed,
        Drop
    };

    void onReadyRead()
    {
        m_buffer.append(m_socket->readAll());
        if (!m_busy)
            processBuffer();
    }

    void onDisconnected()
    {
        m_timer.stop();
        if (m_busy && !m_closingByUs) {
            {
                const QMutexLocker lock(&m_shared->mutex);
                ++m_shared->disconnects;
                if (m_streamIndex >= 0 && m_streamIndex < m_shared->streams.size())
                    m_shared->streams[m_streamIndex].clientDisconnected = true;
            }
            Q_EMIT m_owner->clientDisconnected();
        }
        m_busy = false;
        deleteLater();
    }

    void processBuffer()
    {
        while (!m_busy && m_socket->state() == QAbstractSocket::ConnectedState) {
            const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
            if (headerEnd < 0) {
                if (m_buffer.size() > kMaxHeaderBytes)
                    respondAndClose(431, "text/plain", "header too large");
                return;
            }
            const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1.")) {
                respondAndClose(400, "text/plain", "bad request line");
                return;
            }
            AiUpstreamServer::ReceivedRequest request;
            request.method = requestLine.at(0);
            request.path = requestLine.at(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines.at(i).trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon > 0)
                    request.headers.insert(line.left(colon).trimmed().toLower(),
                                           line.mid(colon + 1).trimmed());
            }
            bool lengthOk = true;
            const qint64 length =
                request.headers.value("content-length", "0").toLongLong(&lengthOk);
            if (!lengthOk || length < 0 || length > kMaxBodyBytes) {
                respondAndClose(400, "text/plain", "bad content-length");
                return;
            }
            const qsizetype total = headerEnd + 4 + length;
            if (m_buffer.size() < total) {
                if (!m_continueSent &&
                    request.headers.value("expect").toLower() == "100-continue") {
                    m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
                    m_continueSent = true;
                }
                return;
            }
            request.body = m_buffer.mid(headerEnd + 4, length);
            m_buffer.remove(0, total);
            m_continueSent = false;
            m_closeAfter = request.headers.value("connection").toLower() == "close";
            request.receivedAtNs = AiUpstreamServer::monotonicNs();
            {
                const QMutexLocker lock(&m_shared->mutex);
                m_shared->requests.append(request);
            }
            Q_EMIT m_owner->requestReceived();
            m_busy = true;
            handle(request);
        }
    }

    void handle(const AiUpstreamServer::ReceivedRequest &request)
    {
        AiUpstreamServer::Settings settings;
        {
            const QMutexLocker lock(&m_shared->mutex);
            settings = m_shared->settings;
        }
        const QByteArray path = request.path.split('?').first();

        if (path == "/api/tags") {
            if (request.method != "GET")
                return respond(405, "application/json", R"({"error":"method not allowed"})");
            if (settings.scenario == AiUpstreamServer::Scenario::Stall)
                return;
            QJsonArray models;
            for (const QString &name : std::as_const(settings.ollamaModels))
                models.append(QJsonObject{{QStringLiteral("name"), name},
                                          {QStringLiteral("model"), name},
                                          {QStringLiteral("size"), 2019393189}});
            return respond(200, "application/json",
                           json(QJsonObject{{QStringLiteral("models"), models}}));
        }

        Protocol protocol = Protocol::OpenAi;
        QString model;
        static const QByteArray workersPrefix = "/client/v4/accounts/";
        if (path == "/v1/chat/completions") {
            protocol = Protocol::OpenAi;
        } else if (path.startsWith(workersPrefix) &&
                   path.indexOf("/ai/run/") > workersPrefix.size()) {
            protocol = Protocol::WorkersAi;
            model = QUrl::fromPercentEncoding(path.mid(path.indexOf("/ai/run/") + 8));
        } else {
            return respond(404, "application/json", R"({"error":{"message":"no such route"}})");
        }
        if (request.method != "POST")
            return respond(405, "application/json", R"({"error":{"message":"use POST"}})");

        const QJsonDocument document = QJsonDocument::fromJson(request.body);
        if (!document.isObject() || !document.object().value(QLatin1String("messages")).isArray())
            return respond(400, "application/json",
                           R"({"error":{"message":"body must be JSON with messages"}})");
        const QJsonObject body = document.object();
        if (protocol == Protocol::OpenAi)
            model = body.value(QLatin1String("model")).toString();
        const bool stream = body.value(QLatin1String("stream")).toBool();

        AiUpstreamServer::Scenario scenario = settings.scenario;
        if (model.startsWith(QLatin1String("scenario:"))) {
            if (const auto named = AiUpstreamServer::scenarioFromName(model.mid(9)))
                scenario = *named;
        }

        switch (scenario) {
        case AiUpstreamServer::Scenario::Unauthorized: {
            if (protocol == Protocol::OpenAi) {
                const QString key =
                    QString::fromUtf8(request.headers.value("authorization")).mid(7);
                return respond(
                    401, "application/json",
                    json(QJsonObject{
                        {QStringLiteral("error"),
                         QJsonObject{
                             {QStringLiteral("message"),
                              QStringLiteral("Incorrect API key provided: %1").arg(key)},
                             {QStringLiteral("type"), QStringLiteral("invalid_request_error")}}}}));
            }
            return respond(
                401, "application/json",
                R"({"result":null,"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[]})");
        }
        case AiUpstreamServer::Scenario::RateLimited: {
            bool limited = false;
            {
                const QMutexLocker lock(&m_shared->mutex);
                if (m_shared->rateLimitedSoFar < settings.failuresBeforeSuccess) {
                    ++m_shared->rateLimitedSoFar;
                    limited = true;
                }
            }
            if (limited)
                return respond(429, "application/json", errorBody(protocol, "Rate limit reached"),
                               "Retry-After: " + QByteArray::number(settings.retryAfterSeconds) +
                                   "\r\n");
            break;
        }
        case AiUpstreamServer::Scenario::ServerError:
            return respond(settings.errorStatus, "application/json",
                           errorBody(protocol, "The model crashed"));
        case AiUpstreamServer::Scenario::Stall:
            return;
        case AiUpstreamServer::Scenario::Malformed:
            if (!stream)
                return respond(200, "application/json", R"({"result": {"response": "unterminated)");
            return startStream(protocol, model, settings, StreamMode::Malformed);
        case AiUpstreamServer::Scenario::Drop:
            if (!stream) {
                // Promise 400 bytes, send a few, hang up.
                m_socket->write("HTTP/1.1 200 OK\r\nContent-Type: "
                                "application/json\r\nContent-Length: 400\r\n\r\n"
                                R"({"result":{"response":"cut)");
                m_socket->flush();
                m_closingByUs = true;
                m_socket->abort();
                return;
            }
            return startStream(protocol, model, settings, StreamMode::Drop);
        case AiUpstreamServer::Scenario::Ok:
            break;
        }

        if (stream)
            return startStream(protocol, model, settings, StreamMode::Ok);
        const QString answer = settings.tokens.join(QString());
        const QJsonObject counts = usage(settings.promptTokens, int(settings.tokens.size()));
        if (protocol == Protocol::WorkersAi) {
            return respond(200, "application/json",
                           json(QJsonObject{{QStringLiteral("result"),
                                             QJsonObject{{QStringLiteral("response"), answer},
                                                         {QStringLiteral("usage"), counts}}},
                                            {QStringLiteral("success"), true},
                                            {QStringLiteral("errors"), QJsonArray()},
                                            {QStringLiteral("messages"), QJsonArray()}}));
        }
        const QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                                  {QStringLiteral("content"), answer}};
        return respond(
            200, "application/json",
            json(QJsonObject{{QStringLiteral("id"), QStringLiteral("chatcmpl-1")},
                             {QStringLiteral("object"), QStringLiteral("chat.completion")},
                             {QStringLiteral("created"), 1700000000},
                             {QStringLiteral("model"), model},
                             {QStringLiteral("choices"),
                              QJsonArray{QJsonObject{
                                  {QStringLiteral("index"), 0},
                                  {QStringLiteral("message"), message},
                                  {QStringLiteral("finish_reason"), QStringLiteral("stop")}}}},
                             {QStringLiteral("usage"), counts}}));
    }

    static QByteArray errorBody(Protocol protocol, const char *message)
    {
        if (protocol == Protocol::WorkersAi)
            return json(QJsonObject{
                {QStringLiteral("result"), QJsonValue::Null},
                {QStringLiteral("success"), false},
                {QStringLiteral("errors"), QJsonArray{QJsonObject{{QStringLiteral("code"), 3040},
                                                                  {QStringLiteral("message"),
                                                                   QString::fromLatin1(message)}}}},
                {QStringLiteral("messages"), QJsonArray()}});
        return json(
            QJsonObject{{QStringLiteral("error"),
                         QJsonObject{{QStringLiteral("message"), QString::fromLatin1(message)},
                                     {QStringLiteral("type"), QStringLiteral("server_error")}}}});
    }

    void respond(int status, const QByteArray &contentType, const QByteArray &body,
                 const QByteArray &extraHeaders = {})
    {
        m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
                        "\r\nContent-Type: " + contentType + "\r\nContent-Length: " +
                        QByteArray::number(body.size()) + "\r\n" + extraHeaders +
                        (m_closeAfter ? "Connection: close\r\n" : "") + "\r\n" + body);
        finishResponse();
    }

    void respondAndClose(int status, const QByteArray &contentType, const QByteArray &body)
    {
        m_closeAfter = true;
        m_busy = true;
        respond(status, contentType, body);
    }

    void finishResponse()
    {
        m_socket->flush();
        m_busy = false;
        if (m_closeAfter) {
            m_closingByUs = true;
            m_socket->disconnectFromHost();
            return;
        }
        if (!m_buffer.isEmpty())
            QTimer::singleShot(0, this, [this] { processBuffer(); });
    }

    void startStream(Protocol protocol, const QString &model,
                     const AiUpstreamServer::Settings &settings, StreamMode mode)
    {
        m_protocol = protocol;
        m_model = model;
        m_tokens = settings.tokens;
        m_delayMs = settings.tokenDelayMs;
        m_promptTokens = settings.promptTokens;
        m_mode = mode;
        m_dropAfter = settings.dropAfterTokens;
        m_next = 0;
        {
            const QMutexLocker lock(&m_shared->mutex);
            AiUpstreamServer::StreamRecord record;
            record.startedAtNs = AiUpstreamServer::monotonicNs();
            m_shared->streams.append(record);
            m_streamIndex = int(m_shared->streams.size() - 1);
        }
        QByteArray head =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            "Transfer-Encoding: chunked\r\n";
        if (m_closeAfter)
            head += "Connection: close\r\n";
        m_socket->write(head + "\r\n");
        if (m_protocol == Protocol::OpenAi)
            m_socket->write(sseEvent(
                openAiChunk(QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                        {QStringLiteral("content"), QString()}},
                            QJsonValue::Null)));
        m_socket->flush();
        scheduleNext();
    }

    void scheduleNext()
    {
        if (m_delayMs > 0)
            m_timer.start(m_delayMs);
        else
            QTimer::singleShot(0, this, [this] { sendNextToken(); });
    }

    QByteArray openAiChunk(const QJsonObject &delta, const QJsonValue &finishReason) const
    {
        return json(QJsonObject{
            {QStringLiteral("id"), QStringLiteral("chatcmpl-1")},
            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
            {QStringLiteral("created"), 1700000000},
            {QStringLiteral("model"), m_model},
            {QStringLiteral("choices"),
             QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                    {QStringLiteral("delta"), delta},
                                    {QStringLiteral("finish_reason"), finishReason}}}}});
    }

    QByteArray tokenEvent(const QString &token) const
    {
        if (m_protocol == Protocol::WorkersAi)
            return sseEvent(json(QJsonObject{{QStringLiteral("response"), token},
                                             {QStringLiteral("p"), QStringLiteral("abcdefghij")}}));
        return sseEvent(
            openAiChunk(QJsonObject{{QStringLiteral("content"), token}}, QJsonValue::Null));
    }

    void recordToken()
    {
        const QMutexLocker lock(&m_shared->mutex);
        AiUpstreamServer::StreamRecord &record = m_shared->streams[m_streamIndex];
        if (record.tokensSent == 0)
            record.firstTokenAtNs = AiUpstreamServer::monotonicNs();
        ++record.tokensSent;
    }

    void sendNextToken()
    {
        if (!m_busy || m_socket->state() != QAbstractSocket::ConnectedState)
            return;
        if (m_mode == StreamMode::Drop && m_next >= m_dropAfter) {
            m_socket->flush();
            m_closingByUs = true;
            m_busy = false;
            m_socket->abort();
            return;
        }
        if (m_mode == StreamMode::Malformed && m_next == 1) {
            m_socket->write(sseEvent("{\"response\": broken"));
            m_next = int(m_tokens.size()); // then end as usual, with [DONE]
        }
        if (m_next < m_tokens.size()) {
            // Recorded before the token leaves: flush() sends it at once, and the client may
            // read it before a timestamp taken afterwards.
            recordToken();
            m_socket->write(tokenEvent(m_tokens.at(m_next)));
            m_socket->flush();
            ++m_next;
            scheduleNext();
            return;
        }
        const QJsonObject counts = usage(m_promptTokens, int(m_tokens.size()));
        if (m_protocol == Protocol::WorkersAi) {
            m_socket->write(sseEvent(json(QJsonObject{{QStringLiteral("response"), QString()},
                                                      {QStringLiteral("usage"), counts}})));
        } else {
            m_socket->write(sseEvent(openAiChunk(QJsonObject(), QStringLiteral("stop"))));
            m_socket->write(sseEvent(json(
                QJsonObject{{QStringLiteral("id"), QStringLiteral("chatcmpl-1")},
                            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                            {QStringLiteral("choices"), QJsonArray()},
                            {QStringLiteral("usage"), counts}})));
        }
        m_socket->write(sseEvent("[DONE]"));
        m_socket->write("0\r\n\r\n");
        m_socket->flush();
        {
            const QMutexLocker lock(&m_shared->mutex);
            m_shared->streams[m_streamIndex].finishedAtNs = AiUpstreamServer::monotonicNs();
        }
        finishResponse();
    }

    QTcpSocket *m_socket;
    std::shared_ptr<AiUpstreamServer::Shared> m_shared;
    AiUpstreamServer *m_owner;
    QByteArray m_buffer;
    bool m_busy = false;
    bool m_closeAfter = false;
    bool m_closingByUs = false;
    bool m_continueSent = false;

    QTimer m_timer;
    Protocol m_protocol = Protocol::OpenAi;
    QString m_model;
    QStringList m_tokens;
    StreamMode m_mode = StreamMode::Ok;
    int m_delayMs = 0;
    int m_dropAfter = 0;
    int m_promptTokens = 0;
    int m_next = 0;
    int m_streamIndex = -1;
};

AiUpstreamServer::AiUpstreamServer(QObject *parent)
    : QObject(parent), m_shared(std::make_shared<Shared>())
{}

AiUpstreamServer::~AiUpstreamServer()
{
    if (!m_thread)
        return;
    // Sockets and the listener belong to the server thread: delete them there.
    QMetaObject::invokeMethod(
        m_worker,
        [this] {
            const QObjectList children = m_worker->children();
            qDeleteAll(children);
        },
        Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

bool AiUpstreamServer::listen(quint16 port)
{
    if (m_thread)
        return m_port != 0;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("ai-upstream-server"));
    m_worker = new QObject;
    m_worker->moveToThread(m_thread);
    m_thread->start();

    quint16 bound = 0;
    QMetaObject::invokeMethod(
        m_worker,
        [this, port, &bound] {
            auto *server = new QTcpServer(m_worker);
            if (!server->listen(QHostAddress::LocalHost, port))
                return;
            bound = server->serverPort();
            QObject::connect(server, &QTcpServer::newConnection, m_worker, [this, server] {
                while (QTcpSocket *socket = server->nextPendingConnection()) {
                    // As real inference servers do: no Nagle delay on small token writes.
                    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
                    auto *connection = new AiUpstreamConnection(socket, m_shared, this);
                    connection->setParent(m_worker);
                }
            });
        },
        Qt::BlockingQueuedConnection);
    m_port = bound;
    return m_port != 0;
}

QString AiUpstreamServer::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

QString AiUpstreamServer::openAiBaseUrl() const
{
    return url() + QStringLiteral("/v1");
}

QString AiUpstreamServer::workersAiBaseUrl() const
{
    return url() + QStringLiteral("/client/v4");
}

AiUpstreamServer::Settings AiUpstreamServer::settings() const
{
    const QMutexLocker lock(&m_shared->mutex);
    return m_shared->settings;
}

void AiUpstreamServer::setSettings(const Settings &settings)
{
    const QMutexLocker lock(&m_shared->mutex);
    m_shared->settings = settings;
}

void AiUpstreamServer::setScenario(Scenario scenario)
{
    const QMutexLocker lock(&m_shared->mutex);
    m_shared->settings.scenario = scenario;
}

void AiUpstreamServer::setTokens(const QStringList &tokens)
{
    const QMutexLocker lock(&m_shared->mutex);
    m_shared->settings.tokens = tokens;
}

void AiUpstreamServer::setTokenDelayMs(int ms)
{
    const QMutexLocker lock(&m_shared->mutex);
    m_shared->settings.tokenDelayMs = ms;
}

QList<AiUpstreamServer::ReceivedRequest> AiUpstreamServer::requests() const
{
    const QMutexLocker lock(&m_shared->mutex);
    return m_shared->requests;
}

int AiUpstreamServer::requestCount() const
{
    const QMutexLocker lock(&m_shared->mutex);
    return int(m_shared->requests.size());
}

QList<AiUpstreamServer::StreamRecord> AiUpstreamServer::streams() const
{
    const QMutexLocker lock(&m_shared->mutex);
    return m_shared->streams;
}

int AiUpstreamServer::clientDisconnects() const
{
    const QMutexLocker lock(&m_shared->mutex);
    return m_shared->disconnects;
}

void AiUpstreamServer::clearRecords()
{
    const QMutexLocker lock(&m_shared->mutex);
    m_shared->requests.clear();
    m_shared->streams.clear();
    m_shared->disconnects = 0;
    m_shared->rateLimitedSoFar = 0;
}

QString AiUpstreamServer::answer() const
{
    return settings().tokens.join(QString());
}

QStringList AiUpstreamServer::defaultTokens()
{
    return {QStringLiteral("The"),      QStringLiteral(" phrase"), QStringLiteral(" \"Hello,"),
            QStringLiteral(" World\""), QStringLiteral(" dates"),  QStringLiteral(" from"),
            QStringLiteral(" 1972"),    QStringLiteral(".")};
}

qint64 AiUpstreamServer::monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::optional<AiUpstreamServer::Scenario> AiUpstreamServer::scenarioFromName(const QString &name)
{
    for (const Scenario s :
         {Scenario::Ok, Scenario::Unauthorized, Scenario::RateLimited, Scenario::ServerError,
          Scenario::Stall, Scenario::Malformed, Scenario::Drop}) {
        if (scenarioName(s) == name)
            return s;
    }
    return std::nullopt;
}

QString AiUpstreamServer::scenarioName(Scenario scenario)
{
    switch (scenario) {
    case Scenario::Ok:
        return QStringLiteral("ok");
    case Scenario::Unauthorized:
        return QStringLiteral("unauthorized");
    case Scenario::RateLimited:
        return QStringLiteral("rate-limited");
    case Scenario::ServerError:
        return QStringLiteral("server-error");
    case Scenario::Stall:
        return QStringLiteral("stall");
    case Scenario::Malformed:
        return QStringLiteral("malformed");
    case Scenario::Drop:
        return QStringLiteral("drop");
    }
    return QString();
}

} // namespace edgedesk
