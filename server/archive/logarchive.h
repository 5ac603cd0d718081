#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace edgedesk {

// The log export: one zip of every log file in the log folder (the server's own log and each
// container instance's, current and rotated), under a folder named like the zip.
class LogArchive final
{
public:
    LogArchive() = delete;

    // "edgedesk-logs-20240501-120000" (UTC): the zip's name without ".zip" and its folder.
    static QString baseName(const QDateTime &time);
    // Files are read as far as they were written when the export started; lines appended
    // meanwhile are left for the next export. A missing folder gives an empty archive.
    static Result<QByteArray> build(const QString &logFolder, const QDateTime &time);
};

} // namespace edgedesk
