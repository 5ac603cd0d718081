#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QFileDevice>
#include <QString>

#include <memory>

class QCryptographicHash;
class QIODevice;

namespace edgedesk {

// Writes a zip archive (zip64, UTF-8 names) to a device, hashing every entry with SHA-256 as it
// goes. Compression::Auto deflates an entry only when that helps and keeps it under the ratio
// ZipReader accepts, so an archive this writer made is never refused as a zip bomb by our own
// import, however compressible a database file is.
class ZipWriter final
{
public:
    enum class Compression
    {
        Auto,    // deflate, or store when deflating gains nothing or exceeds the ratio limit
        Deflate, // always deflate (archives that are never imported again: logs)
        Store    // already compressed data (JPEG, PNG, WebP, ...)
    };

    struct Written
    {
        QString name;
        qint64 size = 0;
        QByteArray sha256; // lower-case hex
    };

    static constexpr QFileDevice::Permissions kPrivate =
        QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    static constexpr QFileDevice::Permissions kShared =
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
        QFileDevice::ReadOther;

    // `device` must be open for writing, seekable, and outlive the writer; it stays open.
    static Result<std::unique_ptr<ZipWriter>> create(QIODevice *device, qint64 maxRatio = 200);
    ~ZipWriter();
    ZipWriter(const ZipWriter &) = delete;
    ZipWriter &operator=(const ZipWriter &) = delete;

    Result<Written> addBytes(const QString &name, const QByteArray &bytes,
                             Compression compression = Compression::Auto,
                             QFileDevice::Permissions permissions = kShared,
                             const QDateTime &modified = QDateTime());
    // Copies `source` from its current position to its end. Auto needs a seekable source (it
    // reads it twice). `alsoHash`, when given, is fed the same bytes (e.g. an MD5 for an etag).
    Result<Written> addDevice(const QString &name, QIODevice *source,
                              Compression compression = Compression::Auto,
                              QFileDevice::Permissions permissions = kShared,
                              const QDateTime &modified = QDateTime(),
                              QCryptographicHash *alsoHash = nullptr);
    // Writes the central directory. Nothing may be added afterwards.
    Status close();

private:
    struct Private;
    explicit ZipWriter(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace edgedesk
