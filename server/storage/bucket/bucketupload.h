#pragma once

#include "util/result.h"

#include <QCryptographicHash>
#include <QFile>
#include <QString>

#include <memory>

namespace edgedesk {

class BucketStore;

// One object being written, from BucketStore::beginUpload() until BucketStore::commitUpload().
// The bytes go to a temporary file inside the store's folder (same file system as the objects, so
// the commit is a rename); the MD5 and size are computed as they arrive. Dropping an upload
// without committing it deletes the temporary file. Owned by one thread at a time.
class BucketUpload final
{
public:
    BucketUpload(BucketUpload &&other) noexcept;
    BucketUpload &operator=(BucketUpload &&other) noexcept;
    BucketUpload(const BucketUpload &) = delete;
    BucketUpload &operator=(const BucketUpload &) = delete;
    ~BucketUpload();

    // Appends bytes. Past the store's object size limit the upload fails with
    // `payload_too_large` and accepts nothing more.
    Status write(const char *data, qint64 size);
    Status write(const QByteArray &bytes) { return write(bytes.constData(), bytes.size()); }
    // Copies `device` in bounded chunks until it has no more bytes (a sequential device gets 30 s
    // for each next chunk).
    Status writeFrom(QIODevice *device);

    // The temporary file. A caller may also fill it directly (e.g. another process or a
    // QFile of its own) instead of calling write(); the commit then hashes the file itself.
    QString path() const { return m_path; }
    qint64 size() const { return m_size; }

private:
    friend class BucketStore;
    BucketUpload(QString path, std::unique_ptr<QFile> file, qint64 limit);
    void discard();

    QString m_path;
    std::unique_ptr<QFile> m_file;
    std::unique_ptr<QCryptographicHash> m_md5;
    qint64 m_size = 0;
    qint64 m_limit = 0;
    bool m_failed = false;
};

} // namespace edgedesk
