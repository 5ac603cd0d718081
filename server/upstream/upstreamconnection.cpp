#include "upstream/upstreamconnection.h"

#include "transport/headparsing.h"
#include "transport/socketwrite.h"
#include "upstream/upstreampool.h"

#include <QFile>
#include <QHostAddress>
#include <QPointer>
#include <QTcpSocket>

#include <cerrno>
#include <cstring>
#include <memory>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace edgedesk {

namespace {

constexpr qsizetype kMaxHeadBytes = 64 * 1024;
constexpr qsizetype kMaxLineBytes = 4096;

} // namespace

UpstreamConnection::UpstreamConnection(UpstreamPool *pool, const QString &host, quint16 port,
                                       const QString &unixSocket)
    : QObject(pool), m_pool(pool), m_host(host), m_port(port), m_unixSocket(unixSocket),
      m_socket(new QTcpSocket(this)),
      m_hostLine("Host: " + (host.isEmpty() ? QByteArrayLiteral("localhost") : host.toLatin1()) + ':' +
                 QByteArray::number(port) + "\r\n")
{
    connect(m_socket, &QTcpSocket::connected, this, [this] {
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (m_phase == Phase::Connecting)
            send();
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &UpstreamConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &UpstreamConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &UpstreamConnection::onSocketError);
}

UpstreamConnection::~UpstreamConnection() = default;

void UpstreamConnection::start(std::shared_ptr<UpstreamCall> call)
{
    m_call = std::move(call);
    m_call->connection = this;
    m_received = 0;
    m_headRequest = m_call->request.method == "HEAD";
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        send();
        return;
    }
    m_phase = Phase::Connecting;
    m_deadline = UpstreamPool::now() + m_call->request.timeoutMs;
    if (!m_unixSocket.isEmpty() && connectUnix()) {
        send();
        return;
    }
    if (m_host.isEmpty()) {
        // Reachable through its socket only (an instance in a network namespace of its own):
        // never fall back to a host port, where another program may listen.
        QPointer<UpstreamConnection> self(this);
        QMetaObject::invokeMethod(
            this,
            [self] {
                if (self && self->m_call && self->m_phase == Phase::Connecting)
                    self->fail(UpstreamFailure::Refused, QStringLiteral("refused the connection"));
            },
            Qt::QueuedConnection);
        return;
    }
    QHostAddress address;
    if (m_host == QLatin1String("localhost"))
        address = QHostAddress(QHostAddress::LocalHost);
    else
        address.setAddress(m_host);
    // Unbuffered: writes go straight to the socket (no write notifier to switch on and off per
    // request) and reads come straight from it, without a copy through Qt's buffer.
    constexpr auto mode = QIODevice::ReadWrite | QIODevice::Unbuffered;
    if (address.isNull())
        m_socket->connectToHost(m_host, m_port, mode);
    else
        m_socket->connectToHost(address, m_port, mode);
}

bool UpstreamConnection::connectUnix()
{
    const QByteArray path = QFile::encodeName(m_unixSocket);
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    if (size_t(path.size()) >= sizeof address.sun_path)
        return false;
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    // A Unix-domain connect completes at once, or fails at once (no listener: the instance is
    // not up, or does not serve there; a full backlog): then TCP decides, with its usual errors.
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return false;
    }
    // A QTcpSocket on a stream socket of another family reads and writes the same way.
    if (!m_socket->setSocketDescriptor(fd, QAbstractSocket::ConnectedState,
                                       QIODevice::ReadWrite | QIODevice::Unbuffered)) {
        ::close(fd);
        return false;
    }
    return true;
}

