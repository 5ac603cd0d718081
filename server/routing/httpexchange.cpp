#include "routing/httpexchange.h"

#include "transport/httpconnection.h"
#include "routing/router.h"
#include "middleware/securityheaders.h"

#include <QTcpSocket>
#include <QUrl>

#include <algorithm>

namespace edgedesk {

HttpExchange::HttpExchange(Router *router, HttpConnection *connection, RequestHead &&head,
                           HeaderList headers, QByteArray body, QHostAddress peer, quint64 id)
    : m_router(router), m_connection(connection),
      m_socket(connection ? connection->socket() : nullptr), m_keepAlive(head.keepAlive),
      m_method(std::move(head.method)), m_headers(std::move(headers)), m_body(std::move(body)),
      m_peer(std::move(peer)), m_id(id)
{
    m_clock.start();
    const qsizetype q = head.target.indexOf('?');
    if (q >= 0) {
        m_rawPath = head.target.left(q);
        m_rawQuery = head.target.mid(q + 1);
    } else {
        m_rawPath = std::move(head.target);
    }
    if (m_connection) {
        m_seq = m_connection->nextSequence();
        m_connection->requestStarted();
    }
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
    QByteArray value;
    bool found = false;
    for (const auto &h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            if (found)
                value += ", ";
            value += h.second;
            found = true;
        }
    }
    return value;
}

QString HttpExchange::peerText() const
{
    return m_connection ? m_connection->peerText() : m_peer.toString();
}

void HttpExchange::setRoute(const Route *route)
{
    m_route = route;
    m_params.reset();
}

QString HttpExchange::param(const QString &name) const
{
    if (!m_params)
        m_params = m_router && m_route ? m_router->captureParams(m_route, m_rawPath)
                                       : QHash<QString, QString>();
    return m_params->value(name);
}

bool HttpExchange::isClientConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

QByteArray HttpExchange::statusAndHeaders(int status, const QByteArray &contentType,
                                          const HeaderList &headers, const QByteArray &framing,
                                          bool pagePolicy) const
{
    QByteArray out;
    out.reserve(384);
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += HttpStatusTable::reasonPhrase(status);
    out += "\r\n";
    if (!contentType.isEmpty()) {
        out += "Content-Type: ";
        out += contentType;
        out += "\r\n";
    }
    for (const auto &h : headers) {
        out += h.first;
        out += ": ";
        out += h.second;
        out += "\r\n";
    }
    out += framing;
    if (!m_keepAlive)
        out += "Connection: close\r\n";
    out += SecurityHeaders::common();
    // A handler's own policy (stored user content: a sandbox) replaces the frontend's; a
    // project's pages get none.
    if (pagePolicy && contentType.startsWith("text/html") &&
        std::none_of(headers.cbegin(), headers.cend(), [](const auto &h) {
            return h.first.compare("Content-Security-Policy", Qt::CaseInsensitive) == 0;
        }))
        out += SecurityHeaders::htmlPolicy();
    out += "X-Request-Id: ";
    out += QByteArray::number(m_id);
    out += "\r\n\r\n";
    return out;
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
    QByteArray out = statusAndHeaders(response.status, response.contentType, response.headers,
                                      framing, response.pagePolicy);
    if (!noBody)
        out += response.body;
    m_bytesOut = out.size();
    if (m_connection)
        m_connection->write(m_seq, out, true, !m_keepAlive);
    finish(response.status);
}

bool HttpExchange::beginStream(int status, const QByteArray &contentType, const HeaderList &headers)
{
    if (m_state != State::Open)
        return false;
    m_state = State::Streaming;
    m_status = status;
    const QByteArray out = statusAndHeaders(status, contentType, headers,
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
    if (m_connection)
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
    if (!m_socket || m_goneConnection)
        return;
    std::weak_ptr<HttpExchange> weak = weak_from_this();
    auto gone = [weak] {
        if (auto self = weak.lock())
            self->clientGone();
    };
    m_goneConnection =
        QObject::connect(m_socket.data(), &QAbstractSocket::disconnected, m_socket.data(), gone);
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
        m_connection->requestFinished();
    if (m_router)
        m_router->recordTraffic(*this, status, m_bytesOut);
}

} // namespace edgedesk
