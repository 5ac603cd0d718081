#pragma once

#include "routing/httpresponse.h"

#include <QByteArray>

namespace edgedesk {

// A complete GET answer encoded once and sent many times (a static asset): the status line,
// headers and body exactly as they go on the wire, but for the two lines that differ per request
// (X-Request-Id, and Connection: close when the client asked for it), which wireBytes() adds.
// Sending it is one buffer and one socket write, with no header encoding per request.
class PreparedResponse final
{
public:
    PreparedResponse() = default;
    // response: a full answer (no HEAD, no range); its body is kept, shared.
    explicit PreparedResponse(const HttpResponse &response);

    bool isNull() const { return m_head.isEmpty(); }
    int status() const { return m_status; }
    qint64 bodySize() const { return m_body.size(); }
    QByteArray wireBytes(quint64 requestId, bool close) const;

private:
    int m_status = 0;
    QByteArray m_head; // through the last header line, without the blank line that ends it
    QByteArray m_body;
};

} // namespace edgedesk