void UpstreamConnection::send()
{
    const UpstreamRequest &r = m_call->request;
    QByteArray out;
    qsizetype size = r.method.size() + r.target.size() + m_hostLine.size() + 48 + r.body.size();
    for (const auto &h : r.headers)
        size += h.first.size() + h.second.size() + 4;
    out.reserve(size);
    out += r.method;
    out += ' ';
    out += r.target;
    out += " HTTP/1.1\r\n";
    out += m_hostLine;
    for (const auto &h : r.headers) {
        out += h.first;
        out += ": ";
        out += h.second;
        out += "\r\n";
    }
    if (!r.body.isEmpty() || (r.method != "GET" && r.method != "HEAD" && r.method != "DELETE" &&
                              r.method != "OPTIONS")) {
        out += "Content-Length: ";
        out += QByteArray::number(r.body.size());
        out += "\r\n";
    }
    out += "\r\n";
    out += r.body;
    m_phase = Phase::Head;
    m_in.resize(0);
    m_pos = 0;
    m_keepAlive = true;
    m_deadline = UpstreamPool::now() + r.timeoutMs;
    // A socket adopted with setSocketDescriptor() (Unix-domain) is buffered whatever its mode:
    // writeNow() sends straight to the kernel all the same.
    if (!writeNow(m_socket, out.constData(), out.size()))
        m_socket->flush();
}

