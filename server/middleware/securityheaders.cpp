#include "middleware/securityheaders.h"

#include <QString>

namespace edgedesk {

QByteArray SecurityHeaders::contentSecurityPolicy()
{
    // The frontend has no inline script or style and makes no external request.
    return QByteArrayLiteral("default-src 'self'; script-src 'self'; style-src 'self'; "
                             "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
                             "base-uri 'none'; frame-ancestors 'self'; form-action 'self'");
}

const QByteArray &SecurityHeaders::common()
{
    static const QByteArray headers = QByteArrayLiteral("X-Content-Type-Options: nosniff\r\n"
                                                        "X-Frame-Options: SAMEORIGIN\r\n"
                                                        "Referrer-Policy: same-origin\r\n");
    return headers;
}

const QByteArray &SecurityHeaders::htmlPolicy()
{
    static const QByteArray line = QByteArrayLiteral("Content-Security-Policy: ") +
                                   contentSecurityPolicy() + QByteArrayLiteral("\r\n");
    return line;
}

} // namespace edgedesk
