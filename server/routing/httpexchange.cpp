#include "routing/httpexchange.h"

#include "routing/preparedresponse.h"
#include "routing/responsehead.h"
#include "routing/route.h"
#include "routing/trafficobserver.h"
#include "transport/requesthead.h"
#include "transport/responsesink.h"

#include <QUrl>

namespace edgedesk {

HttpExchange::HttpExchange(ResponseSink *connection, std::weak_ptr<TrafficObserver> observer,
                           RequestHead &&head, RequestBody body, QHostAddress peer, quint64 id)
    : m_connection(connection), m_observer(std::move(observer)), m_keepAlive(head.keepAlive),
      m_method(std::move(head.method)), m_headers(std::move(head.headers)), m_body(std::move(body)),
      m_peer(std::move(peer)), m_id(id), m_route(head.route),
      m_allowed(std::move(head.allowedMethods))
{
    m_clock.start();
    const qsizetype q = head.target.indexOf('?');
    if (q >= 0) {
        m_rawPath = head.target.left(q);
        m_rawQuery = head.target.mid(q + 1);
    } else {
        m_rawPath = std::move(head.target);
    }
    if (m_connection)
        m_seq = m_connection->openResponse();
}

HttpExchange::~HttpExchange()
{
    if (m_state != State::Done) {
        // A handler dropped its last reference without answering: never leave a client hanging.
        if (m_state == State::Streaming)
            endStream();
        else
            respond(
                HttpResponse::error(QStringLiteral("internal_error"),
                                    QStringLiteral("the request was dropped without an answer")));
    }
}

QString HttpExchange::path() const
{
    return QUrl::fromPercentEncoding(m_rawPath);
}

const QUrlQuery &HttpExchange::query() const
{
    if (!m_query) {
        // '+' means space in form-encoded queries, which is what browsers and curl -G send.
        QByteArray q = m_rawQuery;
        q.replace('+', "%20");
        m_query.emplace(QString::fromUtf8(q));
    }
    return *m_query;
}

QString HttpExchange::queryItem(const QString &name) const
{
    return query().queryItemValue(name, QUrl::FullyDecoded);
}

bool HttpExchange::hasQueryItem(const QString &name) const
{
    return query().hasQueryItem(name);
}

QByteArray HttpExchange::header(const QByteArray &name) const
{
    return joinedHeader(m_headers, name);
}

const QByteArray &HttpExchange::body() const
{
    if (!m_body.isSpooled())
        return m_body.bytes();
    if (!m_bodyBytes)
        m_bodyBytes = m_body.readAll();
    return *m_bodyBytes;
}

QString HttpExchange::peerText() const
{
    return m_connection ? m_connection->peerText() : m_peer.toString();
}

const Route *HttpExchange::route() const
{
    return m_route ? &m_route->route : nullptr;
}

void HttpExchange::setRoute(const RouteEntry *route)
{
    m_route = route;
    m_params.reset();
}

QString HttpExchange::param(const QString &name) const
{
    if (!m_params)
        m_params = m_route ? m_route->pattern.capture(m_rawPath) : QHash<QString, QString>();
    return m_params->value(name);
}

bool HttpExchange::isClientConnected() const
{
    return m_connection && m_connection->isConnected();
}

QByteArray HttpExchange::responseHead(int status, const QByteArray &contentType,
                                      const HeaderList &headers, const QByteArray &framing,
                                      bool pagePolicy) const
{
    return encodeResponseHead(status, contentType, headers, framing, !m_keepAlive, m_id,
                              pagePolicy);
}

void HttpExchange::respond(HttpResponse response)
{
    if (m_state != State::Open)
        return;
    const bool noBody = response.omitBody || isHead() || response.status == 304 ||
                        response.status == 204 || response.status < 200;
    QByteArray framing;
    if (response.status != 304 && response.status != 204) {
        const qint64 length = noBody && response.body.isEmpty() && response.headLength >= 0
                                  ? response.headLength
                                  : response.body.size();
        framing = "Content-Length: " + QByteArray::number(length) + "\r\n";
    }
    QByteArray out = responseHead(response.status, response.contentType, response.headers, framing,
                                  response.pagePolicy);
    m_responseType = response.contentType;
    m_responseHeaders = response.headers;
    if (!noBody)
        out += response.body;
    m_bytesOut = out.size();
    if (m_connection)
        m_connection->write(m_seq, out, true, !m_keepAlive);
    finish(response.status);
}

void HttpExchange::respond(const PreparedResponse &prepared)
{
    if (m_state != State::Open)
        return;
    const QByteArray out = prepared.wireBytes(m_id, !m_keepAlive);
    m_bytesOut = out.size();
    if (m_connection)
        m_connection->write(m_seq, out, true, !m_keepAlive);
    finish(prepared.status());
}

bool HttpExchange::beginStream(int status, const QByteArray &contentType, const HeaderList &headers)
{
    if (m_state != State::Open)
        return false;
    m_state = State::Streaming;
    m_status = status;
    m_responseType = contentType;
    m_responseHeaders = headers;
    const QByteArray out = responseHead(status, contentType, headers,
                                        QByteArrayLiteral("Transfer-Encoding: chunked\r\n"));
    m_bytesOut += out.size();
    if (m_connection) {
        m_connection->setStreaming(true);
        m_connection->write(m_seq, out, false, false);
    }
    return isClientConnected();
}

bool HttpExchange::writeChunk(const QByteArray &data)
{
    if (m_state != State::Streaming || !isClientConnected())
        return false;
    if (data.isEmpty())
        return true; // an empty chunk would end the stream
    // Chunked framing by hand: Qt 6.4 has no chunked writer (docs/architecture.md, "Qt 6.4 traps").
    QByteArray out = QByteArray::number(data.size(), 16);
    out += "\r\n";
    out += data;
    out += "\r\n";
    m_bytesOut += out.size();
    m_connection->write(m_seq, out, false, false);
    return true;
}

void HttpExchange::endStream()
{
    if (m_state != State::Streaming)
        return;
    if (m_connection) {
        m_connection->write(m_seq, QByteArrayLiteral("0\r\n\r\n"), true, !m_keepAlive);
        m_connection->setStreaming(false);
    }
    m_bytesOut += 5;
    finish(m_status);
}

void HttpExchange::onClientGone(std::function<void()> callback)
{
    m_onGone = std::move(callback);
    if (!m_connection || m_goneConnection)
        return;
    std::weak_ptr<HttpExchange> weak = weak_from_this();
    auto gone = [weak] {
        if (auto self = weak.lock())
            self->clientGone();
    };
    m_goneConnection =
        QObject::connect(m_connection.data(), &ResponseSink::clientGone, m_connection.data(), gone);
    if (!isClientConnected())
        gone();
}

void HttpExchange::clientGone()
{
    if (m_state == State::Done)
        return;
    auto callback = std::move(m_onGone);
    m_onGone = nullptr;
    if (m_state == State::Streaming && m_connection)
        m_connection->setStreaming(false);
    // 499: the client closed the connection before the answer was complete (as nginx logs it).
    finish(m_state == State::Streaming ? m_status : 499);
    if (callback)
        callback();
}

void HttpExchange::finish(int status)
{
    m_state = State::Done;
    m_status = status;
    m_onGone = nullptr; // it may hold what holds this exchange
    if (m_goneConnection)
        QObject::disconnect(m_goneConnection);
    if (m_connection)
        m_connection->responseFinished();
    if (auto observer = m_observer.lock())
        observer->exchangeFinished(*this, status, m_bytesOut);
}

} // namespace edgedesk
