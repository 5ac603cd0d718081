#include "upstream/httpforwarder.h"

#include "upstream/upstreampool.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>

namespace edgedesk {

namespace {

bool sameNoCase(const QByteArray &a, const char *lower, qsizetype length)
{
    return a.size() == length && qstrnicmp(a.constData(), lower, length) == 0;
}

// What the forwarder adds to every answer: the instance header and the caller's extra headers.
void addOwnHeaders(HttpResponse &response, const HttpForwarder::Options &options)
{
    if (!options.upstreamName.isEmpty())
        response.header(options.instanceHeader, options.upstreamName.toUtf8());
    for (const auto &h : options.extraHeaders)
        response.header(h.first, h.second);
}

// Errors name the upstream in the body too, so a client that only logs bodies still sees it.
HttpResponse upstreamError(const QString &code, const QString &message,
                           const HttpForwarder::Options &options)
{
    QJsonObject error{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!options.upstreamName.isEmpty())
        error.insert(QStringLiteral("instance"), options.upstreamName);
    HttpResponse response = HttpResponse::json(HttpStatusTable::statusFor(code),
                                               QJsonObject{{QStringLiteral("error"), error}});
    addOwnHeaders(response, options);
    return response;
}

// The request headers an upstream gets: end-to-end ones, plus the X-Forwarded-* trio.
HeaderList forwardedHeaders(const HttpExchange &ex)
{
    // Headers the client's Connection header lists are hop-by-hop too (RFC 9110 7.6.1).
    QByteArrayList named;
    for (const auto &h : ex.headers()) {
        if (sameNoCase(h.first, "connection", 10)) {
            for (const QByteArray &token : h.second.split(','))
                named.append(token.trimmed().toLower());
        }
    }
    HeaderList out;
    out.reserve(ex.headers().size() + 3);
    QByteArray forwardedFor;
    QByteArray host;
    for (const auto &h : ex.headers()) {
        if (sameNoCase(h.first, "host", 4)) {
            host = h.second;
            continue;
        }
        if (HttpForwarder::isHopByHop(h.first))
            continue;
        if (!named.isEmpty() && named.contains(h.first.toLower()))
            continue;
        if (sameNoCase(h.first, "x-forwarded-for", 15)) {
            forwardedFor += h.second + ", ";
            continue;
        }
        if (sameNoCase(h.first, "x-forwarded-proto", 17) ||
            sameNoCase(h.first, "x-forwarded-host", 16))
            continue;
        out.append(h);
    }
    // Nearly every request comes from the same address or two: format each once.
    thread_local QHostAddress lastPeer;
    thread_local QByteArray lastPeerText;
    if (ex.peer() != lastPeer || lastPeerText.isEmpty()) {
        QString peer = ex.peer().toString();
        if (peer.startsWith(QLatin1String("::ffff:")))
            peer = peer.mid(7);
        lastPeer = ex.peer();
        lastPeerText = peer.toLatin1();
    }
    out.append({QByteArrayLiteral("X-Forwarded-For"), forwardedFor + lastPeerText});
    out.append({QByteArrayLiteral("X-Forwarded-Proto"), QByteArrayLiteral("http")});
    if (!host.isEmpty())
        out.append({QByteArrayLiteral("X-Forwarded-Host"), host});
    return out;
}

// One forwarded exchange: the answer is buffered when its length is known, relayed chunk by
// chunk otherwise (server-sent events and other streams keep flowing).
struct ForwardState
{
    ExchangePtr exchange;
    HttpForwarder::Options options;
    HttpForwarder::Done done;
    HttpResponse response;
    bool streaming = false;
    bool finished = false;

