#include "serveroptions.h"

#include <QStandardPaths>

namespace edgedesk {

QString ServerOptions::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString ServerOptions::validate() const
{
    if (port < 0 || port > 65535)
        return QStringLiteral("port must be 0..65535");
    if (bindAddress.isNull())
        return QStringLiteral("the bind address is not a valid IP address");
    if (!bindAddress.isLoopback() && token.isEmpty()) {
        return QStringLiteral("binding to %1 exposes /run and the control API to the network: set "
                              "an access token "
                              "with --token or EDGEDESK_TOKEN (clients then send 'Authorization: "
                              "Bearer <token>')")
            .arg(bindAddress.toString());
    }
    return {};
}

} // namespace edgedesk
