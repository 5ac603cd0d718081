#pragma once

#include "util/result.h"
#include "storage/sqlitedb.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

#include <optional>

namespace edgedesk {

struct KvEntry
{
    QByteArray value;
    QString contentType;
    QByteArray metadata;   // JSON text, or empty
    qint64 expiration = 0; // seconds since the epoch; 0 = never
};

struct KvListing
{
    struct Key
    {
        QString name;
        qint64 expiration = 0;
        QByteArray metadata;
    };
    QList<Key> keys;
    bool listComplete = true;
    QString cursor;
};

// One KV namespace in SQLite (WAL). Reads use their own connection and may run on the server
// thread (a primary-key lookup takes microseconds); writes go through a second connection under a
// mutex and belong on the worker pool. Expired keys are never returned and are purged lazily.
// Small values that are read are kept in a read cache, which every write through this store
// invalidates (nothing else writes the database while a server holds the data folder's lock).
class KvStore final
{
public:
    static constexpr qint64 kMaxKeyBytes = 512;
    static constexpr qint64 kMaxValueBytes = 25 * 1024 * 1024;
    static constexpr qint64 kMaxMetadataBytes = 1024;

    static Result<std::unique_ptr<KvStore>> open(const QString &path);
    ~KvStore();

    static std::optional<Error> validateKey(const QString &key);
    static std::optional<Error> validateMetadata(const QByteArray &metadataJson);

    // Thread of the caller; one reader thread at a time (the server thread).
    Result<std::optional<KvEntry>> get(const QString &key);
    Result<KvListing> list(const QString &prefix, const QString &cursor, int limit);

    // Any thread; serialized.
    Status put(const QString &key, const QByteArray &value, const QString &contentType,
               const QByteArray &metadata, qint64 expiration);
    Result<bool> remove(const QString &key); // true when a key was removed
    qint64 purgeExpired();
    bool wasCreated() const { return m_created; }

    static constexpr qint64 kMaxCachedValueBytes = 64 * 1024;
    static constexpr qsizetype kMaxCachedKeys = 1024;

private:
    KvStore() = default;
    Result<std::optional<KvEntry>> read(const QString &key);
    void forget(const QString &key); // after a committed write of `key` (empty: all keys)

    QMutex m_cacheMutex;
    QHash<QString, KvEntry> m_cache;
    quint64 m_generation = 0; // bumped by every write, so a read that raced one is not cached
    SqliteDb m_read;
    SqliteDb m_write;
    QMutex m_writeMutex;
    QMutex m_readMutex;
    bool m_created = false;
};

} // namespace edgedesk
