#pragma once

#include <QByteArrayView>
#include <QtGlobal>

#include <optional>

namespace edgedesk {

// Pieces of HTTP/1.x head parsing shared by the client side (RequestParser) and the upstream
// side (UpstreamConnection).

// Where a head ends in `buf`: just after "\r\n\r\n" or a bare "\n\n", searching from `from`
// (negative counts as 0); -1 if it has not ended yet.
qsizetype findHeadEnd(QByteArrayView buf, qsizetype from);

// Whether a comma-separated header value (Connection, Transfer-Encoding) holds `token`,
// compared without case.
bool hasToken(QByteArrayView value, const char *token);

// Whether `name` is a header field name: a non-empty RFC 9110 token (no spaces, no separators).
bool isFieldName(QByteArrayView name);

// The size on a chunk-size line (its "\r\n" or "\n" already removed): hex digits only (no "0x",
// no sign, no spaces before them), then optional extensions after ';'. Nothing when the line is
// malformed or the size does not fit in 60 bits.
std::optional<qint64> parseChunkSize(QByteArrayView line);

// The lines of a head, as views into it, without their "\r\n" or "\n".
class HeadLines
{
public:
    explicit HeadLines(QByteArrayView head) : m_head(head) {}
    bool atEnd() const { return m_pos >= m_head.size(); }
    QByteArrayView next();

private:
    QByteArrayView m_head;
    qsizetype m_pos = 0;
};

} // namespace edgedesk
