#pragma once

#include "traffic/trafficrecord.h"

namespace edgedesk {

// Headers as the traffic log keeps them: at most kMaxCount, values cut at kMaxValue bytes, and
// the values of credentials (Authorization, Proxy-Authorization, Cookie, Set-Cookie) replaced by
// kHidden, so the ring buffer never holds a token and a large header costs little.
class TrafficHeaderCap final
{
public:
    static constexpr qsizetype kMaxCount = 48;
    static constexpr qsizetype kMaxValue = 512;
    static constexpr QByteArrayView kHidden = "(hidden)";

    // `contentType`, when given, comes first as Content-Type. Returns `headers` itself (shared,
    // no copy) when nothing needs changing.
    static TrafficHeaders cap(const TrafficHeaders &headers, const QByteArray &contentType = {});
    static bool isCredential(const QByteArray &name);
};

} // namespace edgedesk
