#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>
#include <vector>

namespace edgedesk {

// A route's path pattern, compiled: segments that are literals, `{name}` (one segment) or a
// final `{*name}` (the rest of the path, possibly empty, slashes included).
class RoutePattern final
{
public:
    explicit RoutePattern(const QByteArray &pattern);

    // Whether the raw (percent-encoded) path matches; walks it without allocating.
    bool matches(QByteArrayView rawPath) const { return match(rawPath, nullptr); }
    // The parameters the pattern captures from `rawPath`, percent-decoded.
    QHash<QString, QString> capture(QByteArrayView rawPath) const;
    // The first segment when it is a literal ("" for the pattern "/"); nothing when it is a
    // parameter.
    std::optional<QByteArray> literalFirstSegment() const;

private:
    bool match(QByteArrayView path, QHash<QString, QString> *params) const;

    struct Segment
    {
        enum Kind
        {
            Literal,
            Param,
            Rest
        } kind;
        QByteArray text; // literal text or parameter name
    };
    std::vector<Segment> m_segments;
};

} // namespace edgedesk
