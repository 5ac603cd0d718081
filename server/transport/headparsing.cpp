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

bool isFieldName(QByteArrayView name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || std::strchr("\"(),/:;<=>?@[\\]{}", c))
            return false;
    }
    return true;
}

std::optional<qint64> parseChunkSize(QByteArrayView line)
{
    qint64 size = 0;
    qsizetype i = 0;
    for (; i < line.size(); ++i) {
        const char c = line[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            break;
        if (size >> 56)
            return std::nullopt; // would not fit: no body is that large
        size = size * 16 + digit;
    }
    if (i == 0)
        return std::nullopt;
    // What may follow the digits: nothing, or extensions (";name[=value]", with optional
    // whitespace before the ';'). Their content is ignored but must not hold control bytes.
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
        ++i;
    if (i == line.size())
        return size;
    if (line[i] != ';')
        return std::nullopt;
    for (; i < line.size(); ++i) {
        const auto u = static_cast<unsigned char>(line[i]);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return std::nullopt;
    }
    return size;
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
