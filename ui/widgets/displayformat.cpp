#include "widgets/displayformat.h"

#include <QHash>

#include <cmath>

namespace edgedesk {

QString DisplayFormat::bytes(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    const double kib = double(bytes) / 1024.0;
    if (kib < 1024.0)
        return QStringLiteral("%1 KiB").arg(kib, 0, 'f', kib < 10 ? 2 : 1);
    const double mib = kib / 1024.0;
    if (mib < 1024.0)
        return QStringLiteral("%1 MiB").arg(mib, 0, 'f', mib < 10 ? 2 : 1);
    return QStringLiteral("%1 GiB").arg(mib / 1024.0, 0, 'f', 2);
}

QString DisplayFormat::duration(double milliseconds)
{
    if (milliseconds < 0)
        milliseconds = 0;
    if (milliseconds < 10)
        return QStringLiteral("%1 ms").arg(milliseconds, 0, 'f', 1);
    if (milliseconds < 1000)
        return QStringLiteral("%1 ms").arg(std::llround(milliseconds));
    const double seconds = milliseconds / 1000.0;
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', seconds < 10 ? 2 : 1);
    const qint64 whole = std::llround(seconds);
    return QStringLiteral("%1 min %2 s").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
}

QString DisplayFormat::rate(double perSecond, const QString &unit)
{
    if (!std::isfinite(perSecond) || perSecond < 0)
        perSecond = 0;
    return QStringLiteral("%1 %2/s").arg(perSecond, 0, 'f', perSecond < 100 ? 1 : 0).arg(unit);
}

QString DisplayFormat::httpStatus(int status)
{
    if (status <= 0)
        return QStringLiteral("no answer");
    static const QHash<int, QString> phrases{
        {200, QStringLiteral("OK")},
        {201, QStringLiteral("Created")},
        {202, QStringLiteral("Accepted")},
        {204, QStringLiteral("No Content")},
        {206, QStringLiteral("Partial Content")},
        {301, QStringLiteral("Moved Permanently")},
        {302, QStringLiteral("Found")},
        {304, QStringLiteral("Not Modified")},
        {400, QStringLiteral("Bad Request")},
        {401, QStringLiteral("Unauthorized")},
        {403, QStringLiteral("Forbidden")},
        {404, QStringLiteral("Not Found")},
        {405, QStringLiteral("Method Not Allowed")},
        {408, QStringLiteral("Request Timeout")},
        {409, QStringLiteral("Conflict")},
        {411, QStringLiteral("Length Required")},
        {412, QStringLiteral("Precondition Failed")},
        {413, QStringLiteral("Payload Too Large")},
        {415, QStringLiteral("Unsupported Media Type")},
        {416, QStringLiteral("Range Not Satisfiable")},
        {421, QStringLiteral("Misdirected Request")},
        {422, QStringLiteral("Unprocessable Content")},
        {429, QStringLiteral("Too Many Requests")},
        {431, QStringLiteral("Request Header Fields Too Large")},
        {500, QStringLiteral("Internal Server Error")},
        {501, QStringLiteral("Not Implemented")},
        {502, QStringLiteral("Bad Gateway")},
        {503, QStringLiteral("Service Unavailable")},
        {504, QStringLiteral("Gateway Timeout")},
    };
    const QString phrase = phrases.value(status);
    return phrase.isEmpty() ? QString::number(status)
                            : QStringLiteral("%1 %2").arg(status).arg(phrase);
}

} // namespace edgedesk
