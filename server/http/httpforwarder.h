#pragma once

#include "http/httpexchange.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

namespace edgedesk {

// Forwards an exchange to an HTTP upstream through QNetworkAccessManager, in the server thread
// (QNAM is asynchronous, so the thread never blocks). End-to-end headers pass through; hop-by-hop
// ones are dropped; X-Forwarded-For/-Proto/-Host are added. A client that leaves aborts the
// upstream request.
class HttpForwarder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpForwarder)

public:
    explicit HttpForwarder(QObject *parent = nullptr);

    struct Options
    {
        int timeoutMs = 60000;
        QString upstreamName; // named in errors and X-EdgeDesk-Instance, e.g. "instance-1"
        QByteArray instanceHeader = "X-EdgeDesk-Instance";
    };
    // `target` is the full upstream URL (path and query included).
    void forward(const ExchangePtr &exchange, const QUrl &target, const Options &options,
                 std::function<void(int status)> done = {});

    static bool isHopByHop(const QByteArray &name);

private:
    QNetworkAccessManager m_network;
};

} // namespace edgedesk
