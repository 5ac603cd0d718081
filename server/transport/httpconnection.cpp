#include "transport/httpconnection.h"

#include "transport/headparsing.h"
#include "routing/httpresponse.h"
#include "middleware/securityheaders.h"
#include "transport/socketwrite.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpSocket>

#include <sys/socket.h>

namespace edgedesk {

Q_LOGGING_CATEGORY(lcTransport, "edgedesk.transport")

namespace {

bool headerIs(QByteArrayView name, const char *lower)
{
    return name.compare(lower, Qt::CaseInsensitive) == 0;
}

constexpr qint64 kMaxDiscardBytes = 64 * 1024 * 1024;

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const TransportLimits &limits)
    : QObject(socket), m_socket(socket), m_limits(limits)
{
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, &HttpConnection::onIdleTimeout);
    noteActivity();
}

HttpConnection::~HttpConnection() = default;

HttpConnection *HttpConnection::of(QTcpSocket *socket)
{
    return socket ? socket->findChild<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly)
                  : nullptr;
}

const QString &HttpConnection::peerText()
{
    if (m_peerText.isEmpty())
        m_peerText = m_socket->peerAddress().toString();
    return m_peerText;
}

void HttpConnection::noteActivity()
{
    // Only a clock read per read or write: the timer is re-armed lazily when it fires, instead
    // of being stopped and started (a timer-list update in the event dispatcher) every time.
    m_activity.start();
    if (!m_idle.isActive())
        m_idle.start(m_limits.idleTimeoutMs);
}

void HttpConnection::onReadyRead()
{
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return;
    if (m_state == State::Refused) {
        // Read and drop whatever the client still sends, so the server never sees it and the
        // client gets to read our answer instead of a reset.
        m_discarded += m_socket->read(available).size();
        if (m_discarded > kMaxDiscardBytes)
            m_socket->abort();
        return;
    }
    // Peeking leaves the bytes to Qt HTTP Server, whose slot runs right after this one. The
    // usual read fits a buffer of the server thread's; a bigger one is peeked into an array.
    constexpr qint64 kPeekBytes = 16 * 1024;
    thread_local char peekBuffer[kPeekBytes];
    QByteArray large;
    const char *data = peekBuffer;
    qint64 size = 0;
    if (available <= kPeekBytes) {
        size = m_socket->peek(peekBuffer, available);
    } else {
        large = m_socket->peek(available);
        data = large.constData();
        size = large.size();
    }
    const bool partialHead = m_state == State::Head && m_headStarted;
    if (!consume(data, qMax<qint64>(size, 0))) {
        m_discarded += m_socket->read(available).size();
        return;
    }
    // A head that trickles in does not extend its deadline (slow-header clients).
    if (!partialHead || !(m_state == State::Head && m_headStarted))
        noteActivity();
}

bool HttpConnection::consume(const char *data, qint64 size)
{
    const char *p = data;
    const char *end = data + size;
    while (p < end) {
        switch (m_state) {
        case State::Head: {
            if (m_head.isEmpty()) {
                while (p < end && (*p == '\r' || *p == '\n'))
                    ++p; // empty lines between requests are allowed
                if (p == end)
                    return true;
                if (!m_headStarted) {
                    m_headStarted = true;
                    m_headClock.start();
                }
                // The usual case: the whole head arrived in this read; parse it where it lies.
                const QByteArrayView rest(p, qMin<qint64>(end - p, m_limits.maxHeaderBytes + 4));
                const qsizetype headEnd = findHeadEnd(rest, 0);
                if (headEnd >= 0 && headEnd <= m_limits.maxHeaderBytes) {
                    p += headEnd;
                    m_headStarted = false;
                    if (!parseHead(rest.first(headEnd)))
                        return false;
                    break;
                }
            }
            const qsizetype before = m_head.size();
            const qint64 room = m_limits.maxHeaderBytes + 4 - before;
            const qint64 take = qMin<qint64>(end - p, qMax<qint64>(room, 0));
            m_head.append(p, take);
            const qsizetype headEnd = findHeadEnd(m_head, before - 3);
            if (headEnd < 0) {
                if (m_head.size() > m_limits.maxHeaderBytes) {
                    refuse(431, "headers_too_large",
                           QStringLiteral("request line and headers exceed %1 bytes")
                               .arg(m_limits.maxHeaderBytes));
                    return false;
                }
                return true; // wait for more
            }
            if (headEnd > m_limits.maxHeaderBytes) {
                refuse(431, "headers_too_large",
                       QStringLiteral("request line and headers exceed %1 bytes")
                           .arg(m_limits.maxHeaderBytes));
                return false;
            }
            p += headEnd - before;
            const QByteArray head = m_head.left(headEnd);
            m_head.clear();
            m_headStarted = false;
            if (!parseHead(head))
                return false;
            break;
        }
        case State::Body: {
            const qint64 take = qMin<qint64>(end - p, m_remaining);
            p += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::Head;
            break;
        }
        case State::ChunkSize:
        case State::ChunkData:
        case State::ChunkDataEnd:
        case State::Trailers:
            if (!consumeChunked(p, end))
                return false;
            break;
        case State::Refused:
            return false;
        }
    }
    return true;
}

