#pragma once

#include "util/result.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <functional>

namespace edgedesk {

// Export and import of a data folder's state (KV, bucket objects, durable storage, the
// encrypted secrets, the configuration) as one zip, for the desktop's File menu. Every call
// blocks: run it off the GUI thread. Errors have code `cancelled` when `progress` said stop.
namespace StateArchive {

// Called from the working thread with bytes done and the total; false asks the job to stop
// where stopping changes nothing.
using Progress = std::function<bool(qint64 done, qint64 total, const QString &step)>;

// What an archive holds, as people read it.
struct Contents
{
    QDateTime created;
    QString edgedeskVersion;
    QString summary; // "3 KV pairs in 1 namespace, 2 objects (1.2 MiB) in 1 bucket, ..."
    bool includesSecretKey = false;
};

struct Exported
{
    QString archivePath;
    qint64 archiveBytes = 0;
    Contents contents;
    QStringList warnings; // objects that could not be exported as recorded
};

struct Imported
{
    QString dataDir;
    Contents contents;
    QStringList notes; // what the user must know: a missing secrets key, a configuration kept
};

// Safe while a server uses the folder. `configPath` empty: the folder's own or the built-in one.
Result<Exported> exportState(const QString &dataDir, const QString &configPath,
                             const QString &archivePath, bool includeSecretKey,
                             const Progress &progress);
// The archive's contents after its structural checks, without unpacking anything.
Result<Contents> inspect(const QString &archivePath);
// All or nothing; refused (`conflict`) while a server holds the folder.
Result<Imported> importState(const QString &dataDir, const QString &archivePath,
                             const Progress &progress);

} // namespace StateArchive

} // namespace edgedesk