    void finish(int status)
    {
        if (finished)
            return;
        finished = true;
        if (done)
            done(status);
    }
};

} // namespace

HttpForwarder::HttpForwarder(QObject *parent) : QObject(parent) {}

HttpForwarder::~HttpForwarder() = default; // pools and the manager are children

bool HttpForwarder::isHopByHop(const QByteArray &name)
{
    switch (name.size()) {
    case 2:
        return sameNoCase(name, "te", 2);
    case 4:
        return sameNoCase(name, "host", 4);
    case 6:
        return sameNoCase(name, "expect", 6);
    case 7:
        return sameNoCase(name, "upgrade", 7) || sameNoCase(name, "trailer", 7);
    case 10:
        return sameNoCase(name, "connection", 10) || sameNoCase(name, "keep-alive", 10);
    case 14:
        return sameNoCase(name, "content-length", 14);
    case 16:
        return sameNoCase(name, "proxy-connection", 16);
    case 17:
        return sameNoCase(name, "transfer-encoding", 17);
    case 18:
        return sameNoCase(name, "proxy-authenticate", 18);
    case 19:
        return sameNoCase(name, "proxy-authorization", 19);
    default:
        return false;
    }
}

UpstreamPool *HttpForwarder::pool(const QString &host, quint16 port, const QString &unixSocket)
{
    // The same upstream nearly every time: skip building and hashing the key.
    if (m_lastPool && m_lastPool->port() == port && m_lastPool->host() == host &&
        m_lastPool->unixSocket() == unixSocket)
        return m_lastPool;
    QString key = host + QLatin1Char(':') + QString::number(port);
    if (!unixSocket.isEmpty())
        key += QLatin1Char('@') + unixSocket;
    UpstreamPool *&p = m_pools[key];
    if (!p)
        p = new UpstreamPool(host, port, this, unixSocket);
    m_lastPool = p;
    return p;
}

void HttpForwarder::closeConnections(const QString &host, quint16 port, const QString &reason,
                                     const QString &unixSocket)
{
    for (auto it = m_pools.begin(); it != m_pools.end();) {
        UpstreamPool *p = it.value();
        if (p->host() != host || p->port() != port ||
            (!unixSocket.isEmpty() && p->unixSocket() != unixSocket)) {
            ++it;
            continue;
        }
        it = m_pools.erase(it);
        if (m_lastPool == p)
            m_lastPool = nullptr;
        p->closeAll(reason);
        p->deleteLater();
    }
}

void HttpForwarder::forward(const ExchangePtr &ex, const QUrl &target, const Options &options,
                            Done done)
{
    if (target.scheme() != QLatin1String("http")) {
        forwardWithNetworkAccess(ex, target, options, std::move(done));
        return;
    }
    QByteArray rawTarget = target.path(QUrl::FullyEncoded).toLatin1();
    if (rawTarget.isEmpty())
        rawTarget = "/";
    if (target.hasQuery())
        rawTarget += '?' + target.query(QUrl::FullyEncoded).toLatin1();
    forward(ex, target.host(), quint16(target.port(80)), rawTarget, options, std::move(done));
}

void HttpForwarder::forward(const ExchangePtr &ex, const QString &host, quint16 port,
                            const QByteArray &rawTarget, const Options &options, Done done)
{
    ex->markUpstreamStart();
    auto state = std::make_shared<ForwardState>();
    state->exchange = ex;
    state->options = options;
    state->done = std::move(done);

    UpstreamRequest request;
    // HEAD goes upstream as GET: the exchange drops the body but keeps its true length, and
    // programs that only know GET still answer.
    request.method = ex->isHead() ? QByteArrayLiteral("GET") : ex->method();
    request.target = rawTarget;
    request.headers = forwardedHeaders(*ex);
    request.body = ex->body();
    request.timeoutMs = options.timeoutMs;

    UpstreamCallbacks callbacks;
    callbacks.head = [state](int status, const HeaderList &headers, qint64 contentLength) {
        HttpResponse &r = state->response;
        r.status = status;
        r.headers.reserve(headers.size() + 1 + state->options.extraHeaders.size());
        for (const auto &h : headers) {
            if (isHopByHop(h.first))
                continue;
            if (sameNoCase(h.first, "content-type", 12)) {
                r.contentType = h.second;
                continue;
            }
            r.headers.append(h);
        }
        addOwnHeaders(r, state->options);
        if (contentLength < 0) {
            state->streaming = true;
            state->exchange->beginStream(status, r.contentType, r.headers);
        } else if (contentLength > 0 && contentLength <= 64 * 1024 * 1024) {
            r.body.reserve(qsizetype(contentLength));
        }
    };
    callbacks.data = [state](const QByteArray &data) {
        if (state->streaming)
            state->exchange->writeChunk(data);
        else
            state->response.body += data;
    };
    callbacks.complete = [state] {
        const int status = state->response.status;
        if (state->streaming)
            state->exchange->endStream();
        else
            state->exchange->respond(std::move(state->response));
        state->finish(status);
    };
    callbacks.failed = [state, host, port](UpstreamFailure failure, const QString &detail) {
        const QString name = state->options.upstreamName.isEmpty()
                                 ? host + QLatin1Char(':') + QString::number(port)
                                 : state->options.upstreamName;
        if (state->streaming) {
            // The head is out: all that is left is to end the stream early.
            state->exchange->endStream();
            state->finish(state->response.status);
            return;
        }
        const QString code = failure == UpstreamFailure::Timeout ? QStringLiteral("gateway_timeout")
                                                                 : QStringLiteral("bad_gateway");
        HttpResponse response =
            upstreamError(code, QStringLiteral("%1 %2").arg(name, detail), state->options);
        const int status = response.status;
        state->exchange->respond(std::move(response));
        state->finish(status);
    };

    UpstreamPool *p = pool(host, port, options.unixSocket);
    std::shared_ptr<UpstreamCall> call = p->send(std::move(request), std::move(callbacks));
    if (call->finished)
        return; // failed synchronously (and answered)
    QPointer<UpstreamPool> guard(p);
    std::weak_ptr<UpstreamCall> weakCall = call;
    ex->onClientGone([guard, weakCall, state] {
        if (auto c = weakCall.lock(); c && guard)
            guard->cancel(c);
        state->finish(499);
    });
}

void HttpForwarder::fetch(const QByteArray &method, const QString &host, quint16 port,
                          const QByteArray &rawTarget, int timeoutMs,
                          std::function<void(const Result<Reply> &reply)> done,
                          const QString &unixSocket)
{
    auto reply = std::make_shared<Reply>();
    UpstreamRequest request;
    request.method = method;
    request.target = rawTarget;
    request.timeoutMs = timeoutMs;
    UpstreamCallbacks callbacks;
    callbacks.head = [reply](int status, const HeaderList &headers, qint64) {
        reply->status = status;
        reply->headers = headers;
    };
    callbacks.data = [reply](const QByteArray &data) { reply->body += data; };
    callbacks.complete = [reply, done] { done(*reply); };
    callbacks.failed = [done](UpstreamFailure failure, const QString &detail) {
        done(makeError(failure == UpstreamFailure::Timeout ? QStringLiteral("gateway_timeout")
                                                           : QStringLiteral("bad_gateway"),
                       detail));
    };
    pool(host, port, unixSocket)->send(std::move(request), std::move(callbacks));
}

void HttpForwarder::forwardWithNetworkAccess(const ExchangePtr &ex, const QUrl &target,
                                             const Options &options, Done done)
{
    ex->markUpstreamStart();
    if (!m_network) {
        m_network = new QNetworkAccessManager(this);
        m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
        m_network->setAutoDeleteReplies(false);
    }
    QNetworkRequest request(target);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setTransferTimeout(options.timeoutMs);
    for (const auto &h : forwardedHeaders(*ex))
        request.setRawHeader(h.first, h.second);

    auto state = std::make_shared<ForwardState>();
    state->exchange = ex;
    state->options = options;
    state->done = std::move(done);

    QNetworkReply *reply = m_network->sendCustomRequest(request, ex->method(), ex->body());
    QPointer<QNetworkReply> guard(reply);
    ex->onClientGone([guard, state] {
        state->finish(499);
        if (guard)
            guard->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [state, reply] {
        reply->deleteLater();
        const HttpExchange &exchange = *state->exchange;
        if (exchange.isAnswered() || state->finished)
            return; // the client left; nothing to answer
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const Options &options = state->options;
        const QString name =
            options.upstreamName.isEmpty() ? reply->url().authority() : options.upstreamName;
        if (status == 0) {
            const auto error = reply->error();
            QString code = QStringLiteral("bad_gateway");
            QString message;
            if (error == QNetworkReply::OperationCanceledError ||
                error == QNetworkReply::TimeoutError) {
                code = QStringLiteral("gateway_timeout");
                message = QStringLiteral("%1 did not answer within %2 ms")
                              .arg(name)
                              .arg(options.timeoutMs);
            } else if (error == QNetworkReply::ConnectionRefusedError) {
                message = QStringLiteral("%1 refused the connection").arg(name);
            } else {
                message = QStringLiteral("%1 failed: %2").arg(name, reply->errorString());
            }
            HttpResponse response = upstreamError(code, message, options);
            const int answered = response.status;
            state->exchange->respond(std::move(response));
            state->finish(answered);
            return;
        }
        HttpResponse response;
        response.status = status;
        for (const auto &h : reply->rawHeaderPairs()) {
            if (isHopByHop(h.first))
                continue;
            if (h.first.compare("content-type", Qt::CaseInsensitive) == 0) {
                response.contentType = h.second;
                continue;
            }
            response.headers.append(h);
        }
        response.body = reply->readAll();
        addOwnHeaders(response, options);
        state->exchange->respond(std::move(response));
        state->finish(status);
    });
}

} // namespace edgedesk
