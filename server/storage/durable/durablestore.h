#pragma once

#include "util/result.h"
#include "storage/sqlitedb.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace edgedesk {

// The durable-object-style storage of one container instance: JSON values under string keys in
// its own SQLite file (<data>/durable/<ClassName>/<instance>.sqlite, WAL). Writes go to disk
// under a mutex and belong on the worker pool; every key is also kept in memory, so reads
// (GET /__edgedesk/v1/containers, any thread) never touch the disk.
class DurableStore final
{
public:
    static constexpr qsizetype kMaxKeyBytes = 2048;
    static constexpr qsizetype kMaxValueBytes = 128 * 1024; // as the platform limits a value

    static Result<std::shared_ptr<DurableStore>> open(const QString &path);
    ~DurableStore();
    DurableStore(const DurableStore &) = delete;
    DurableStore &operator=(const DurableStore &) = delete;

    // Any thread.
    std::optional<QJsonValue> get(const QString &key) const;
    // Keys in order, from `prefix`, at most `limit` (0: all).
    QStringList list(const QString &prefix = QString(), int limit = 0) const;
    QJsonObject snapshot() const;
    QString path() const { return m_path; }

    // Any thread; serialized; on disk before they return.
    Status put(const QString &key, const QJsonValue &value);
    Result<bool> remove(const QString &key); // true when the key existed

private:
    DurableStore() = default;
    static std::optional<Error> validate(const QString &key);

    QString m_path;
    SqliteDb m_db;
    QMutex m_writeMutex;
    mutable QMutex m_cacheMutex;
    QJsonObject m_cache;
};

} // namespace edgedesk
