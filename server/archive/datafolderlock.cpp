#include "archive/datafolderlock.h"

#include <QDir>
#include <QLockFile>

namespace edgedesk {

QString DataFolderLock::fileName()
{
    return QStringLiteral(".edgedesk.lock");
}

QString DataFolderLock::lockPath(const QString &dataDir)
{
    return QDir(dataDir).filePath(fileName());
}

DataFolderLock::DataFolderLock(std::unique_ptr<QLockFile> lock, QString path)
    : m_lock(std::move(lock)), m_path(std::move(path))
{}

DataFolderLock::~DataFolderLock() = default;

QString DataFolderLock::path() const
{
    return m_path;
}

Result<std::unique_ptr<DataFolderLock>> DataFolderLock::acquire(const QString &dataDir)
{
    const QString path = lockPath(QDir(dataDir).absolutePath());
    auto lock = std::make_unique<QLockFile>(path);
    // Staleness by age would let a second process take the lock of a server that has simply been
    // running for a while; a dead holder is still detected by its pid.
    lock->setStaleLockTime(0);
    if (lock->tryLock(0))
        return std::unique_ptr<DataFolderLock>(new DataFolderLock(std::move(lock), path));
    if (lock->error() == QLockFile::LockFailedError) {
        qint64 pid = 0;
        QString host;
        QString application;
        lock->getLockInfo(&pid, &host, &application);
        return makeError(QStringLiteral("conflict"),
                         QStringLiteral("the data folder %1 is in use by a running EdgeDesk "
                                        "(%2, pid %3); stop it first")
                             .arg(QDir::toNativeSeparators(QDir(dataDir).absolutePath()),
                                  application.isEmpty() ? QStringLiteral("edgedesk") : application)
                             .arg(pid));
    }
    return makeError(
        QStringLiteral("storage_error"),
        QStringLiteral("cannot create the lock file %1 (%2)")
            .arg(QDir::toNativeSeparators(path), lock->error() == QLockFile::PermissionError
                                                     ? QStringLiteral("permission denied")
                                                     : QStringLiteral("unknown error")));
}

} // namespace edgedesk
