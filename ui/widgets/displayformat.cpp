#include "widgets/displayformat.h"

#include <QDateTime>
#include <QHash>
#include <QLocale>

#include <cmath>

namespace edgedesk {

namespace {

// Three significant digits: 1.52, 12.3, 850.
QString threeDigits(double value, const char *unit)
{
    const int decimals = value < 10 ? 2 : value < 100 ? 1 : 0;
    return QStringLiteral("%1 %2").arg(value, 0, 'f', decimals).arg(QLatin1String(unit));
}

// "2 min 05 s": a whole number of the larger unit and two digits of the smaller one.
QString twoUnits(qint64 large, const char *largeUnit, qint64 small, const char *smallUnit)
{
    return QStringLiteral("%1 %2 %3 %4")
        .arg(large)
        .arg(QLatin1String(largeUnit))
        .arg(small, 2, 10, QLatin1Char('0'))
        .arg(QLatin1String(smallUnit));
}

} // namespace

QString DisplayFormat::bytes(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(qMax<qint64>(0, bytes));
    double value = double(bytes) / 1024.0;
    for (const char *unit : {"KiB", "MiB", "GiB"}) {
        if (value < 1024.0 || qstrcmp(unit, "GiB") == 0)
            return threeDigits(value, unit);
        value /= 1024.0;
    }
    return {};
}

QString DisplayFormat::duration(double milliseconds)
{
    if (!std::isfinite(milliseconds))
        return QStringLiteral("—");
    if (milliseconds < 0)
        milliseconds = 0;
    if (const qint64 us = std::llround(milliseconds * 1000.0); us < 1000)
        return QStringLiteral("%1 µs").arg(us);
    if (milliseconds < 1000)
        return threeDigits(milliseconds, "ms");
    if (milliseconds < 60000)
        return threeDigits(milliseconds / 1000.0, "s");
    const qint64 seconds = std::llround(milliseconds / 1000.0);
    if (seconds < 3600)
        return twoUnits(seconds / 60, "min", seconds % 60, "s");
    const qint64 minutes = seconds / 60;
    if (minutes < 24 * 60)
        return twoUnits(minutes / 60, "h", minutes % 60, "min");
    const qint64 hours = minutes / 60;
    return twoUnits(hours / 24, "d", hours % 24, "h");
}

QString DisplayFormat::count(qint64 n, const QString &one, const QString &many)
{
    return n == 1 ? one : many.arg(QLocale().toString(n));
}

QString DisplayFormat::rate(double perSecond, const QString &unit)
{
    if (!std::isfinite(perSecond) || perSecond < 0)
        perSecond = 0;
    return QStringLiteral("%1 %2/s").arg(perSecond, 0, 'f', perSecond < 100 ? 1 : 0).arg(unit);
}

QString DisplayFormat::timestamp(const QDateTime &time)
{
    return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
}

QString DisplayFormat::timestamp(const QString &iso)
{
    const QDateTime time = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return time.isValid() ? timestamp(time) : iso;
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
