#pragma once

#include "util/result.h"

#include <QString>

#include <memory>

class QLockFile;

namespace edgedesk {

// The lock that says "a process is using this data folder": <data>/.edgedesk.lock, a QLockFile
// (pid, application and host inside; an advisory lock held on it while alive). The server takes it
// when it starts and keeps it until it stops; --import-state takes it before it replaces the
// folder, so neither can pull the state out from under the other. A lock left by a process that
// died is recognised as stale and taken over.
class DataFolderLock final
{
public:
    static QString fileName(); // ".edgedesk.lock"
    static QString lockPath(const QString &dataDir);

    // Takes the lock without waiting. `conflict` naming the holder when another live process
    // (or another lock in this process) holds it; `storage_error` when it cannot be created.
    static Result<std::unique_ptr<DataFolderLock>> acquire(const QString &dataDir);
    ~DataFolderLock(); // releases the lock and removes the file
    DataFolderLock(const DataFolderLock &) = delete;
    DataFolderLock &operator=(const DataFolderLock &) = delete;

    // The lock file as a path, for moving the held lock along with its folder (a hard link keeps
    // the same locked file under a second name).
    QString path() const;

private:
    explicit DataFolderLock(std::unique_ptr<QLockFile> lock, QString path);
    std::unique_ptr<QLockFile> m_lock;
    QString m_path;
};

} // namespace edgedesk
