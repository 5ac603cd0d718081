#include "storage/kv/kvstore.h"

#include "storage/storagekey.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>

namespace edgedesk {

namespace {

qint64 nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

Error storageError(const QString &what, const QString &detail)
{
    return makeError(QStringLiteral("storage_error"), QStringLiteral("%1: %2").arg(what, detail));
}

QString encodeCursor(const QString &key)
{
    return QString::fromLatin1(
        key.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

Result<std::unique_ptr<KvStore>> KvStore::open(const QString &path)
{
    std::unique_ptr<KvStore> store(new KvStore);
    store->m_created = !QFileInfo::exists(path);
    auto write = SqliteDb::open(path);
    if (!write)
        return write.error();
    store->m_write = std::move(*write);
    if (auto st = store->m_write.exec(
            "CREATE TABLE IF NOT EXISTS kv ("
            " key TEXT PRIMARY KEY NOT NULL,"
            " value BLOB NOT NULL,"
            " content_type TEXT NOT NULL DEFAULT '',"
            " metadata TEXT NOT NULL DEFAULT '',"
            " expiration INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
            "CREATE INDEX IF NOT EXISTS kv_expiration ON kv(expiration) WHERE expiration > 0;");
        !st)
        return st.error();
    auto read = SqliteDb::open(path);
    if (!read)
        return read.error();
    store->m_read = std::move(*read);
    return store;
}

KvStore::~KvStore() = default;

std::optional<Error> KvStore::validateKey(const QString &key)
{
    if (std::optional<Error> e = checkStorageKey(key, kMaxKeyBytes))
        return e;
    if (key == QLatin1String(".") || key == QLatin1String(".."))
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("'.' and '..' are not valid keys"));
    if (key.contains(QChar::ReplacementCharacter))
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("the key must be valid UTF-8"));
    return std::nullopt;
}

std::optional<Error> KvStore::validateMetadata(const QByteArray &metadataJson)
{
    if (metadataJson.isEmpty())
        return std::nullopt;
    if (metadataJson.size() > kMaxMetadataBytes)
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("metadata is %1 bytes; at most %2")
                             .arg(metadataJson.size())
                             .arg(kMaxMetadataBytes));
    QJsonParseError error;
    QJsonDocument::fromJson(metadataJson, &error);
    if (error.error != QJsonParseError::NoError)
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("metadata is not valid JSON: %1").arg(error.errorString()));
    return std::nullopt;
}

Result<std::optional<KvEntry>> KvStore::get(const QString &key)
{
    quint64 generation = 0;
    {
        QMutexLocker lock(&m_cacheMutex);
        const auto it = m_cache.constFind(key);
        if (it != m_cache.cend()) {
            if (it->expiration > 0 && it->expiration <= nowSeconds())
                return std::optional<KvEntry>();
            return std::optional<KvEntry>(*it);
        }
        generation = m_generation;
    }
    auto result = read(key);
    if (result.ok() && result->has_value() && (*result)->value.size() <= kMaxCachedValueBytes) {
        QMutexLocker lock(&m_cacheMutex);
        if (generation == m_generation) { // no write committed since the read began
            if (m_cache.size() >= kMaxCachedKeys)
                m_cache.erase(m_cache.begin());
            m_cache.insert(key, **result);
        }
    }
    return result;
}

void KvStore::forget(const QString &key)
{
    QMutexLocker lock(&m_cacheMutex);
    ++m_generation;
    if (key.isEmpty())
        m_cache.clear();
    else
        m_cache.remove(key);
}

Result<std::optional<KvEntry>> KvStore::read(const QString &key)
{
    QMutexLocker lock(&m_readMutex);
    auto st =
        m_read.prepare("SELECT value, content_type, metadata, expiration FROM kv WHERE key = ?1");
    if (!st)
        return st.error();
    SqliteStatement *q = *st;
    q->bind(1, key);
    if (!q->next()) {
        if (!q->error().isEmpty())
            return storageError(QStringLiteral("KV read failed"), q->error());
        return std::optional<KvEntry>();
    }
    KvEntry entry;
    entry.expiration = q->int64(3);
    if (entry.expiration > 0 && entry.expiration <= nowSeconds()) {
        q->reset();
        return std::optional<KvEntry>();
    }
    entry.value = q->blob(0);
    entry.contentType = q->text(1);
    entry.metadata = q->text(2).toUtf8();
    q->reset();
    return std::optional<KvEntry>(std::move(entry));
}

Result<KvListing> KvStore::list(const QString &prefix, const QString &cursor, int limit)
{
    QString after;
    if (!cursor.isEmpty()) {
        const auto decoded = QByteArray::fromBase64Encoding(
            cursor.toLatin1(),
            QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return makeError(QStringLiteral("bad_request"),
                             QStringLiteral("the cursor is not valid"));
        after = QString::fromUtf8(*decoded);
    }
    QMutexLocker lock(&m_readMutex);
    auto st = m_read.prepare("SELECT key, expiration, metadata FROM kv"
                             " WHERE key > ?1 AND key >= ?2 AND substr(key, 1, length(?2)) = ?2"
                             " AND (expiration = 0 OR expiration > ?3)"
                             " ORDER BY key LIMIT ?4");
    if (!st)
        return st.error();
    SqliteStatement *q = *st;
    q->bind(1, after).bind(2, prefix).bind(3, nowSeconds()).bind(4, limit + 1);
    KvListing listing;
    while (q->next()) {
        if (listing.keys.size() == limit) {
            listing.listComplete = false;
            break;
        }
        listing.keys.append({q->text(0), q->int64(1), q->text(2).toUtf8()});
    }
    q->reset();
    if (!listing.listComplete && !listing.keys.isEmpty())
        listing.cursor = encodeCursor(listing.keys.last().name);
    return listing;
}

Status KvStore::put(const QString &key, const QByteArray &value, const QString &contentType,
                    const QByteArray &metadata, qint64 expiration)
{
    QMutexLocker lock(&m_writeMutex);
    auto st = m_write.prepare("INSERT INTO kv(key, value, content_type, metadata, expiration)"
                              " VALUES(?1, ?2, ?3, ?4, ?5)"
                              " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
                              " content_type = excluded.content_type, metadata = excluded.metadata,"
                              " expiration = excluded.expiration");
    if (!st)
        return st.error();
    (*st)
        ->bind(1, key)
        .bind(2, value)
        .bind(3, contentType)
        .bind(4, QString::fromUtf8(metadata))
        .bind(5, expiration);
    const bool written = (*st)->run();
    forget(key); // also when the write failed: the stored state is then unknown
    if (!written)
        return storageError(QStringLiteral("KV write failed"), (*st)->error());
    return Ok{};
}

Result<bool> KvStore::remove(const QString &key)
{
    QMutexLocker lock(&m_writeMutex);
    auto st = m_write.prepare("DELETE FROM kv WHERE key = ?1");
    if (!st)
        return st.error();
    (*st)->bind(1, key);
    const bool deleted = (*st)->run();
    forget(key);
    if (!deleted)
        return storageError(QStringLiteral("KV delete failed"), (*st)->error());
    return m_write.changes() > 0;
}

qint64 KvStore::purgeExpired()
{
    QMutexLocker lock(&m_writeMutex);
    auto st = m_write.prepare("DELETE FROM kv WHERE expiration > 0 AND expiration <= ?1");
    if (!st)
        return 0;
    (*st)->bind(1, nowSeconds());
    (*st)->run();
    forget(QString()); // cached entries check their expiration anyway; keep the cache honest
    return m_write.changes();
}

} // namespace edgedesk
