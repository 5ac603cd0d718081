#include "containers/images/imagedigest.h"

#include <QCryptographicHash>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <unistd.h>

namespace edgedesk {

namespace {

constexpr qsizetype kDigestHexLength = 64;

Error cancelled()
{
    return makeError(QStringLiteral("cancelled"), QStringLiteral("the image load was cancelled"));
}

Status writeAll(int fd, const char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return makeError(QStringLiteral("storage_error"),
                             QStringLiteral("cannot write an unpacked layer: %1")
                                 .arg(QString::fromLocal8Bit(std::strerror(errno))));
        }
        data += n;
        size -= size_t(n);
    }
    return Ok{};
}

struct ArchiveDeleter
{
    void operator()(archive *a) const { archive_read_free(a); }
};

// Feeds libarchive from a descriptor and hashes every byte it hands over.
struct BlobSource
{
    int fd;
    QCryptographicHash hash{QCryptographicHash::Sha256};
    QByteArray buffer = QByteArray(1 << 16, Qt::Uninitialized);
    bool failed = false;

    la_ssize_t next(const void **data)
    {
        for (;;) {
            const ssize_t n = ::read(fd, buffer.data(), size_t(buffer.size()));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                failed = true;
                return -1;
            }
            hash.addData(QByteArrayView(buffer.constData(), n));
            *data = buffer.constData();
            return n;
        }
    }
    bool drain()
    {
        const void *data = nullptr;
        la_ssize_t n = 0;
        while (!failed && (n = next(&data)) > 0) {
        }
        return !failed;
    }
    static la_ssize_t read(archive *a, void *self, const void **data)
    {
        auto *source = static_cast<BlobSource *>(self);
        const la_ssize_t n = source->next(data);
        if (n < 0)
            archive_set_error(a, errno, "read error");
        return n;
    }
};

} // namespace

bool ImageDigest::isValid(const QString &digest)
{
    if (!digest.startsWith(QLatin1String("sha256:")) || digest.size() != 7 + kDigestHexLength)
        return false;
    for (qsizetype i = 7; i < digest.size(); ++i) {
        const char16_t c = digest.at(i).unicode();
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
}

QString ImageDigest::hex(const QString &digest)
{
    return isValid(digest) ? digest.mid(7) : QString();
}

QString ImageDigest::ofBytes(const QByteArray &bytes)
{
    return fromHex(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

Result<QString> ImageDigest::ofFile(int fd, const ImageLimits &limits)
{
    if (::lseek(fd, 0, SEEK_SET) < 0)
        return makeError(QStringLiteral("storage_error"), QStringLiteral("cannot rewind a blob"));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray buffer(1 << 16, Qt::Uninitialized);
    for (;;) {
        if (limits.cancelled())
            return cancelled();
        const ssize_t n = ::read(fd, buffer.data(), size_t(buffer.size()));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return makeError(QStringLiteral("storage_error"),
                             QStringLiteral("cannot read a blob: %1")
                                 .arg(QString::fromLocal8Bit(std::strerror(errno))));
        if (n == 0)
            break;
        hash.addData(QByteArrayView(buffer.constData(), n));
    }
    return fromHex(hash.result().toHex());
}

Result<ImageDigest::Decompressed> ImageDigest::decompress(int inFd, int outFd, qint64 maxBytes,
                                                          const ImageLimits &limits,
                                                          const QString &what)
{
    if (::lseek(inFd, 0, SEEK_SET) < 0)
        return makeError(QStringLiteral("storage_error"), QStringLiteral("cannot rewind a blob"));
    BlobSource source{inFd};
    std::unique_ptr<archive, ArchiveDeleter> reader(archive_read_new());
    archive_read_support_filter_all(reader.get());
    archive_read_support_format_raw(reader.get());
    archive_read_support_format_empty(reader.get());
    auto libarchiveError = [&] {
        const char *message = archive_error_string(reader.get());
        return makeError(QStringLiteral("unprocessable"),
                         QStringLiteral("%1 cannot be decompressed (damaged or truncated): %2")
                             .arg(what, message ? QString::fromLocal8Bit(message)
                                                : QStringLiteral("unknown error")));
    };
    if (archive_read_open(reader.get(), &source, nullptr, &BlobSource::read, nullptr) != ARCHIVE_OK)
        return libarchiveError();
    archive_entry *entry = nullptr;
    const int header = archive_read_next_header(reader.get(), &entry);
    if (header != ARCHIVE_OK && header != ARCHIVE_EOF)
        return libarchiveError();
    Decompressed result;
    result.compression = archive_filter_count(reader.get()) > 1
                             ? QString::fromLatin1(archive_filter_name(reader.get(), 0))
                             : QStringLiteral("none");

    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray buffer(1 << 16, Qt::Uninitialized);
    while (header == ARCHIVE_OK) {
        if (limits.cancelled())
            return cancelled();
        const la_ssize_t n = archive_read_data(reader.get(), buffer.data(), size_t(buffer.size()));
        if (n < 0)
            return libarchiveError();
        if (n == 0)
            break;
        result.bytes += n;
        if (result.bytes > maxBytes)
            return makeError(QStringLiteral("payload_too_large"),
                             QStringLiteral("%1 unpacks to more than %2 bytes, the limit for one "
                                            "image (a decompression bomb, or raise the limit)")
                                 .arg(what)
                                 .arg(maxBytes));
        hash.addData(QByteArrayView(buffer.constData(), n));
        if (outFd >= 0) {
            if (auto written = writeAll(outFd, buffer.constData(), size_t(n)); !written)
                return written.error();
        }
    }
    // Whatever follows the compressed stream belongs to the blob too.
    if (!source.drain())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot read %1").arg(what));
    result.digest = fromHex(hash.result().toHex());
    result.blobDigest = fromHex(source.hash.result().toHex());
    return result;
}

} // namespace edgedesk
