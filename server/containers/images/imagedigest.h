#pragma once

#include "containers/images/imagelimits.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>

namespace edgedesk {

// Content digests as OCI writes them ("sha256:<64 lowercase hex>") and the hashing behind them.
// Only sha256 is accepted: it is what every engine writes, and a weaker one would let a blob
// be swapped for another with the same digest.
class ImageDigest final
{
public:
    static bool isValid(const QString &digest);
    // The 64 hex digits of a valid digest (the cache's folder names), else empty.
    static QString hex(const QString &digest);
    static QString fromHex(const QByteArray &hex)
    {
        return QStringLiteral("sha256:") + QString::fromLatin1(hex);
    }
    static QString ofBytes(const QByteArray &bytes);
    // The digest of the whole file behind fd, read from its start.
    static Result<QString> ofFile(int fd, const ImageLimits &limits);

    struct Decompressed
    {
        QString blobDigest;  // of the blob as stored
        QString digest;      // of the decompressed bytes: a layer's diff_id
        qint64 bytes = 0;    // decompressed size
        QString compression; // "none", "gzip", "zstd", ...
    };
    // Decompresses the blob behind inFd (gzip, zstd, xz, bzip2 or none, as libarchive detects it)
    // into outFd (or nowhere when outFd < 0), hashing the blob and what it decompresses to in the
    // same read. Refused with payload_too_large as soon as it passes maxBytes, so a bomb costs at
    // most that much.
    static Result<Decompressed> decompress(int inFd, int outFd, qint64 maxBytes,
                                           const ImageLimits &limits, const QString &what);
};

} // namespace edgedesk
