#include "transport/httpconnection.h"

#include "routing/httpresponse.h"
#include "routing/responsehead.h"
#include "transport/requestbody.h"
#include "transport/requestsink.h"
#include "transport/socketwrite.h"

#include <QLoggingCategory>
#include <QTcpSocket>

#include <sys/socket.h>

namespace edgedesk {

Q_LOGGING_CATEGORY(lcTransport, "edgedesk.transport")

namespace {

constexpr qint64 kMaxDiscardBytes = 64 * 1024 * 1024;
// What Qt may hold for us unread: when we stop reading (a paused connection), TCP flow control
// holds the client back instead of our memory growing.
constexpr qint64 kReadBufferBytes = 256 * 1024;
constexpr qint64 kReadChunkBytes = 64 * 1024;

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const TransportLimits &limits,
                               RequestSink *requests)
    : ResponseSink(socket), m_socket(socket), m_limits(limits), m_requests(requests),
      m_peer(socket->peerAddress()), m_parser(limits),
      m_body(limits.bodyMemoryBytes, limits.spoolDir)
{
    socket->setReadBufferSize(kReadBufferBytes);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(socket, &QTcpSocket::disconnected, this, [this] {
        m_body.discard();
        Q_EMIT clientGone();
        m_socket->deleteLater();
    });
    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, &HttpConnection::onIdleTimeout);
    noteActivity();
}

HttpConnection::~HttpConnection() = default;

const QString &HttpConnection::peerText()
{
    if (m_peerText.isEmpty())
        m_peerText = m_peer.toString();
    return m_peerText;
}

bool HttpConnection::isConnected() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

bool HttpConnection::isIdle() const
{
    return m_parser.isIdle() && m_inFlight == 0 && m_streaming == 0 && m_out.empty() &&
           m_unread.isEmpty() && !m_closing && !m_refused && m_socket->bytesToWrite() == 0;
}

void HttpConnection::close()
{
    m_closing = true;
    m_socket->disconnectFromHost();
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
}

void HttpConnection::noteActivity()
{
    // Only a clock read per read or write: the timer is re-armed lazily when it fires, instead
    // of being stopped and started (a timer-list update in the event dispatcher) every time.
    m_activity.start();
    if (!m_idle.isActive())
        m_idle.start(m_limits.idleTimeoutMs);
}

bool HttpConnection::paused() const
{
    return m_inFlight >= m_limits.maxPipelined;
}

void HttpConnection::onReadyRead()
{
    if (m_refused || m_lastRequest || m_closing) {
        // Read and drop whatever the client still sends, so that it gets to read our answer
        // instead of a reset, and so that none of it is ever taken as a request.
        m_discarded += m_socket->skip(m_socket->bytesAvailable());
        if (m_discarded > kMaxDiscardBytes)
            m_socket->abort();
        return;
    }
    const bool wasInHead = m_parser.inHead();
    if (!m_unread.isEmpty()) {
        const QByteArray unread = std::exchange(m_unread, QByteArray());
        const qint64 taken = consume(unread.constData(), unread.size());
        if (taken < unread.size()) {
            m_unread = unread.sliced(taken);
            return;
        }
    }
    char buffer[kReadChunkBytes];
    while (!m_refused && !m_lastRequest && !m_closing && !paused()) {
        const qint64 n = m_socket->read(buffer, sizeof buffer);
        if (n <= 0)
            break;
        const qint64 taken = consume(buffer, n);
        if (taken < n)
            m_unread.append(buffer + taken, n - taken);
    }
    if (m_refused || m_lastRequest)
        m_discarded += m_socket->skip(m_socket->bytesAvailable());
    // A head that trickles in does not extend its deadline (slow-header clients).
    if (!(wasInHead && m_parser.inHead()))
        noteActivity();
}

qint64 HttpConnection::consume(const char *data, qint64 size)
{
    const char *p = data;
    const char *end = data + size;
    for (;;) {
        if (m_parser.isIdle() && (paused() || m_lastRequest))
            return m_lastRequest ? size : p - data;
        QByteArrayView chunk;
        switch (m_parser.next(p, end, &chunk)) {
        case RequestParser::Step::More:
            return size;
        case RequestParser::Step::Head:
            if (!startRequest())
                return size;
            break;
        case RequestParser::Step::Data:
            if (!m_body.append(chunk)) {
                refuse(QStringLiteral("internal_error"), m_body.error());
                return size;
            }
            break;
        case RequestParser::Step::End:
            completeRequest();
            break;
        case RequestParser::Step::Failed:
            refuse(m_parser.error().code, m_parser.error().message);
            return size;
        }
    }
}

bool HttpConnection::startRequest()
{
    m_head = m_parser.takeHead();
    m_requests->lookUp(m_head);
    const qint64 limit = m_head.bodyLimit > 0 ? m_head.bodyLimit : m_limits.defaultBodyLimit;
    if (!m_parser.acceptBody(limit)) {
        refuse(m_parser.error().code, m_parser.error().message);
        return false;
    }
    m_body.expect(m_parser.declaredLength());
    // curl waits a second for this before sending bodies over 1 MiB. It is interim: it goes out
    // only when every earlier answer has (otherwise the client sends its body after its wait).
    if (m_parser.expectsContinue() && m_nextOut == m_nextSeq && m_out.empty())
        send(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
    return true;
}

void HttpConnection::completeRequest()
{
    RequestBody body = m_body.finish();
    if (!m_head.keepAlive)
        m_lastRequest = true;
    m_requests->handle(this, std::move(m_head), std::move(body), m_peer);
    m_head = RequestHead{};
}

void HttpConnection::refuse(const QString &code, const QString &message)
{
    const HttpResponse response = HttpResponse::error(code, message);
    qCInfo(lcTransport).noquote() << "refused" << peerText() << response.status << message;
    m_refused = true;
    m_body.discard();
    m_unread.clear();
    const QByteArray framing =
        "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    const QByteArray out = encodeResponseHead(response.status, response.contentType,
                                              response.headers, framing, true, 0) +
                           response.body;
    write(m_nextSeq++, out, true, true);
}

quint64 HttpConnection::openResponse()
{
    ++m_inFlight;
    return m_nextSeq++;
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
    if (m_refused) {
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
    if (m_parser.isIdle() && m_unread.isEmpty()) {
        m_socket->disconnectFromHost(); // quiet keep-alive connection
        return;
    }
    refuse(QStringLiteral("request_timeout"),
           QStringLiteral("no complete request within %1 ms").arg(m_limits.idleTimeoutMs));
    m_discarded += m_socket->skip(m_socket->bytesAvailable());
}

void HttpConnection::setStreaming(bool on)
{
    m_streaming += on ? 1 : -1;
    noteActivity();
}

void HttpConnection::responseFinished()
{
    const bool resume = paused();
    --m_inFlight;
    noteActivity();
    // Never parse from inside an answer (it may come from a handler that is still running).
    if (resume && !paused())
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

} // namespace edgedesk
