#pragma once

#include <QString>

namespace edgedesk {

// How the section panels write sizes, durations and rates, so that every panel reads the same.
class DisplayFormat final
{
public:
    // "512 B", "12.3 KiB", "4.5 MiB"
    static QString bytes(qint64 bytes);
    // "850 ms", "1.24 s", "2 min 05 s"
    static QString duration(double milliseconds);
    // "35.2 tokens/s" style: one decimal below 100, none above.
    static QString rate(double perSecond, const QString &unit);
    // "200 OK", "503 Service Unavailable"; "no answer" for 0.
    static QString httpStatus(int status);
};

} // namespace edgedesk
