#include "routing/httpfields.h"

#include <QList>

#include <algorithm>

namespace edgedesk {

std::optional<qint64> HttpFields::digits(const QByteArray &text)
{
    if (text.isEmpty() || text.size() > 18)
        return std::nullopt;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
    }
    return text.toLongLong();
}

QByteArray ByteRange::contentRange(qint64 size) const
{
    if (kind == Unsatisfiable)
        return "bytes */" + QByteArray::number(size);
    return "bytes " + QByteArray::number(first) + '-' + QByteArray::number(last) + '/' +
           QByteArray::number(size);
}

bool HttpFields::etagMatches(const QByteArray &ifNoneMatch, const QByteArray &etag)
{
    const auto candidates = ifNoneMatch.split(',');
    for (QByteArray candidate : candidates) {
        candidate = candidate.trimmed();
        if (candidate == "*")
            return true;
        if (candidate.startsWith("W/"))
            candidate = candidate.mid(2);
        if (candidate == etag)
            return true;
    }
    return false;
}

ByteRange HttpFields::resolveRange(const QByteArray &header, qint64 size)
{
    const QByteArray value = header.trimmed();
    if (!value.startsWith("bytes="))
        return {};
    const QByteArray spec = value.mid(6).trimmed();
    if (spec.contains(','))
        return {};
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return {};
    const QByteArray from = spec.left(dash).trimmed();
    const QByteArray to = spec.mid(dash + 1).trimmed();
    if (from.isEmpty()) {
        const auto suffix = digits(to);
        if (!suffix)
            return {};
        if (*suffix == 0 || size == 0)
            return {ByteRange::Unsatisfiable};
        return {ByteRange::Part, std::max<qint64>(0, size - *suffix), size - 1};
    }
    const auto first = digits(from);
    if (!first)
        return {};
    qint64 last = size - 1;
    if (!to.isEmpty()) {
        const auto end = digits(to);
        if (!end || *end < *first)
            return {};
        last = std::min(*end, size - 1);
    }
    if (*first >= size)
        return {ByteRange::Unsatisfiable};
    return {ByteRange::Part, *first, last};
}

ByteRange HttpFields::rangeFor(const QByteArray &range, const QByteArray &ifRange,
                               const QByteArray &etag, qint64 size)
{
    // If-Range: the range applies only to the version the client already holds part of.
    if (range.isEmpty() || (!ifRange.isEmpty() && ifRange.trimmed() != etag))
        return {};
    return resolveRange(range, size);
}

} // namespace edgedesk
