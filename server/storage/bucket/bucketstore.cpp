#include "storage/bucket/bucketstore.h"

#include "storage/durablefiles.h"

#include "storage/bucket/bucketlistquery.h"
#include "storage/bucket/bucketlog.h"
#include "storage/bucket/bucketrow.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QStringDecoder>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace edgedesk {

namespace {

constexpr qint64 kMaxKeyBytes = 1024;
constexpr qint64 kMaxMetadataBytes = 8192;
constexpr int kMaxContentTypeLength = 255;

const char *const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS objects(
    key TEXT PRIMARY KEY NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_ms INTEGER NOT NULL,
    custom_metadata TEXT NOT NULL,
    file TEXT NOT NULL UNIQUE
) WITHOUT ROWID;
)sql";

const char *const kSelectObject = "SELECT key, size, etag, content_type, uploaded_ms, "
                                  "custom_metadata, file FROM objects WHERE key = ?1";
const char *const kUpsert =
    "INSERT INTO objects(key, size, etag, content_type, uploaded_ms, custom_metadata, file) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(key) DO UPDATE SET size = excluded.size, "
    "etag = excluded.etag, content_type = excluded.content_type, uploaded_ms = "
    "excluded.uploaded_ms, custom_metadata = excluded.custom_metadata, file = excluded.file";
const char *const kSelectFile = "SELECT file FROM objects WHERE key = ?1";
const char *const kDelete = "DELETE FROM objects WHERE key = ?1";
const char *const kFileKnown = "SELECT 1 FROM objects WHERE file = ?1";
const char *const kStats = "SELECT count(*), coalesce(sum(size), 0) FROM objects";

Error badRequest(const QString &message)
{
    return makeError(QStringLiteral("bad_request"), message);
}

Error storageError(const QString &message)
{
    return makeError(QStringLiteral("storage_error"), message);
}

Error notFound(const QString &key)
{
    return makeError(QStringLiteral("not_found"), QStringLiteral("no object named '%1'").arg(key));
}

bool hasControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7F)
            return true;
    }
    return false;
}

// For uploads whose temporary file was filled without BucketUpload::write().
bool hashFile(const QString &path, QByteArray *md5, qint64 *size)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    QCryptographicHash hash(QCryptographicHash::Md5);
    if (!hash.addData(&file))
        return false;
    *md5 = hash.result();
    *size = file.size();
    return true;
}

} // namespace

BucketStore::BucketStore(QString root, Options options, SqliteDb db)
    : m_root(std::move(root)), m_options(options), m_db(std::move(db))
{}

BucketStore::~BucketStore() = default;

Result<std::unique_ptr<BucketStore>> BucketStore::open(const QString &rootDir)
{
    return open(rootDir, Options{});
}

Result<std::unique_ptr<BucketStore>> BucketStore::open(const QString &rootDir, Options options)
{
    const QString root = QDir(rootDir).absolutePath();
    QDir dir(root);
    if (!dir.mkpath(QStringLiteral("objects")) || !dir.mkpath(QStringLiteral("tmp")))
        return storageError(QStringLiteral("cannot create the bucket folder %1").arg(root));
    auto db = SqliteDb::open(dir.filePath(QStringLiteral("meta.sqlite")));
    if (!db)
        return db.error();
    if (auto st = db->exec(kSchema); !st)
        return st.error();
    std::unique_ptr<BucketStore> store(new BucketStore(root, options, std::move(*db)));
    if (auto st = store->sweep(); !st)
        return st.error();
    return store;
}

Status BucketStore::sweep()
{
    QDir tmp(m_root + QStringLiteral("/tmp"));
    const auto leftovers = tmp.entryList(QDir::Files | QDir::Hidden | QDir::System);
    for (const QString &name : leftovers) {
        qCInfo(lcBucket) << "removing an interrupted upload" << name;
        tmp.remove(name);
    }

    // Files that no row names were renamed into place by a writer that died before its metadata
    // commit, or were about to be deleted after one.
    const QDir root(m_root);
    QDirIterator it(m_root + QStringLiteral("/objects"), QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    QMutexLocker lock(&m_dbMutex);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = root.relativeFilePath(path);
        auto stmt = m_db.prepare(kFileKnown);
        if (!stmt)
            return stmt.error();
        (*stmt)->bind(1, relative);
        const bool known = (*stmt)->next();
        (*stmt)->reset();
        if (!known) {
            qCInfo(lcBucket) << "removing an orphaned object file" << relative;
            QFile::remove(path);
        }
    }
    return Ok{};
}

