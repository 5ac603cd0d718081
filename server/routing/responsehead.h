#pragma once

#include "routing/httpresponse.h"

#include <QByteArray>
#include <QByteArrayView>

namespace edgedesk {

// The status line and headers of an answer as they go on the wire: the content type, the
// answer's own headers, the framing line(s), `Connection: close` when asked, the security
// headers, and X-Request-Id unless `requestId` is 0. HTML gets EdgeDesk's page policy when
// `pagePolicy` is set and the answer has no Content-Security-Policy of its own. Every answer
// (exchanges and the transport's refusals) is written through it.
QByteArray encodeResponseHead(int status, const QByteArray &contentType, const HeaderList &headers,
                              QByteArrayView framing, bool close, quint64 requestId,
                              bool pagePolicy = true);

} // namespace edgedesk
