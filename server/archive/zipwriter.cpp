#include "archive/zipwriter.h"

#include <quazip/quazip.h>
#include <quazip/quazipfile.h>
#include <quazip/quazipnewinfo.h>

#include <QBuffer>
#include <QCryptographicHash>

#include <zlib.h>

namespace edgedesk {

namespace {

constexpr qint64 kChunkBytes = 256 * 1024;

Error writeError(const QString &name, const QString &why)
{
    return makeError(QStringLiteral("storage_error"),
                     QStringLiteral("cannot add %1 to the archive: %2").arg(name, why));
}

// What deflate makes of the rest of `source`, with the settings minizip uses (raw deflate,
// default level and memory): decides between deflating and storing before anything is written.
std::optional<qint64> deflatedSize(QIODevice *source, qint64 *inputSize)
{
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return std::nullopt;
    QByteArray in(kChunkBytes, Qt::Uninitialized);
    QByteArray out(kChunkBytes, Qt::Uninitialized);
    qint64 produced = 0;
    qint64 consumed = 0;
    bool ok = true;
    for (bool last = false; !last;) {
        const qint64 n = source->read(in.data(), in.size());
        if (n < 0) {
            ok = false;
            break;
        }
        last = n == 0;
        consumed += n;
        z.next_in = reinterpret_cast<Bytef *>(in.data());
        z.avail_in = uInt(n);
        const int flush = last ? Z_FINISH : Z_NO_FLUSH;
        int rc = Z_OK;
        do {
            z.next_out = reinterpret_cast<Bytef *>(out.data());
            z.avail_out = uInt(out.size());
            rc = deflate(&z, flush);
            produced += out.size() - qint64(z.avail_out);
        } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END && rc == Z_OK));
        if (rc == Z_STREAM_ERROR) {
            ok = false;
            break;
        }
    }
    deflateEnd(&z);
    *inputSize = consumed;
    if (!ok)
        return std::nullopt;
    return produced;
}

} // namespace

struct ZipWriter::Private
{
    QuaZip zip;
    qint64 maxRatio;
    bool closed = false;

    Private(QIODevice *device, qint64 ratio) : zip(device), maxRatio(ratio) {}
};

ZipWriter::ZipWriter(std::unique_ptr<Private> p) : d(std::move(p)) {}

ZipWriter::~ZipWriter()
{
    if (d && !d->closed)
        d->zip.close();
}

Result<std::unique_ptr<ZipWriter>> ZipWriter::create(QIODevice *device, qint64 maxRatio)
{
    auto p = std::make_unique<Private>(device, maxRatio);
    p->zip.setAutoClose(false);
    p->zip.setZip64Enabled(true);
    p->zip.setUtf8Enabled(true);
    if (!p->zip.open(QuaZip::mdCreate))
        return makeError(
            QStringLiteral("storage_error"),
            QStringLiteral("cannot start the archive (zip error %1)").arg(p->zip.getZipError()));
    return std::unique_ptr<ZipWriter>(new ZipWriter(std::move(p)));
}

Result<ZipWriter::Written> ZipWriter::addBytes(const QString &name, const QByteArray &bytes,
                                               Compression compression,
                                               QFileDevice::Permissions permissions,
                                               const QDateTime &modified)
{
    QByteArray copy = bytes; // shared, not copied: QBuffer needs a non-const array
    QBuffer buffer(&copy);
    buffer.open(QIODevice::ReadOnly);
    return addDevice(name, &buffer, compression, permissions, modified);
}

Result<ZipWriter::Written> ZipWriter::addDevice(const QString &name, QIODevice *source,
                                                Compression compression,
                                                QFileDevice::Permissions permissions,
                                                const QDateTime &modified,
                                                QCryptographicHash *alsoHash)
{
    if (d->closed)
        return writeError(name, QStringLiteral("the archive is already closed"));
    int method = Z_DEFLATED;
    if (compression == Compression::Store) {
        method = 0;
    } else if (compression == Compression::Auto) {
        if (source->isSequential())
            return writeError(name, QStringLiteral("its source cannot be read twice"));
        const qint64 start = source->pos();
        qint64 inputSize = 0;
        const auto deflated = deflatedSize(source, &inputSize);
        if (!deflated || !source->seek(start))
            return writeError(name, QStringLiteral("its source cannot be read"));
        // Half the reader's limit: a margin for minizip's own framing of the same stream.
        if (*deflated >= inputSize || *deflated * (d->maxRatio / 2) < inputSize)
            method = 0;
    }

    QuaZipNewInfo info(name);
    info.dateTime = modified.isValid() ? modified : QDateTime::currentDateTime();
    info.setPermissions(permissions);
    QuaZipFile file(&d->zip);
    if (!file.open(QIODevice::WriteOnly, info, nullptr, 0, method,
                   method == 0 ? 0 : Z_DEFAULT_COMPRESSION))
        return writeError(name, QStringLiteral("zip error %1").arg(file.getZipError()));

    QCryptographicHash sha(QCryptographicHash::Sha256);
    QByteArray buffer(kChunkBytes, Qt::Uninitialized);
    qint64 total = 0;
    for (;;) {
        const qint64 n = source->read(buffer.data(), buffer.size());
        if (n < 0) {
            file.close();
            return writeError(name, QStringLiteral("its source cannot be read"));
        }
        if (n == 0)
            break;
        const QByteArrayView chunk(buffer.constData(), n);
        sha.addData(chunk);
        if (alsoHash)
            alsoHash->addData(chunk);
        if (file.write(buffer.constData(), n) != n) {
            file.close();
            return writeError(name, QStringLiteral("write failed (zip error %1; is the disk "
                                                   "full?)")
                                        .arg(file.getZipError()));
        }
        total += n;
    }
    file.close();
    if (file.getZipError() != ZIP_OK)
        return writeError(name, QStringLiteral("zip error %1").arg(file.getZipError()));
    return Written{name, total, sha.result().toHex()};
}

Status ZipWriter::close()
{
    if (d->closed)
        return Ok{};
    d->closed = true;
    d->zip.close();
    if (d->zip.getZipError() != ZIP_OK)
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot finish the archive (zip error %1; is the disk "
                                        "full?)")
                             .arg(d->zip.getZipError()));
    return Ok{};
}

} // namespace edgedesk