bool HttpConnection::consumeChunked(const char *&p, const char *end)
{
    auto takeLine = [&](QByteArray &line) -> int { // 1 = complete, 0 = need more, -1 = too long
        while (p < end) {
            const char c = *p++;
            if (c == '\n') {
                if (line.endsWith('\r'))
                    line.chop(1);
                return 1;
            }
            line.append(c);
            if (line.size() > 4096)
                return -1;
        }
        return 0;
    };

    switch (m_state) {
    case State::ChunkSize: {
        const int r = takeLine(m_head);
        if (r < 0) {
            refuse(400, "bad_request",
                   QStringLiteral("malformed chunked body: chunk line too long"));
            return false;
        }
        if (r == 0)
            return true;
        QByteArray sizeField = m_head;
        m_head.clear();
        if (const qsizetype semi = sizeField.indexOf(';'); semi >= 0)
            sizeField.truncate(semi);
        bool ok = false;
        const qint64 chunk = sizeField.trimmed().toLongLong(&ok, 16);
        if (!ok || chunk < 0 || sizeField.trimmed().size() > 15) {
            refuse(400, "bad_request", QStringLiteral("malformed chunked body: bad chunk size"));
            return false;
        }
        if (m_bodySeen + chunk > m_bodyLimit) {
            refuse(413, "payload_too_large",
                   QStringLiteral("request body exceeds the limit of %1 bytes for this route")
                       .arg(m_bodyLimit));
            return false;
        }
        m_bodySeen += chunk;
        m_remaining = chunk;
        m_state = chunk == 0 ? State::Trailers : State::ChunkData;
        return true;
    }
    case State::ChunkData: {
        const qint64 take = qMin<qint64>(end - p, m_remaining);
        p += take;
        m_remaining -= take;
        if (m_remaining == 0)
            m_state = State::ChunkDataEnd;
        return true;
    }
    case State::ChunkDataEnd: {
        const int r = takeLine(m_head);
        if (r == 0)
            return true;
        if (r < 0 || !m_head.isEmpty()) {
            refuse(400, "bad_request",
                   QStringLiteral("malformed chunked body: missing CRLF after chunk"));
            return false;
        }
        m_state = State::ChunkSize;
        return true;
    }
    case State::Trailers: {
        const int r = takeLine(m_head);
        if (r < 0) {
            refuse(431, "headers_too_large", QStringLiteral("chunked trailer too long"));
            return false;
        }
        if (r == 0)
            return true;
        const bool last = m_head.isEmpty();
        m_head.clear();
        if (last)
            m_state = State::Head;
        return true;
    }
    default:
        return true;
    }
}

bool HttpConnection::parseHead(QByteArrayView head)
{
    // One pass over the head without splitting it into copies: the request line, then header
    // lines as views. Only the method and the target are copied out.
    HeadLines lines(head);
    const QByteArrayView requestLine = lines.next();
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || sp2 == sp1 + 1 || requestLine.indexOf(' ', sp2 + 1) >= 0) {
        refuse(400, "bad_request", QStringLiteral("malformed request line"));
        return false;
    }
    const QByteArrayView method = requestLine.first(sp1);
    for (char c : method) {
        if (c < 'A' || c > 'Z') {
            refuse(400, "bad_request", QStringLiteral("malformed request method"));
            return false;
        }
    }
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        refuse(505, "http_version_not_supported",
               QStringLiteral("only HTTP/1.1 and HTTP/1.0 are supported"));
        return false;
    }

    RequestHead info;
    info.method = method.toByteArray();
    info.target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1).toByteArray();
    info.keepAlive = version == "HTTP/1.1";
    qint64 contentLength = -1;
    bool chunked = false;
    bool expectContinue = false;
    bool sawTransferEncoding = false;

    while (!lines.atEnd()) {
        const QByteArrayView line = lines.next();
        if (line.isEmpty())
            continue;
        if (line.front() == ' ' || line.front() == '\t') {
            refuse(400, "bad_request", QStringLiteral("folded header lines are not allowed"));
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            refuse(400, "bad_request", QStringLiteral("malformed header line"));
            return false;
        }
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (headerIs(name, "content-length")) {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            if (!ok || n < 0 || value.startsWith('+') ||
                (contentLength >= 0 && contentLength != n)) {
                refuse(400, "bad_request", QStringLiteral("invalid Content-Length"));
                return false;
            }
            contentLength = n;
        } else if (headerIs(name, "transfer-encoding")) {
            sawTransferEncoding = true;
            if (value.compare("chunked", Qt::CaseInsensitive) != 0) {
                refuse(501, "not_implemented",
                       QStringLiteral("only Transfer-Encoding: chunked is supported"));
                return false;
            }
            chunked = true;
        } else if (headerIs(name, "connection")) {
            if (hasToken(value, "close"))
                info.keepAlive = false;
        } else if (headerIs(name, "expect")) {
            expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        }
    }
    if (sawTransferEncoding && contentLength >= 0) {
        // Both framings at once is how requests get smuggled past proxies.
        refuse(400, "bad_request",
               QStringLiteral("Content-Length and Transfer-Encoding must not both be present"));
        return false;
    }

    const qsizetype q = info.target.indexOf('?');
    const QByteArray path = q >= 0 ? info.target.left(q) : info.target;
    m_bodyLimit =
        m_limits.bodyLimit ? m_limits.bodyLimit(info.method, path) : m_limits.defaultBodyLimit;
    if (contentLength > m_bodyLimit) {
        refuse(
            413, "payload_too_large",
            QStringLiteral("request body of %1 bytes exceeds the limit of %2 bytes for this route")
                .arg(contentLength)
                .arg(m_bodyLimit));
        return false;
    }
    if (expectContinue && (contentLength > 0 || chunked)) {
        // curl waits a second for this before sending bodies over 1 MiB; Qt 6.4 never sends it.
        send(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
    }

    m_heads.push_back(std::move(info));
    m_bodySeen = 0;
    if (chunked) {
        m_state = State::ChunkSize;
    } else if (contentLength > 0) {
        m_remaining = contentLength;
        m_state = State::Body;
    } else {
        m_state = State::Head;
    }
    return true;
}

