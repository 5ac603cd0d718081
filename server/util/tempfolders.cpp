#include "util/tempfolders.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstdlib>
#include <signal.h>
#include <unistd.h>

namespace edgedesk {

QString makeProcessTempFolder(const QString &tempDir, const QString &prefix)
{
    QByteArray pattern = QFile::encodeName(QStringLiteral("%1/%2-%3-XXXXXX")
                                               .arg(tempDir, prefix)
                                               .arg(QCoreApplication::applicationPid()));
    if (!::mkdtemp(pattern.data()))
        return {};
    return QFile::decodeName(pattern);
}

int removeTempFoldersOfGoneProcesses(const QString &tempDir, const QString &prefix,
                                     qint64 legacyMaxAgeSecs)
{
    int removed = 0;
    const QFileInfoList entries = QDir(tempDir).entryInfoList(
        {prefix + QStringLiteral("-*")}, QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
    const QDateTime legacyLimit = QDateTime::currentDateTimeUtc().addSecs(-legacyMaxAgeSecs);
    for (const QFileInfo &entry : entries) {
        if (entry.ownerId() != ::getuid())
            continue;
        // What follows the prefix: "<pid>-XXXXXX", or "XXXXXX" in the legacy form.
        const QStringList parts = entry.fileName().mid(prefix.size() + 1).split(QLatin1Char('-'));
        bool numeric = false;
        const qint64 pid = parts.size() == 2 ? parts[0].toLongLong(&numeric) : 0;
        bool stale = false;
        if (numeric && pid > 0)
            stale = pid != QCoreApplication::applicationPid() && ::kill(pid_t(pid), 0) != 0 &&
                    errno == ESRCH;
        else if (parts.size() == 1 && legacyMaxAgeSecs > 0)
            stale = entry.lastModified().toUTC() < legacyLimit;
        if (stale && QDir(entry.filePath()).removeRecursively())
            ++removed;
    }
    return removed;
}

} // namespace edgedesk
