#pragma once

#include <QString>

class QDateTime;

namespace edgedesk {

// How every section writes sizes, durations and rates, so that the same figure reads the same
// in every panel. Sizes and durations keep three significant digits.
class DisplayFormat final
{
public:
    // "512 B", "1.50 KiB", "12.3 KiB", "700 KiB", "4.50 MiB"
    static QString bytes(qint64 bytes);
    // "420 µs", "1.52 ms", "12.3 ms", "850 ms", "1.24 s", "29.5 s", "2 min 05 s", "3 h 20 min",
    // "2 d 04 h"; "—" when not a number.
    static QString duration(double milliseconds);
    // "1 request", "1,234 requests": `one` for 1, else `many` with the number in %1.
    static QString count(qint64 n, const QString &one, const QString &many);
    // "35.2 tokens/s" style: one decimal below 100, none above.
    static QString rate(double perSecond, const QString &unit);
    // A moment in the user's locale, short: "28/12/2024 23:59".
    static QString timestamp(const QDateTime &time);
    // The same for a server's ISO 8601 time; the text as it is when it is not one.
    static QString timestamp(const QString &iso);
    // "200 OK", "503 Service Unavailable"; "no answer" for 0.
    static QString httpStatus(int status);
};

} // namespace edgedesk
