#include "backendserver.h"

#include "programruntime.h"

#include <QDateTime>
#include <QPointer>
#include <QTcpSocket>
#include <QUrlQuery>

namespace edgedesk {

namespace {

const QByteArray kJson = QByteArrayLiteral("application/json");
const QByteArray kText = QByteArrayLiteral("text/plain; charset=utf-8");
constexpr int kMaxFibonacci = 45;

// n as the demo accepts it: a plain decimal integer 1..45 (no sign, no spaces, no exponent).
std::optional<int> parseFibonacciArgument(const QString &text)
{
    if (text.isEmpty() || text.size() > 2)
        return std::nullopt;
    for (const QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return std::nullopt;
    }
    const int n = text.toInt();
    if (n < 1 || n > kMaxFibonacci)
        return std::nullopt;
    return n;
}

} // namespace

BackendServer::BackendServer(const QString &instanceId, QObject *parent)
    : ProgramServer(parent),
      m_instanceJson(ProgramRuntime::jsonString(QStringView(instanceId))),
      m_cancelled(std::make_shared<std::atomic_bool>(false)),
      // Leave one core to the I/O thread so /ping keeps answering during a computation.
      m_pool(qMax(1, QThread::idealThreadCount() - 1))
{}

BackendServer::~BackendServer()
{
    cancelComputations();
    m_pool.waitForDone();
}

void BackendServer::cancelComputations()
{
    m_cancelled->store(true);
}

quint64 BackendServer::fibonacci(int n, const std::atomic_bool &cancelled)
{
    if (n < 2)
        return quint64(n);
    // Checked only near the top of the tree: a relaxed load per call would still be cheap, but
    // this keeps the hot leaves identical to the demo's naive recursion.
    if (n > 24 && cancelled.load(std::memory_order_relaxed))
        return 0;
    return fibonacci(n - 1, cancelled) + fibonacci(n - 2, cancelled);
}

bool BackendServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const Exchange exchange = exchangeOf(request);
    QHttpServerResponder responder = makeResponder(request, socket);

    enum class Endpoint
    {
        Ping,
        Api1,
        HeavyCompute,
        ResponseHeaders,
        Echo,
        None
    };
    Endpoint endpoint = Endpoint::None;
    if (exchange.path == QLatin1String("/ping"))
        endpoint = Endpoint::Ping;
    else if (exchange.path == QLatin1String("/api/api1"))
        endpoint = Endpoint::Api1;
    else if (exchange.path == QLatin1String("/api/heavycompute"))
        endpoint = Endpoint::HeavyCompute;
    else if (exchange.path == QLatin1String("/api/responseheaders"))
        endpoint = Endpoint::ResponseHeaders;
    else if (exchange.path == QLatin1String("/api/echo"))
        endpoint = Endpoint::Echo;

    if (endpoint == Endpoint::None) {
        respondNotFound(responder, exchange);
        return true;
    }
    if (endpoint == Endpoint::Echo) {
        if (exchange.method != QHttpServerRequest::Method::Post) {
            respondMethodNotAllowed(responder, exchange, "POST");
            return true;
        }
        // Not in the demo: lets the router's tests send large bodies both ways.
        QByteArray type = request.value("content-type");
        if (type.isEmpty())
            type = QByteArrayLiteral("application/octet-stream");
        respond(responder, exchange, 200, type, request.body());
        return true;
    }
    if (exchange.method != QHttpServerRequest::Method::Get) {
        respondMethodNotAllowed(responder, exchange, "GET");
        return true;
    }
    switch (endpoint) {
    case Endpoint::Ping:
        respond(responder, exchange, 200, kText, QByteArrayLiteral("pong"));
        break;
    case Endpoint::Api1:
        respond(responder, exchange, 200, kJson,
                R"({"message":"Hello from API 1","instance":)" + m_instanceJson +
                    R"(,"timestamp":)" + QByteArray::number(QDateTime::currentMSecsSinceEpoch()) +
                    '}');
        break;
    case Endpoint::HeavyCompute:
        heavyCompute(request, std::move(responder), exchange);
        break;
    case Endpoint::ResponseHeaders:
        respond(responder, exchange, 200, kJson, requestHeadersJson(request));
        break;
    case Endpoint::Echo:
    case Endpoint::None:
        break;
    }
    return true;
}

void BackendServer::heavyCompute(const QHttpServerRequest &request,
                                 QHttpServerResponder &&responder, const Exchange &exchange)
{
    const QUrlQuery query(request.url());
    const std::optional<int> n =
        query.hasQueryItem(QStringLiteral("n"))
            ? parseFibonacciArgument(query.queryItemValue(QStringLiteral("n"), QUrl::FullyDecoded))
            : std::nullopt;
    if (!n) {
        respondError(responder, exchange, 400, QStringLiteral("bad_request"),
                     QStringLiteral("n must be an integer 1..%1").arg(kMaxFibonacci));
        return;
    }

    // QFuture routes crash in Qt 6.4 (docs/architecture.md): compute on the pool, come back to this
    // thread, and write only if the client's socket still exists.
    const int argument = *n;
    auto shared = std::make_shared<QHttpServerResponder>(std::move(responder));
    QPointer<QTcpSocket> guard(shared->socket());
    struct Outcome
    {
        quint64 result;
        double ms;
    };
    m_pool.run(
        this,
        [argument, cancelled = m_cancelled]() {
            const qint64 start = monotonicNs();
            const quint64 result = fibonacci(argument, *cancelled);
            return Outcome{result, elapsedMs(start)};
        },
        [this, shared, guard, exchange, argument](Outcome outcome) {
            if (!guard) {
                logClientGone(exchange);
                return;
            }
            respond(*shared, exchange, 200, kJson,
                    R"({"n":)" + QByteArray::number(argument) + R"(,"result":)" +
                        QByteArray::number(outcome.result) + R"(,"duration_ms":)" +
                        ProgramRuntime::jsonMilliseconds(outcome.ms) + R"(,"instance":)" +
                        m_instanceJson + '}');
        });
}

QByteArray BackendServer::requestHeadersJson(const QHttpServerRequest &request) const
{
    // Header names are case-insensitive: fold them, and join repeats the way HTTP allows.
    QList<QByteArray> names;
    QHash<QByteArray, QByteArray> values;
    const auto headers = request.headers();
    for (const auto &[name, value] : headers) {
        const QByteArray key = name.toLower();
        auto it = values.find(key);
        if (it == values.end()) {
            names.append(key);
            values.insert(key, value);
        } else {
            *it += ", " + value;
        }
    }
    QByteArray body = "{";
    for (const QByteArray &name : names) {
        if (body.size() > 1)
            body += ',';
        body += ProgramRuntime::jsonString(QString::fromLatin1(name)) + ':' +
                ProgramRuntime::jsonString(QString::fromUtf8(values.value(name)));
    }
    body += '}';
    return body;
}

} // namespace edgedesk