void UpstreamConnection::onReadyRead()
{
    if (!m_call) {
        // An idle connection has nothing to say: this is its close, or a protocol error.
        close();
        return;
    }
    if (m_pos > 0 && m_pos == m_in.size()) {
        m_in.resize(0); // keeps its capacity
        m_pos = 0;
    }
    // One read(2) in the common case: a whole small answer fits the first chunk. Read into one
    // buffer per thread: growing m_in by 64 KiB per answer cost a large malloc and free each
    // time (and with them glibc's malloc_consolidate).
    constexpr qsizetype kChunk = 64 * 1024;
    thread_local std::unique_ptr<char[]> chunk(new char[kChunk]);
    qint64 got = 0;
    for (;;) {
        const qint64 n = m_socket->read(chunk.get(), kChunk);
        if (n <= 0)
            break;
        m_in.append(chunk.get(), n);
        got += n;
        if (n < kChunk)
            break;
    }
    if (got == 0) {
        // An unbuffered QTcpSocket does not notice the peer's FIN by itself: a readable socket
        // with nothing to read has been closed.
        char probe;
        const auto peeked =
            ::recv(int(m_socket->socketDescriptor()), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
        if (peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            onDisconnected();
        return;
    }
    m_received += got;
    m_deadline = UpstreamPool::now() + m_call->request.timeoutMs;
    process();
}

bool UpstreamConnection::process()
{
    while (m_call) {
        switch (m_phase) {
        case Phase::Head: {
            const qsizetype end = findHeadEnd(m_in, m_pos);
            if (end < 0) {
                if (m_in.size() - m_pos > kMaxHeadBytes) {
                    fail(UpstreamFailure::Protocol,
                         QStringLiteral("the response head exceeds %1 bytes").arg(kMaxHeadBytes));
                    return false;
                }
                return true;
            }
            if (!parseHead(end))
                return false;
            break;
        }
        case Phase::Body: {
            const qsizetype available = m_in.size() - m_pos;
            if (available == 0)
                return true;
            const qsizetype take = qsizetype(qMin<qint64>(available, m_remaining));
            emitData(m_in.constData() + m_pos, take);
            m_pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                completeCall();
            break;
        }
        case Phase::UntilClose: {
            const qsizetype available = m_in.size() - m_pos;
            if (available > 0)
                emitData(m_in.constData() + m_pos, available);
            m_pos = m_in.size();
            return true;
        }
        case Phase::ChunkSize: {
            QByteArray line;
            if (!readLine(&line))
                return m_phase != Phase::Closed;
            const std::optional<qint64> chunk = parseChunkSize(line);
            if (!chunk) {
                fail(UpstreamFailure::Protocol, QStringLiteral("malformed chunk size"));
                return false;
            }
            m_remaining = *chunk;
            m_phase = *chunk == 0 ? Phase::Trailers : Phase::ChunkData;
            break;
        }
        case Phase::ChunkData: {
            const qsizetype available = m_in.size() - m_pos;
            if (available == 0)
                return true;
            const qsizetype take = qsizetype(qMin<qint64>(available, m_remaining));
            emitData(m_in.constData() + m_pos, take);
            m_pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_phase = Phase::ChunkDataEnd;
            break;
        }
        case Phase::ChunkDataEnd: {
            QByteArray line;
            if (!readLine(&line))
                return m_phase != Phase::Closed;
            if (!line.isEmpty()) {
                fail(UpstreamFailure::Protocol, QStringLiteral("missing CRLF after a chunk"));
                return false;
            }
            m_phase = Phase::ChunkSize;
            break;
        }
        case Phase::Trailers: {
            QByteArray line;
            if (!readLine(&line))
                return m_phase != Phase::Closed;
            if (line.isEmpty())
                completeCall();
            break;
        }
        case Phase::Idle:
        case Phase::Connecting:
        case Phase::Closed:
            return true;
        }
    }
    return true;
}

bool UpstreamConnection::readLine(QByteArray *line)
{
    const qsizetype nl = m_in.indexOf('\n', m_pos);
    if (nl < 0) {
        if (m_in.size() - m_pos > kMaxLineBytes)
            fail(UpstreamFailure::Protocol, QStringLiteral("a chunk line is too long"));
        return false;
    }
    qsizetype end = nl;
    if (end > m_pos && m_in[end - 1] == '\r')
        --end;
    *line = m_in.mid(m_pos, end - m_pos);
    m_pos = nl + 1;
    return true;
}

bool UpstreamConnection::parseHead(qsizetype headEnd)
{
    // Lines are views into m_in: only header names and values are copied out.
    const QByteArrayView head(m_in.constData() + m_pos, headEnd - m_pos);
    m_pos = headEnd;
    HeadLines lines(head);
    const QByteArrayView statusLine = lines.next();
    // "HTTP/1.1 200 OK"
    if (!statusLine.startsWith("HTTP/1.") || statusLine.size() < 12 || statusLine[8] != ' ') {
        fail(UpstreamFailure::Protocol, QStringLiteral("not an HTTP/1.x response: %1")
                                            .arg(QString::fromLatin1(statusLine.first(
                                                qMin<qsizetype>(80, statusLine.size())))));
        return false;
    }
    bool ok = false;
    const int status = statusLine.sliced(9, 3).toInt(&ok);
    if (!ok || status < 100 || status > 999) {
        fail(UpstreamFailure::Protocol, QStringLiteral("malformed status line"));
        return false;
    }
    if (status >= 100 && status < 200) {
        if (status == 101) {
            fail(UpstreamFailure::Protocol, QStringLiteral("protocol upgrades are not proxied"));
            return false;
        }
        return true; // interim answer (100 Continue): the real one follows
    }
    const bool http10 = statusLine.startsWith("HTTP/1.0");
    m_keepAlive = !http10;

    HeaderList headers;
    headers.reserve(8);
    qint64 contentLength = -1;
    bool chunked = false;
    while (!lines.atEnd()) {
        const QByteArrayView line = lines.next();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            fail(UpstreamFailure::Protocol, QStringLiteral("malformed response header line"));
            return false;
        }
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (name.size() == 14 && qstrnicmp(name.data(), "content-length", 14) == 0) {
            const qint64 n = value.toLongLong(&ok);
            if (!ok || n < 0 || (contentLength >= 0 && contentLength != n)) {
                fail(UpstreamFailure::Protocol, QStringLiteral("invalid Content-Length"));
                return false;
            }
            contentLength = n;
        } else if (name.size() == 17 && qstrnicmp(name.data(), "transfer-encoding", 17) == 0) {
            chunked = hasToken(value, "chunked");
        } else if (name.size() == 10 && qstrnicmp(name.data(), "connection", 10) == 0) {
            if (hasToken(value, "close"))
                m_keepAlive = false;
            else if (http10 && hasToken(value, "keep-alive"))
                m_keepAlive = true;
        }
        headers.append({name.toByteArray(), value.toByteArray()});
    }

    const bool noBody = m_headRequest || status == 204 || status == 304;
    qint64 announced = contentLength;
    if (noBody) {
        announced = 0;
    } else if (chunked) {
        announced = -1;
        m_phase = Phase::ChunkSize;
    } else if (contentLength >= 0) {
        m_remaining = contentLength;
        m_phase = Phase::Body;
    } else {
        m_keepAlive = false;
        m_phase = Phase::UntilClose;
    }
    m_call->headSeen = true;
    if (m_call->callbacks.head)
        m_call->callbacks.head(status, headers, announced);
    if (!m_call) // cancelled from the callback
        return false;
    if (noBody || (m_phase == Phase::Body && m_remaining == 0))
        completeCall();
    return true;
}

void UpstreamConnection::emitData(const char *data, qsizetype size)
{
    if (size <= 0 || !m_call || !m_call->callbacks.data)
        return;
    m_call->callbacks.data(QByteArray(data, size));
}

void UpstreamConnection::completeCall()
{
    std::shared_ptr<UpstreamCall> call = std::move(m_call);
    m_call.reset();
    call->connection = nullptr;
    ++m_completed;
    // Bytes beyond the answer would be read as the next one: never reuse such a connection.
    const bool reusable =
        m_keepAlive && m_pos == m_in.size() && m_socket->state() == QAbstractSocket::ConnectedState;
    if (m_in.capacity() > 64 * 1024)
        m_in = QByteArray(); // a large answer's buffer is not kept for the next small one
    else
        m_in.resize(0);
    m_pos = 0;
    if (reusable) {
        m_phase = Phase::Idle;
        m_deadline = UpstreamPool::now() + kIdleTimeoutMs;
    }
    if (!call->finished) {
        call->finished = true;
        if (call->callbacks.complete)
            call->callbacks.complete();
    }
    if (m_phase == Phase::Closed || m_call) // closed or reused from inside the callback
        return;
    if (reusable)
        m_pool->connectionIdle(this);
    else
        close();
}

void UpstreamConnection::fail(UpstreamFailure failure, const QString &detail)
{
    std::shared_ptr<UpstreamCall> call = std::move(m_call);
    m_call.reset();
    close();
    if (!call || call->finished)
        return;
    call->connection = nullptr;
    // A kept-alive connection the upstream closed while idle: the request never reached it.
    if (failure == UpstreamFailure::Closed && m_completed > 0 && m_received == 0 &&
        !call->retried) {
        m_pool->retry(call);
        return;
    }
    call->finished = true;
    if (call->callbacks.failed)
        call->callbacks.failed(failure, detail);
}

void UpstreamConnection::onDisconnected()
{
    if (m_phase == Phase::Closed)
        return;
    if (!m_call) {
        close();
        return;
    }
    if (m_phase == Phase::UntilClose) {
        m_keepAlive = false;
        completeCall();
        return;
    }
    fail(UpstreamFailure::Closed, m_call->headSeen
                                      ? QStringLiteral("closed the connection mid-answer")
                                      : QStringLiteral("closed the connection without answering"));
}

void UpstreamConnection::onSocketError()
{
    const auto error = m_socket->error();
    if (m_phase == Phase::Connecting && m_call) {
        if (error == QAbstractSocket::ConnectionRefusedError)
            fail(UpstreamFailure::Refused, QStringLiteral("refused the connection"));
        else
            fail(UpstreamFailure::Closed,
                 QStringLiteral("cannot be reached: %1").arg(m_socket->errorString()));
        return;
    }
    if (error == QAbstractSocket::RemoteHostClosedError) {
        onDisconnected(); // an unbuffered socket may not emit disconnected() after this
        return;
    }
    if (m_call)
        fail(UpstreamFailure::Closed, m_socket->errorString());
    else
        close();
}

void UpstreamConnection::checkDeadline(qint64 now)
{
    if (m_phase == Phase::Closed || now < m_deadline)
        return;
    if (!m_call) {
        close(); // idle for too long
        return;
    }
    fail(UpstreamFailure::Timeout,
         QStringLiteral("did not answer within %1 ms").arg(m_call->request.timeoutMs));
}

void UpstreamConnection::abort()
{
    if (m_call) {
        m_call->connection = nullptr;
        m_call.reset();
    }
    close();
}

void UpstreamConnection::close()
{
    if (m_phase == Phase::Closed)
        return;
    m_phase = Phase::Closed;
    m_socket->abort();
    m_pool->connectionClosed(this);
    deleteLater();
}

} // namespace edgedesk