Status BucketStore::validateKey(const QString &key)
{
    if (key.isEmpty())
        return badRequest(QStringLiteral("key must not be empty"));
    if (!key.isValidUtf16())
        return badRequest(QStringLiteral("key must be valid UTF-8"));
    if (key.contains(QChar(u'\0')))
        return badRequest(QStringLiteral("key must not contain NUL characters"));
    if (key.toUtf8().size() > kMaxKeyBytes)
        return badRequest(
            QStringLiteral("key must be at most %1 bytes of UTF-8").arg(kMaxKeyBytes));
    if (key.startsWith(u'/'))
        return badRequest(QStringLiteral("key must not start with '/'"));
    const auto segments = QStringView(key).split(u'/');
    for (const auto segment : segments) {
        if (segment == u"..")
            return badRequest(QStringLiteral("key must not contain a '..' segment"));
    }
    return Ok{};
}

Result<QString> BucketStore::keyFromUtf8(const QByteArray &utf8)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString key = decoder.decode(utf8);
    if (decoder.hasError())
        return badRequest(QStringLiteral("key must be valid UTF-8"));
    if (auto st = validateKey(key); !st)
        return st.error();
    return key;
}

Status BucketStore::validatePut(const QString &key, const QString &contentType,
                                const QMap<QString, QString> &customMetadata,
                                const std::optional<QByteArray> &contentMd5,
                                QByteArray *md5Digest) const
{
    if (auto st = validateKey(key); !st)
        return st;
    // The content type goes back out as a response header: no line breaks, nothing exotic.
    if (contentType.size() > kMaxContentTypeLength || hasControlCharacter(contentType) || [&] {
            for (const QChar c : contentType) {
                if (c.unicode() > 0x7E)
                    return true;
            }
            return false;
        }())
        return badRequest(QStringLiteral("content type must be printable ASCII of at most %1 "
                                         "characters")
                              .arg(kMaxContentTypeLength));
    qint64 metadataBytes = 0;
    for (auto it = customMetadata.cbegin(); it != customMetadata.cend(); ++it) {
        if (it.key().isEmpty() || hasControlCharacter(it.key()) || hasControlCharacter(it.value()))
            return badRequest(QStringLiteral("custom metadata names must be non-empty and names "
                                             "and values free of control characters"));
        metadataBytes += it.key().toUtf8().size() + it.value().toUtf8().size();
    }
    if (metadataBytes > kMaxMetadataBytes)
        return badRequest(
            QStringLiteral("custom metadata must be at most %1 bytes").arg(kMaxMetadataBytes));
    if (contentMd5) {
        const auto decoded = QByteArray::fromBase64Encoding(
            contentMd5->trimmed(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.size() != 16)
            return badRequest(
                QStringLiteral("Content-MD5 must be the base64 of a 16-byte MD5 digest"));
        *md5Digest = decoded.decoded;
    }
    return Ok{};
}

QString BucketStore::relativeFileFor(const QString &key) const
{
    const QByteArray hash =
        QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex();
    quint64 version[2];
    QRandomGenerator::system()->fillRange(version);
    const QByteArray suffix =
        QByteArray(reinterpret_cast<const char *>(version), sizeof(version)).toHex();
    return QStringLiteral("objects/%1/%2/%3-%4")
        .arg(QLatin1String(hash.left(2)), QLatin1String(hash.mid(2, 2)), QLatin1String(hash),
             QLatin1String(suffix));
}

Result<BucketUpload> BucketStore::beginUpload()
{
    quint64 id[2];
    QRandomGenerator::system()->fillRange(id);
    const QString path =
        QStringLiteral("%1/tmp/upload-%2.part")
            .arg(m_root,
                 QLatin1String(QByteArray(reinterpret_cast<const char *>(id), sizeof(id)).toHex()));
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return storageError(
            QStringLiteral("cannot create an upload file: %1").arg(file->errorString()));
    return BucketUpload(path, std::move(file), m_options.maxObjectBytes);
}

Result<BucketObject> BucketStore::put(const QString &key, const QByteArray &data,
                                      const QString &contentType,
                                      const QMap<QString, QString> &customMetadata,
                                      const std::optional<QByteArray> &contentMd5)
{
    // Refuse before touching the disk.
    QByteArray digest;
    if (auto st = validatePut(key, contentType, customMetadata, contentMd5, &digest); !st)
        return st.error();
    if (data.size() > m_options.maxObjectBytes)
        return makeError(
            QStringLiteral("payload_too_large"),
            QStringLiteral("objects are limited to %1 bytes").arg(m_options.maxObjectBytes));
    auto upload = beginUpload();
    if (!upload)
        return upload.error();
    if (auto st = upload->write(data); !st)
        return st.error();
    return commitUpload(std::move(*upload), key, contentType, customMetadata, contentMd5);
}

Result<BucketObject> BucketStore::put(const QString &key, QIODevice *device,
                                      const QString &contentType,
                                      const QMap<QString, QString> &customMetadata,
                                      const std::optional<QByteArray> &contentMd5)
{
    QByteArray digest;
    if (auto st = validatePut(key, contentType, customMetadata, contentMd5, &digest); !st)
        return st.error();
    auto upload = beginUpload();
    if (!upload)
        return upload.error();
    if (auto st = upload->writeFrom(device); !st)
        return st.error();
    return commitUpload(std::move(*upload), key, contentType, customMetadata, contentMd5);
}

Result<BucketObject> BucketStore::commitUpload(BucketUpload &&upload, const QString &key,
                                               const QString &contentType,
                                               const QMap<QString, QString> &customMetadata,
                                               const std::optional<QByteArray> &contentMd5)
{
    // Taking ownership here means every early return deletes the temporary file.
    BucketUpload owned(std::move(upload));
    QByteArray expectedDigest;
    if (auto st = validatePut(key, contentType, customMetadata, contentMd5, &expectedDigest); !st)
        return st.error();
    if (owned.m_failed || !owned.m_file)
        return storageError(QStringLiteral("the upload failed before it was committed"));

    if (!owned.m_file->flush() || ::fsync(owned.m_file->handle()) != 0)
        return storageError(QStringLiteral("cannot flush the object to disk"));
    owned.m_file->close();

    QByteArray digest = owned.m_md5->result();
    qint64 size = owned.m_size;
    if (QFileInfo(owned.m_path).size() != size) {
        // Filled through path() rather than write().
        if (!hashFile(owned.m_path, &digest, &size))
            return storageError(QStringLiteral("cannot read the uploaded object back"));
        if (size > m_options.maxObjectBytes)
            return makeError(
                QStringLiteral("payload_too_large"),
                QStringLiteral("objects are limited to %1 bytes").arg(m_options.maxObjectBytes));
    }
    if (contentMd5 && digest != expectedDigest)
        return badRequest(QStringLiteral("Content-MD5 does not match"));

    const QString relative = relativeFileFor(key);
    const QString absolute = m_root + QLatin1Char('/') + relative;
    const QString folder = QFileInfo(absolute).absolutePath();
    if (!QDir().mkpath(folder))
        return storageError(QStringLiteral("cannot create %1").arg(folder));
    if (::rename(QFile::encodeName(owned.m_path).constData(),
                 QFile::encodeName(absolute).constData()) != 0)
        return storageError(
            QStringLiteral("cannot move the object into place: %1").arg(strerror(errno)));
    owned.m_path.clear(); // the temporary file is now the object file
    if (!fsyncDirectory(folder))
        qCWarning(lcBucket) << "cannot fsync" << folder;

    BucketObject object;
    object.key = key;
    object.size = size;
    object.etag = QString::fromLatin1(digest.toHex());
    object.contentType =
        contentType.isEmpty() ? QStringLiteral("application/octet-stream") : contentType;
    object.uploadedMs = QDateTime::currentMSecsSinceEpoch();
    object.customMetadata = customMetadata;

    QString previous;
    {
        QMutexLocker lock(&m_dbMutex);
        auto fail = [&](const QString &why) -> Error {
            m_db.rollback();
            QFile::remove(absolute);
            qCWarning(lcBucket) << "cannot record object" << key << why;
            return storageError(QStringLiteral("cannot record the object: %1").arg(why));
        };
        if (auto st = m_db.begin(); !st)
            return fail(st.error().message);
        auto select = m_db.prepare(kSelectFile);
        if (!select)
            return fail(select.error().message);
        (*select)->bind(1, key);
        if ((*select)->next())
            previous = (*select)->text(0);
        (*select)->reset();
        auto upsert = m_db.prepare(kUpsert);
        if (!upsert)
            return fail(upsert.error().message);
        (*upsert)
            ->bind(1, key)
            .bind(2, object.size)
            .bind(3, object.etag)
            .bind(4, object.contentType)
            .bind(5, object.uploadedMs)
            .bind(6, BucketRow::metadataJson(customMetadata))
            .bind(7, relative);
        if (!(*upsert)->run())
            return fail((*upsert)->error());
        if (auto st = m_db.commit(); !st)
            return fail(st.error().message);
    }
    if (!previous.isEmpty() && previous != relative)
        QFile::remove(m_root + QLatin1Char('/') + previous);
    return object;
}

Result<BucketObject> BucketStore::lookup(const QString &key, QString *file)
{
    auto stmt = m_db.prepare(kSelectObject);
    if (!stmt)
        return stmt.error();
    (*stmt)->bind(1, key);
    if (!(*stmt)->next()) {
        if (!(*stmt)->error().isEmpty())
            return storageError((*stmt)->error());
        return notFound(key);
    }
    BucketObject object = BucketRow::toObject(**stmt);
    if (file)
        *file = (*stmt)->text(6);
    (*stmt)->reset();
    return object;
}

Result<BucketObject> BucketStore::head(const QString &key)
{
    if (auto st = validateKey(key); !st)
        return st.error();
    QMutexLocker lock(&m_dbMutex);
    return lookup(key, nullptr);
}

Result<BucketObjectBody> BucketStore::get(const QString &key)
{
    if (auto st = validateKey(key); !st)
        return st.error();
    // The file is opened under the lock: once open, a concurrent overwrite or remove can unlink
    // it but not take the bytes away from this reader.
    QMutexLocker lock(&m_dbMutex);
    QString relative;
    auto object = lookup(key, &relative);
    if (!object)
        return object.error();
    auto file = std::make_unique<QFile>(m_root + QLatin1Char('/') + relative);
    if (!file->open(QIODevice::ReadOnly)) {
        qCWarning(lcBucket) << "object" << key << "has no readable file" << relative;
        return storageError(QStringLiteral("the bytes of '%1' cannot be read").arg(key));
    }
    return BucketObjectBody{std::move(*object), std::move(file)};
}

Result<BucketObjectData> BucketStore::readRange(const QString &key, qint64 offset, qint64 length)
{
    if (offset < 0)
        return badRequest(QStringLiteral("range offset must not be negative"));
    auto body = get(key);
    if (!body)
        return body.error();
    const qint64 size = body->object.size;
    if (offset > size || (offset == size && size > 0))
        return makeError(
            QStringLiteral("range_not_satisfiable"),
            QStringLiteral("the range starts past the end of the %1-byte object").arg(size));
    const qint64 count = length < 0 ? size - offset : qMin(length, size - offset);
    BucketObjectData data;
    data.object = std::move(body->object);
    data.offset = offset;
    if (!body->file->seek(offset))
        return storageError(QStringLiteral("cannot read '%1'").arg(key));
    data.bytes = body->file->read(count);
    if (data.bytes.size() != count)
        return storageError(QStringLiteral("the bytes of '%1' are shorter than recorded").arg(key));
    return data;
}

Result<bool> BucketStore::remove(const QString &key)
{
    if (auto st = validateKey(key); !st)
        return st.error();
    QString file;
    {
        QMutexLocker lock(&m_dbMutex);
        if (auto st = m_db.begin(); !st)
            return st.error();
        auto select = m_db.prepare(kSelectFile);
        if (!select) {
            m_db.rollback();
            return select.error();
        }
        (*select)->bind(1, key);
        if ((*select)->next())
            file = (*select)->text(0);
        (*select)->reset();
        if (file.isEmpty()) {
            m_db.rollback();
            return false;
        }
        auto del = m_db.prepare(kDelete);
        if (!del) {
            m_db.rollback();
            return del.error();
        }
        (*del)->bind(1, key);
        if (!(*del)->run()) {
            const QString why = (*del)->error();
            m_db.rollback();
            return storageError(why);
        }
        if (auto st = m_db.commit(); !st) {
            m_db.rollback();
            return st.error();
        }
    }
    QFile::remove(m_root + QLatin1Char('/') + file);
    return true;
}

Result<BucketListing> BucketStore::list(const BucketListOptions &options)
{
    QMutexLocker lock(&m_dbMutex);
    return BucketListQuery::run(m_db, options, kMaxKeyBytes);
}

Result<BucketStats> BucketStore::stats()
{
    QMutexLocker lock(&m_dbMutex);
    auto stmt = m_db.prepare(kStats);
    if (!stmt)
        return stmt.error();
    if (!(*stmt)->next())
        return storageError((*stmt)->error());
    BucketStats stats{(*stmt)->int64(0), (*stmt)->int64(1)};
    (*stmt)->reset();
    return stats;
}

Result<bool> BucketStore::seedIfEmpty(const QString &key, const QByteArray &data,
                                      const QString &contentType)
{
    auto current = stats();
    if (!current)
        return current.error();
    if (current->objects > 0)
        return false;
    auto object = put(key, data, contentType);
    if (!object)
        return object.error();
    qCInfo(lcBucket) << "seeded" << m_root << "with" << key << object->size << "bytes";
    return true;
}

} // namespace edgedesk
