#include "storage/bucket/bucketupload.h"

#include "storage/bucket/bucketlog.h"

namespace edgedesk {

namespace {

Error tooLarge(qint64 limit)
{
    return makeError(QStringLiteral("payload_too_large"),
                     QStringLiteral("objects are limited to %1 bytes").arg(limit));
}

} // namespace

BucketUpload::BucketUpload(QString path, std::unique_ptr<QFile> file, qint64 limit)
    : m_path(std::move(path)), m_file(std::move(file)),
      m_md5(std::make_unique<QCryptographicHash>(QCryptographicHash::Md5)), m_limit(limit)
{}

BucketUpload::BucketUpload(BucketUpload &&other) noexcept
    : m_path(std::exchange(other.m_path, QString())), m_file(std::move(other.m_file)),
      m_md5(std::move(other.m_md5)), m_size(other.m_size), m_limit(other.m_limit),
      m_failed(other.m_failed)
{}

BucketUpload &BucketUpload::operator=(BucketUpload &&other) noexcept
{
    if (this != &other) {
        discard();
        m_path = std::exchange(other.m_path, QString());
        m_file = std::move(other.m_file);
        m_md5 = std::move(other.m_md5);
        m_size = other.m_size;
        m_limit = other.m_limit;
        m_failed = other.m_failed;
    }
    return *this;
}

BucketUpload::~BucketUpload()
{
    discard();
}

void BucketUpload::discard()
{
    if (m_file)
        m_file->close();
    m_file.reset();
    if (!m_path.isEmpty()) {
        QFile::remove(m_path);
        m_path.clear();
    }
}

Status BucketUpload::write(const char *data, qint64 size)
{
    if (m_failed || !m_file)
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("the upload has already failed"));
    if (size > m_limit - m_size) {
        m_failed = true;
        return tooLarge(m_limit);
    }
    qint64 done = 0;
    while (done < size) {
        const qint64 n = m_file->write(data + done, size - done);
        if (n <= 0) {
            m_failed = true;
            qCWarning(lcBucket) << "cannot write" << m_path << m_file->errorString();
            return makeError(
                QStringLiteral("storage_error"),
                QStringLiteral("cannot write the object: %1").arg(m_file->errorString()));
        }
        done += n;
    }
    m_md5->addData(QByteArrayView(data, size));
    m_size += size;
    return Ok{};
}

Status BucketUpload::writeFrom(QIODevice *device)
{
    // 1 MiB chunks: large enough for throughput, small enough that a 100 MiB body is never held
    // twice.
    QByteArray chunk(1 << 20, Qt::Uninitialized);
    for (;;) {
        const qint64 n = device->read(chunk.data(), chunk.size());
        if (n < 0)
            return makeError(
                QStringLiteral("storage_error"),
                QStringLiteral("cannot read the upload: %1").arg(device->errorString()));
        if (n == 0) {
            // A sequential device (a pipe, a socket) may just be waiting for more bytes.
            if (device->isSequential() && device->waitForReadyRead(30000))
                continue;
            return Ok{};
        }
        if (auto st = write(chunk.constData(), n); !st)
            return st;
    }
}

} // namespace edgedesk
