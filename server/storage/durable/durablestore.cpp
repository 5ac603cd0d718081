#include "storage/durable/durablestore.h"

#include "storage/storagekey.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace edgedesk {

namespace {

// Values are stored as one-element JSON arrays, so scalars (a number, a string) round-trip
// exactly like objects do.
QByteArray encode(const QJsonValue &value)
{
    return QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
}

std::optional<QJsonValue> decode(const QByteArray &text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
        return std::nullopt;
    return doc.array().first();
}

} // namespace

Result<std::shared_ptr<DurableStore>> DurableStore::open(const QString &path)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot create the folder of %1").arg(path));
    std::shared_ptr<DurableStore> store(new DurableStore);
    store->m_path = path;
    auto db = SqliteDb::open(path);
    if (!db)
        return db.error();
    store->m_db = std::move(*db);
    if (auto st = store->m_db.exec("CREATE TABLE IF NOT EXISTS storage ("
                                   " key TEXT PRIMARY KEY NOT NULL,"
                                   " value TEXT NOT NULL) WITHOUT ROWID;");
        !st)
        return st.error();
    auto select = store->m_db.prepare("SELECT key, value FROM storage ORDER BY key");
    if (!select)
        return select.error();
    SqliteStatement *s = *select;
    while (s->next()) {
        if (auto value = decode(s->blob(1)))
            store->m_cache.insert(s->text(0), *value);
    }
    if (!s->error().isEmpty())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot read %1: %2").arg(path, s->error()));
    return store;
}

DurableStore::~DurableStore() = default;

std::optional<Error> DurableStore::validate(const QString &key)
{
    return checkStorageKey(key, kMaxKeyBytes);
}

std::optional<QJsonValue> DurableStore::get(const QString &key) const
{
    QMutexLocker lock(&m_cacheMutex);
    const auto it = m_cache.constFind(key);
    if (it == m_cache.constEnd())
        return std::nullopt;
    return it.value();
}

QStringList DurableStore::list(const QString &prefix, int limit) const
{
    QMutexLocker lock(&m_cacheMutex);
    QStringList keys;
    for (auto it = m_cache.constBegin(); it != m_cache.constEnd(); ++it) {
        if (!it.key().startsWith(prefix))
            continue;
        keys.append(it.key());
        if (limit > 0 && keys.size() >= limit)
            break;
    }
    return keys;
}

QJsonObject DurableStore::snapshot() const
{
    QMutexLocker lock(&m_cacheMutex);
    return m_cache;
}

Status DurableStore::put(const QString &key, const QJsonValue &value)
{
    if (auto invalid = validate(key))
        return *invalid;
    if (value.isUndefined())
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("undefined cannot be stored; delete the key instead"));
    const QByteArray encoded = encode(value);
    if (encoded.size() > kMaxValueBytes)
        return makeError(QStringLiteral("payload_too_large"),
                         QStringLiteral("values are at most %1 bytes as JSON").arg(kMaxValueBytes));
    QMutexLocker lock(&m_writeMutex);
    auto stmt = m_db.prepare("INSERT INTO storage(key, value) VALUES(?1, ?2)"
                             " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!stmt)
        return stmt.error();
    (*stmt)->bind(1, key).bind(2, encoded);
    if (!(*stmt)->run())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot store %1: %2").arg(key, (*stmt)->error()));
    QMutexLocker cacheLock(&m_cacheMutex);
    m_cache.insert(key, value);
    return Ok{};
}

Result<bool> DurableStore::remove(const QString &key)
{
    if (auto invalid = validate(key))
        return *invalid;
    QMutexLocker lock(&m_writeMutex);
    auto stmt = m_db.prepare("DELETE FROM storage WHERE key = ?1");
    if (!stmt)
        return stmt.error();
    (*stmt)->bind(1, key);
    if (!(*stmt)->run())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot delete %1: %2").arg(key, (*stmt)->error()));
    const bool existed = m_db.changes() > 0;
    QMutexLocker cacheLock(&m_cacheMutex);
    m_cache.remove(key);
    return existed;
}

} // namespace edgedesk
