#pragma once

#include "storage/bucket/bucketobject.h"
#include "storage/bucket/bucketupload.h"
#include "util/result.h"
#include "storage/sqlitedb.h"

#include <QByteArray>
#include <QMap>
#include <QMutex>
#include <QString>

#include <memory>
#include <optional>

namespace edgedesk {

// One bucket binding (e.g. `PUBLIC`) stored in a folder:
//   <root>/meta.sqlite      key, size, etag, content type, upload time, custom metadata, file name
//   <root>/objects/ab/cd/…  the bytes, one file per object version
//   <root>/tmp/             uploads in progress
// A key never becomes a path: an object's file is named after the SHA-256 of its key plus a random
// version suffix, so a new version is renamed into place beside the old one, the metadata row is
// switched to it in one transaction, and only then is the old file deleted. A crash at any point
// leaves either the old or the new object whole; open() removes leftover temporary and orphaned
// files.
//
// Thread-safety: every method may be called from any thread, concurrently. The one SQLite
// connection is guarded by a mutex held only for metadata statements; object bytes are written,
// fsynced and read outside it. One BucketStore per folder per process (share the instance); a
// second process may use the folder only while this one does not (the open() sweep assumes it).
class BucketStore final
{
public:
    struct Options
    {
        qint64 maxObjectBytes = 100LL * 1024 * 1024;
    };

    static Result<std::unique_ptr<BucketStore>> open(const QString &rootDir);
    static Result<std::unique_ptr<BucketStore>> open(const QString &rootDir, Options options);
    ~BucketStore();
    BucketStore(const BucketStore &) = delete;
    BucketStore &operator=(const BucketStore &) = delete;

    QString rootDir() const { return m_root; }
    qint64 maxObjectBytes() const { return m_options.maxObjectBytes; }

    // Key rules: 1..1024 bytes of valid UTF-8, no NUL, no leading '/', no '..' segment.
    // Failing keys give `bad_request` with a sentence naming the rule.
    static Status validateKey(const QString &key);
    // For keys that arrive as bytes (a percent-decoded URL path): strict UTF-8 decoding, then
    // validateKey().
    static Result<QString> keyFromUtf8(const QByteArray &utf8);

    // Stores `data` under `key`, replacing any previous object atomically. `contentMd5` is the
    // Content-MD5 header as sent (base64 of the 16-byte digest); a mismatch leaves the store
    // unchanged. An empty content type stores application/octet-stream.
    Result<BucketObject> put(const QString &key, const QByteArray &data,
                             const QString &contentType = QString(),
                             const QMap<QString, QString> &customMetadata = {},
                             const std::optional<QByteArray> &contentMd5 = std::nullopt);
    // Streaming variant: copies `device` to a temporary file, then commits as put() does.
    Result<BucketObject> put(const QString &key, QIODevice *device,
                             const QString &contentType = QString(),
                             const QMap<QString, QString> &customMetadata = {},
                             const std::optional<QByteArray> &contentMd5 = std::nullopt);

    // Two-step upload for large bodies: fill the returned upload (write() or its path()), then
    // commit it. Nothing is visible to readers before the commit.
    Result<BucketUpload> beginUpload();
    Result<BucketObject> commitUpload(BucketUpload &&upload, const QString &key,
                                      const QString &contentType = QString(),
                                      const QMap<QString, QString> &customMetadata = {},
                                      const std::optional<QByteArray> &contentMd5 = std::nullopt);

    // `not_found` when the key has no object.
    Result<BucketObject> head(const QString &key);
    Result<BucketObjectBody> get(const QString &key);
    // Bytes [offset, offset + length); length < 0 means to the end. An offset past the end gives
    // `range_not_satisfiable`.
    Result<BucketObjectData> readRange(const QString &key, qint64 offset, qint64 length = -1);
    Result<BucketObjectData> readAll(const QString &key) { return readRange(key, 0, -1); }
    // True when an object was removed, false when there was none.
    Result<bool> remove(const QString &key);

    // Keys in UTF-8 byte order. `bad_request` for a limit outside 1..1000 or a cursor this
    // store did not hand out.
    Result<BucketListing> list(const BucketListOptions &options);
    Result<BucketStats> stats();

    // Puts the object only when the bucket holds no object at all (first start). True when it
    // did.
    Result<bool> seedIfEmpty(const QString &key, const QByteArray &data,
                             const QString &contentType);

private:
    BucketStore(QString root, Options options, SqliteDb db);
    Status sweep();
    Status validatePut(const QString &key, const QString &contentType,
                       const QMap<QString, QString> &customMetadata,
                       const std::optional<QByteArray> &contentMd5, QByteArray *md5Digest) const;
    QString relativeFileFor(const QString &key) const;
    Result<BucketObject> lookup(const QString &key, QString *file);

    QString m_root;
    Options m_options;
    QMutex m_dbMutex;
    SqliteDb m_db;
};

} // namespace edgedesk
