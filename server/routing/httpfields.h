#pragma once

#include <QByteArray>

#include <optional>

namespace edgedesk {

// One `Range: bytes=` request resolved against a body of known size.
struct ByteRange
{
    enum Kind
    {
        Whole,        // no usable Range: the whole body, 200
        Part,         // 206
        Unsatisfiable // 416
    } kind = Whole;
    qint64 first = 0;
    qint64 last = 0; // inclusive

    qint64 length(qint64 size) const { return kind == Part ? last - first + 1 : size; }
    // "bytes 0-99/1234" for a Part, "bytes */1234" for Unsatisfiable.
    QByteArray contentRange(qint64 size) const;
};

// Header and parameter values the bindings that serve stored bytes parse alike (RFC 9110).
namespace HttpFields {
// A non-negative decimal of at most 18 digits: no sign, no spaces, no exponent.
std::optional<qint64> digits(const QByteArray &text);
// If-None-Match with the weak comparison: W/"x" matches "x", and "*" matches any etag.
bool etagMatches(const QByteArray &ifNoneMatch, const QByteArray &etag);
// One `bytes=` range against a body of `size` bytes. A syntactically odd header, another unit or a
// multi-range request is answered with the whole body, which RFC 9110 allows.
ByteRange resolveRange(const QByteArray &header, qint64 size);
// The Range to apply: none when If-Range names another version than `etag`.
ByteRange rangeFor(const QByteArray &range, const QByteArray &ifRange, const QByteArray &etag,
                   qint64 size);
} // namespace HttpFields

} // namespace edgedesk
