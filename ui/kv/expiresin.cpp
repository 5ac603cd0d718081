#include "kv/expiresin.h"

#include <QObject>

namespace edgedesk {

QString describeExpiresIn(qint64 seconds)
{
    if (seconds <= 0)
        return QObject::tr("expired");
    if (seconds < 60)
        return QObject::tr("in %1 s").arg(seconds);
    if (seconds < 3600)
        return QObject::tr("in %1 min").arg(seconds / 60);
    if (seconds < 86400) {
        const qint64 minutes = (seconds % 3600) / 60;
        return minutes ? QObject::tr("in %1 h %2 min").arg(seconds / 3600).arg(minutes)
                       : QObject::tr("in %1 h").arg(seconds / 3600);
    }
    const qint64 days = seconds / 86400;
    const qint64 hours = (seconds % 86400) / 3600;
    const QString dayText = days == 1 ? QObject::tr("1 day") : QObject::tr("%1 days").arg(days);
    return hours && days < 7 ? QObject::tr("in %1 %2 h").arg(dayText).arg(hours)
                             : QObject::tr("in %1").arg(dayText);
}

} // namespace edgedesk