void HttpConnection::refuse(int status, const QByteArray &code, const QString &message)
{
    qCInfo(lcTransport).noquote() << "refused" << m_socket->peerAddress().toString() << status
                                  << message;
    m_state = State::Refused;
    m_head.clear();
    const QJsonObject error{{QStringLiteral("code"), QString::fromLatin1(code)},
                            {QStringLiteral("message"), message}};
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
    QByteArray out;
    out.reserve(256 + body.size());
    out +=
        "HTTP/1.1 " + QByteArray::number(status) + ' ' + HttpStatusTable::reasonPhrase(status) +
        "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\nConnection: close\r\n" + SecurityHeaders::common() + "\r\n" + body;
    Q_EMIT refused(status, code);
    write(m_nextSeq++, out, true, true);
}

void HttpConnection::write(quint64 seq, const QByteArray &bytes, bool complete, bool closeAfter)
{
    if (m_closing || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (seq == m_nextOut && m_out.empty()) {
        // The common case: nothing queued ahead of this response.
        send(bytes);
        if (complete) {
            ++m_nextOut;
            if (closeAfter) {
                m_closing = true;
                onBytesWritten();
            }
        }
        return;
    }
    Pending &pending = m_out[seq];
    pending.data += bytes;
    pending.complete = pending.complete || complete;
    pending.closeAfter = pending.closeAfter || closeAfter;
    flushOrdered();
}

void HttpConnection::send(const QByteArray &bytes)
{
    if (writeNow(m_socket, bytes.constData(), bytes.size()))
        noteActivity(); // what bytesWritten() would have done
}

void HttpConnection::flushOrdered()
{
    while (!m_out.empty()) {
        auto it = m_out.begin();
        if (it->first != m_nextOut)
            return;
        send(it->second.data);
        it->second.data.clear();
        if (!it->second.complete)
            return;
        const bool close = it->second.closeAfter;
        m_out.erase(it);
        ++m_nextOut;
        if (close) {
            m_out.clear();
            m_closing = true;
            onBytesWritten();
            return;
        }
    }
}

void HttpConnection::onBytesWritten()
{
    noteActivity();
    if (!m_closing || m_socket->bytesToWrite() > 0)
        return;
    if (m_state == State::Refused) {
        // Half-close and keep draining for a moment: closing a socket with unread input makes
        // the kernel send a reset, and the client would never read the error we just wrote.
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
        m_lingering = true;
        m_idle.start(m_limits.lingerMs);
    } else {
        m_socket->disconnectFromHost();
    }
}

void HttpConnection::onIdleTimeout()
{
    if (m_lingering) {
        m_socket->abort();
        return;
    }
    const qint64 quiet = m_activity.elapsed();
    if (quiet < m_limits.idleTimeoutMs) {
        m_idle.start(int(m_limits.idleTimeoutMs - quiet));
        return;
    }
    if (m_closing) {
        m_socket->abort();
        return;
    }
    if (m_streaming > 0 || m_inFlight > 0) {
        noteActivity();
        return;
    }
    if (m_state == State::Head && !m_headStarted) {
        m_socket->disconnectFromHost(); // quiet keep-alive connection
        return;
    }
    refuse(408, "request_timeout",
           QStringLiteral("no complete request within %1 ms").arg(m_limits.idleTimeoutMs));
    m_discarded += m_socket->read(m_socket->bytesAvailable()).size();
}

RequestHead HttpConnection::takeHead()
{
    if (m_heads.empty())
        return {};
    RequestHead head = std::move(m_heads.front());
    m_heads.pop_front();
    return head;
}

void HttpConnection::setStreaming(bool on)
{
    m_streaming += on ? 1 : -1;
    noteActivity();
}

void HttpConnection::requestFinished()
{
    --m_inFlight;
    noteActivity();
}

} // namespace edgedesk
