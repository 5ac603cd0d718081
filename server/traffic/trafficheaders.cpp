#include "traffic/trafficheaders.h"

namespace edgedesk {

bool TrafficHeaderCap::isCredential(const QByteArray &name)
{
    for (QByteArrayView secret :
         {QByteArrayView("authorization"), QByteArrayView("proxy-authorization"),
          QByteArrayView("cookie"), QByteArrayView("set-cookie")}) {
        if (name.size() == secret.size() && name.compare(secret, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

TrafficHeaders TrafficHeaderCap::cap(const TrafficHeaders &headers, const QByteArray &contentType)
{
    bool unchanged = contentType.isEmpty() && headers.size() <= kMaxCount;
    for (qsizetype i = 0; unchanged && i < headers.size(); ++i)
        unchanged = headers[i].second.size() <= kMaxValue && !isCredential(headers[i].first);
    if (unchanged)
        return headers;

    TrafficHeaders out;
    out.reserve(std::min(headers.size() + 1, kMaxCount));
    if (!contentType.isEmpty())
        out.append({QByteArrayLiteral("Content-Type"), contentType.left(kMaxValue)});
    for (const auto &h : headers) {
        if (out.size() >= kMaxCount)
            break;
        if (isCredential(h.first))
            out.append({h.first, kHidden.toByteArray()});
        else
            out.append(
                {h.first, h.second.size() > kMaxValue ? h.second.left(kMaxValue) : h.second});
    }
    return out;
}

} // namespace edgedesk
