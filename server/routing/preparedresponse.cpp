#include "routing/preparedresponse.h"

#include "routing/responsehead.h"

namespace edgedesk {

PreparedResponse::PreparedResponse(const HttpResponse &response)
    : m_status(response.status), m_body(response.body)
{
    // Encoded by the one head writer, without a request id and as kept alive; the blank line
    // goes so that the per-request lines can follow.
    m_head = encodeResponseHead(response.status, response.contentType, response.headers,
                                "Content-Length: " + QByteArray::number(response.body.size()) +
                                    "\r\n",
                                false, 0, response.pagePolicy);
    m_head.chop(2);
}

QByteArray PreparedResponse::wireBytes(quint64 requestId, bool close) const
{
    QByteArray out;
    out.reserve(m_head.size() + m_body.size() + 64);
    out += m_head;
    out += "X-Request-Id: ";
    out += QByteArray::number(requestId);
    out += "\r\n";
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += m_body;
    return out;
}

} // namespace edgedesk
