#pragma once

#include <QByteArrayView>

namespace edgedesk {

// Pieces of HTTP/1.x head parsing shared by the client side (HttpConnection's guard) and the
// upstream side (UpstreamConnection).

// Where a head ends in `buf`: just after "\r\n\r\n" or a bare "\n\n", searching from `from`
// (negative counts as 0); -1 if it has not ended yet.
qsizetype findHeadEnd(QByteArrayView buf, qsizetype from);

// Whether a comma-separated header value (Connection, Transfer-Encoding) holds `token`,
// compared without case.
bool hasToken(QByteArrayView value, const char *token);

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
