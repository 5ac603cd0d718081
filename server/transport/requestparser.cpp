#include "transport/requestparser.h"

#include "transport/headparsing.h"

#include <cstring>
#include <optional>

namespace edgedesk {

namespace {

constexpr qsizetype kMaxChunkLine = 4096;

bool headerIs(QByteArrayView name, const char *lower)
{
    return name.compare(lower, Qt::CaseInsensitive) == 0;
}

// Field values may hold visible ASCII, spaces, tabs and obs-text; no other control bytes.
bool isFieldValue(QByteArrayView value)
{
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

bool isTarget(QByteArrayView target)
{
    for (const char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f)
            return false;
    }
    return !target.isEmpty();
}

std::optional<qint64> parseLength(QByteArrayView value)
{
    if (value.isEmpty() || value.size() > 18)
        return std::nullopt;
    qint64 n = 0;
    for (const char c : value) {
        if (c < '0' || c > '9')
            return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

} // namespace

RequestParser::Step RequestParser::fail(const char *code, const QString &message)
{
    m_state = State::Failed;
    m_buf.clear();
    m_error = {QString::fromLatin1(code), message};
    return Step::Failed;
}

RequestParser::Step RequestParser::next(const char *&p, const char *end, QByteArrayView *data)
{
    const qint64 maxHead = m_limits.maxHeaderBytes;
    for (;;) {
        switch (m_state) {
        case State::Start: {
            while (p < end && (*p == '\r' || *p == '\n'))
                ++p; // empty lines before a request are allowed
            if (p == end)
                return Step::More;
            m_state = State::Head;
            // The usual case: the whole head arrived in this read; parse it where it lies.
            const QByteArrayView rest(p, qMin<qint64>(end - p, maxHead + 4));
            const qsizetype headEnd = findHeadEnd(rest, 0);
            if (headEnd < 0)
                break; // collect it in pieces
            if (headEnd > maxHead)
                return fail(
                    "headers_too_large",
                    QStringLiteral("request line and headers exceed %1 bytes").arg(maxHead));
            p += headEnd;
            return parseHead(rest.first(headEnd)) ? Step::Head : Step::Failed;
        }
        case State::Head: {
            const qsizetype before = m_buf.size();
            const qint64 take = qMin<qint64>(end - p, qMax<qint64>(maxHead + 4 - before, 0));
            m_buf.append(p, qsizetype(take));
            const qsizetype headEnd = findHeadEnd(m_buf, before - 3);
            if (headEnd < 0 || headEnd > maxHead) {
                if (headEnd > maxHead || m_buf.size() > maxHead)
                    return fail(
                        "headers_too_large",
                        QStringLiteral("request line and headers exceed %1 bytes").arg(maxHead));
                p += take;
                return Step::More;
            }
            p += headEnd - before;
            const QByteArray head = std::exchange(m_buf, QByteArray());
            return parseHead(QByteArrayView(head).first(headEnd)) ? Step::Head : Step::Failed;
        }
        case State::HeadDone:
            return fail("internal_error",
                        QStringLiteral("request body read before its limit was set"));
        case State::Body:
        case State::ChunkData: {
            if (p == end)
                return Step::More;
            const qint64 take = qMin<qint64>(end - p, m_remaining);
            *data = QByteArrayView(p, qsizetype(take));
            p += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = m_state == State::Body ? State::Done : State::ChunkDataEnd;
            return Step::Data;
        }
        case State::ChunkSize: {
            const int r = takeLine(p, end);
            if (r <= 0)
                return lineError(r, "chunk line");
            const std::optional<qint64> size = parseChunkSize(m_buf);
            m_buf.clear();
            if (!size)
                return fail("bad_request",
                            QStringLiteral("malformed chunked body: bad chunk size"));
            if (m_bodySeen + *size > m_bodyLimit)
                return fail(
                    "payload_too_large",
                    QStringLiteral("request body exceeds the limit of %1 bytes for this route")
                        .arg(m_bodyLimit));
            m_bodySeen += *size;
            m_remaining = *size;
            m_state = *size == 0 ? State::Trailers : State::ChunkData;
            break;
        }
        case State::ChunkDataEnd:
        case State::ChunkDataLf:
            // Exactly CRLF (or a bare LF) after the data: anything else is refused at once.
            if (p == end)
                return Step::More;
            if (*p == '\r' && m_state == State::ChunkDataEnd) {
                ++p;
                m_state = State::ChunkDataLf;
                break;
            }
            if (*p != '\n')
                return fail("bad_request",
                            QStringLiteral("malformed chunked body: missing CRLF after chunk"));
            ++p;
            m_state = State::ChunkSize;
            break;
        case State::Trailers: {
            const int r = takeLine(p, end);
            if (r <= 0)
                return lineError(r, "trailer line");
            if (m_buf.isEmpty()) {
                m_state = State::Done;
                break;
            }
            // Trailer fields are read and dropped; they count against the head's limits.
            m_trailerBytes += m_buf.size() + 2;
            if (++m_fields > m_limits.maxHeaderFields || m_trailerBytes > maxHead)
                return fail("headers_too_large", QStringLiteral("chunked trailer too large"));
            if (!parseField(m_buf, true))
                return Step::Failed;
            m_buf.clear();
            break;
        }
        case State::Done:
            m_state = State::Start;
            return Step::End;
        case State::Failed:
            return Step::Failed;
        }
    }
}

int RequestParser::takeLine(const char *&p, const char *end)
{
    const void *hit = std::memchr(p, '\n', size_t(end - p));
    const char *stop = hit ? static_cast<const char *>(hit) : end;
    if (m_buf.size() + (stop - p) > kMaxChunkLine)
        return -1;
    m_buf.append(p, stop - p);
    if (!hit) {
        p = end;
        return 0;
    }
    p = stop + 1;
    if (m_buf.endsWith('\r'))
        m_buf.chop(1);
    return m_buf.contains('\r') ? -2 : 1;
}

RequestParser::Step RequestParser::lineError(int result, const char *what)
{
    if (result == 0)
        return Step::More;
    const QString line = QString::fromLatin1(what);
    if (result == -2)
        return fail("bad_request",
                    QStringLiteral("malformed chunked body: bare CR in a %1").arg(line));
    return fail(line.startsWith(QLatin1String("trailer")) ? "headers_too_large" : "bad_request",
                QStringLiteral("malformed chunked body: %1 too long").arg(line));
}

bool RequestParser::parseHead(QByteArrayView head)
{
    // One pass over the head without splitting it into copies: the request line, then header
    // lines as views.
    HeadLines lines(head);
    const QByteArrayView requestLine = lines.next();
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || sp2 == sp1 + 1 || requestLine.indexOf(' ', sp2 + 1) >= 0) {
        fail("bad_request", QStringLiteral("malformed request line"));
        return false;
    }
    const QByteArrayView method = requestLine.first(sp1);
    for (char c : method) {
        if (c < 'A' || c > 'Z') {
            fail("bad_request", QStringLiteral("malformed request method"));
            return false;
        }
    }
    const QByteArrayView target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1);
    if (!isTarget(target)) {
        fail("bad_request", QStringLiteral("malformed request target"));
        return false;
    }
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    const bool http11 = version == "HTTP/1.1";
    if (!http11 && version != "HTTP/1.0") {
        if (version.contains('\r'))
            fail("bad_request", QStringLiteral("bare CR in the request line"));
        else
            fail("http_version_not_supported",
                 QStringLiteral("only HTTP/1.1 and HTTP/1.0 are supported"));
        return false;
    }

