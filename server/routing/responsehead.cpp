#include "routing/responsehead.h"

#include "middleware/securityheaders.h"

#include <algorithm>

namespace edgedesk {

QByteArray encodeResponseHead(int status, const QByteArray &contentType, const HeaderList &headers,
                              QByteArrayView framing, bool close, quint64 requestId,
                              bool pagePolicy)
{
    QByteArray out;
    out.reserve(384);
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += HttpStatusTable::reasonPhrase(status);
    out += "\r\n";
    if (!contentType.isEmpty()) {
        out += "Content-Type: ";
        out += contentType;
        out += "\r\n";
    }
    for (const auto &h : headers) {
        out += h.first;
        out += ": ";
        out += h.second;
        out += "\r\n";
    }
    out += framing;
    if (close)
        out += "Connection: close\r\n";
    out += SecurityHeaders::common();
    // A handler's own policy (stored user content: a sandbox) replaces the frontend's; a
    // project's pages get none.
    if (pagePolicy && contentType.startsWith("text/html") &&
        std::none_of(headers.cbegin(), headers.cend(), [](const auto &h) {
            return h.first.compare("Content-Security-Policy", Qt::CaseInsensitive) == 0;
        }))
        out += SecurityHeaders::htmlPolicy();
    if (requestId != 0) {
        out += "X-Request-Id: ";
        out += QByteArray::number(requestId);
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

} // namespace edgedesk
