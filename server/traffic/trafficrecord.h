#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

namespace edgedesk {

using TrafficHeaders = QList<QPair<QByteArray, QByteArray>>;

// One request as it went through the router: what the Traffic panel and /traffic show.
struct TrafficRecord
{
    quint64 id = 0;
    qint64 timeMs = 0; // completion time, ms since the epoch
    QString method;
    QString path; // raw path and query
    QString route;
    QString binding;
    int status = 0;
    qint64 durationUs = 0;
    // Time before an upstream (container instance, remote URL) was asked; the rest of durationUs
    // is the upstream's. -1: the server answered by itself.
    qint64 queueUs = -1;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    QString instance;
    QString peer;
    // Capped (see trafficheaders.h); credentials are never kept.
    TrafficHeaders requestHeaders;
    TrafficHeaders responseHeaders; // the handler's own, Content-Type first
};

} // namespace edgedesk

Q_DECLARE_METATYPE(edgedesk::TrafficRecord)
