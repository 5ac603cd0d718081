#pragma once

#include <QMetaType>
#include <QString>

namespace edgedesk {

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
    qint64 queueUs = -1; // time spent waiting in a queue (part of durationUs); -1: none
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    QString instance;
    QString peer;
};

} // namespace edgedesk

Q_DECLARE_METATYPE(edgedesk::TrafficRecord)
