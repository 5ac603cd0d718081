#include "routing/routepattern.h"

#include <QUrl>

#include <cstring>

namespace edgedesk {

RoutePattern::RoutePattern(const QByteArray &pattern)
{
    const QList<QByteArray> parts = pattern.split('/');
    for (qsizetype i = 1; i < parts.size(); ++i) { // parts[0] is empty: patterns start with '/'
        const QByteArray &p = parts[i];
        if (p.startsWith("{*") && p.endsWith('}'))
            m_segments.push_back({Segment::Rest, p.mid(2, p.size() - 3)});
        else if (p.startsWith('{') && p.endsWith('}'))
            m_segments.push_back({Segment::Param, p.mid(1, p.size() - 2)});
        else
            m_segments.push_back({Segment::Literal, p});
    }
}

QHash<QString, QString> RoutePattern::capture(QByteArrayView rawPath) const
{
    QHash<QString, QString> params;
    match(rawPath, &params);
    return params;
}

std::optional<QByteArray> RoutePattern::literalFirstSegment() const
{
    if (m_segments.empty())
        return QByteArray();
    if (m_segments.front().kind != Segment::Literal)
        return std::nullopt;
    return m_segments.front().text;
}

bool RoutePattern::match(QByteArrayView path, QHash<QString, QString> *params) const
{
    if (path.isEmpty() || path[0] != '/')
        return false;
    qsizetype pos = 1;
    const qsizetype n = path.size();
    for (const Segment &seg : m_segments) {
        if (seg.kind == Segment::Rest) {
            if (params)
                params->insert(QString::fromLatin1(seg.text),
                               pos < n ? QUrl::fromPercentEncoding(path.sliced(pos).toByteArray())
                                       : QString());
            return true;
        }
        if (pos > n)
            return false;
        qsizetype next = path.indexOf('/', pos);
        if (next < 0)
            next = n;
        const qsizetype len = next - pos;
        if (seg.kind == Segment::Literal) {
            if (len != seg.text.size() ||
                std::memcmp(path.data() + pos, seg.text.constData(), size_t(len)) != 0)
                return false;
        } else {
            if (len == 0)
                return false;
            if (params)
                params->insert(QString::fromLatin1(seg.text),
                               QUrl::fromPercentEncoding(path.sliced(pos, len).toByteArray()));
        }
        pos = next + 1;
    }
    return pos > n; // the whole path was consumed, no trailing segment left
}

} // namespace edgedesk