    m_head = RequestHead{};
    m_head.method = method.toByteArray();
    m_head.target = target.toByteArray();
    m_head.keepAlive = http11;
    m_contentLength = -1;
    m_chunked = false;
    m_expectContinue = false;
    m_trailerBytes = 0;
    bool sawTransferEncoding = false;
    int hosts = 0;

    while (!lines.atEnd()) {
        const QByteArrayView line = lines.next();
        if (line.isEmpty())
            continue;
        if (m_head.headers.size() >= m_limits.maxHeaderFields) {
            fail("headers_too_large",
                 QStringLiteral("more than %1 header fields").arg(m_limits.maxHeaderFields));
            return false;
        }
        if (!parseField(line, false))
            return false;
        const QByteArray &name = m_head.headers.constLast().first;
        const QByteArray &value = m_head.headers.constLast().second;
        if (headerIs(name, "content-length")) {
            const std::optional<qint64> n = parseLength(value);
            if (!n || (m_contentLength >= 0 && m_contentLength != *n)) {
                fail("bad_request", QStringLiteral("invalid Content-Length"));
                return false;
            }
            m_contentLength = *n;
        } else if (headerIs(name, "transfer-encoding")) {
            sawTransferEncoding = true;
            if (value.compare("chunked", Qt::CaseInsensitive) != 0) {
                fail("not_implemented",
                     QStringLiteral("only Transfer-Encoding: chunked is supported"));
                return false;
            }
            m_chunked = true;
        } else if (headerIs(name, "host")) {
            ++hosts;
        } else if (headerIs(name, "connection")) {
            if (hasToken(value, "close"))
                m_head.keepAlive = false;
        } else if (headerIs(name, "expect")) {
            m_expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        }
    }
    if (sawTransferEncoding && m_contentLength >= 0) {
        // Both framings at once is how requests get smuggled past proxies.
        fail("bad_request",
             QStringLiteral("Content-Length and Transfer-Encoding must not both be present"));
        return false;
    }
    if (sawTransferEncoding && !http11) {
        fail("bad_request", QStringLiteral("Transfer-Encoding is not allowed in HTTP/1.0"));
        return false;
    }
    if (hosts > 1) {
        fail("bad_request", QStringLiteral("more than one Host header"));
        return false;
    }
    if (m_chunked)
        m_contentLength = -1;
    m_fields = int(m_head.headers.size());
    m_state = State::HeadDone;
    return true;
}

bool RequestParser::parseField(QByteArrayView line, bool trailer)
{
    if (line.front() == ' ' || line.front() == '\t') {
        fail("bad_request", QStringLiteral("folded header lines are not allowed"));
        return false;
    }
    if (line.contains('\r')) {
        fail("bad_request", QStringLiteral("bare CR in a header line"));
        return false;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView name = colon > 0 ? line.first(colon) : QByteArrayView();
    if (!isFieldName(name)) {
        fail("bad_request", trailer ? QStringLiteral("malformed trailer line")
                                    : QStringLiteral("malformed header line"));
        return false;
    }
    const QByteArrayView value = line.sliced(colon + 1).trimmed();
    if (!isFieldValue(value)) {
        fail("bad_request", QStringLiteral("control character in a header value"));
        return false;
    }
    if (!trailer)
        m_head.headers.append({name.toByteArray(), value.toByteArray()});
    return true;
}

bool RequestParser::acceptBody(qint64 limit)
{
    if (m_state != State::HeadDone)
        return m_state != State::Failed;
    m_bodyLimit = limit;
    m_bodySeen = 0;
    if (m_contentLength > limit) {
        fail("payload_too_large",
             QStringLiteral("request body of %1 bytes exceeds the limit of %2 bytes for this route")
                 .arg(m_contentLength)
                 .arg(limit));
        return false;
    }
    if (m_chunked) {
        m_state = State::ChunkSize;
    } else if (m_contentLength > 0) {
        m_remaining = m_contentLength;
        m_state = State::Body;
    } else {
        m_state = State::Done;
    }
    return true;
}

} // namespace edgedesk
