#include "transport/headparsing.h"

#include <cstring>

namespace edgedesk {

qsizetype findHeadEnd(QByteArrayView buf, qsizetype from)
{
    const char *d = buf.data();
    const qsizetype n = buf.size();
    for (qsizetype i = qMax<qsizetype>(0, from); i < n; ++i) {
        const void *hit = std::memchr(d + i, '\n', size_t(n - i));
        if (!hit)
            return -1;
        i = static_cast<const char *>(hit) - d;
        if (i + 1 < n && d[i + 1] == '\n')
            return i + 2;
        if (i + 2 < n && d[i + 1] == '\r' && d[i + 2] == '\n')
            return i + 3;
    }
    return -1;
}

bool hasToken(QByteArrayView value, const char *token)
{
    while (!value.isEmpty()) {
        const qsizetype comma = value.indexOf(',');
        const QByteArrayView part = (comma < 0 ? value : value.first(comma)).trimmed();
        if (part.compare(token, Qt::CaseInsensitive) == 0)
            return true;
        value = comma < 0 ? QByteArrayView() : value.sliced(comma + 1);
    }
    return false;
}

QByteArrayView HeadLines::next()
{
    const qsizetype nl = m_head.indexOf('\n', m_pos);
    const qsizetype stop = nl < 0 ? m_head.size() : nl;
    QByteArrayView line = m_head.sliced(m_pos, stop - m_pos);
    m_pos = nl < 0 ? m_head.size() : nl + 1;
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

} // namespace edgedesk
