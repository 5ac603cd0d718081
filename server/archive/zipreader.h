#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QIODevice;

namespace edgedesk {

// What an archive may hold before it is refused as a whole (zip bombs, resource exhaustion).
struct ZipLimits
{
    qint64 maxEntries = 100000;
    qint64 maxTotalBytes = 4LL * 1024 * 1024 * 1024; // uncompressed, all entries together
    qint64 maxRatio = 200;                           // uncompressed : compressed, per entry
};

// One entry as the archive's central directory describes it.
struct ZipEntry
{
    QString name;
    qint64 size = 0; // uncompressed
    qint64 compressedSize = 0;
    quint32 crc = 0;
    bool isDirectory = false;
};

// Reads a zip archive that nobody vouches for. open() inspects the whole central directory
// before a single byte is decompressed and refuses the archive (`unprocessable`, naming the
// entry) when any entry breaks a rule: a path that is absolute or climbs out with '..' (zip
// slip), a symbolic link or other special file, a duplicate name, encryption, a compression
// method other than stored/deflated, a ratio above ZipLimits::maxRatio, too many entries, or too
// many bytes in total. read() then holds each entry to its central directory record: it never
// yields more bytes than recorded, and fails on fewer bytes or a CRC-32 mismatch.
//
// One thread at a time; the minizip handle is not shareable.
class ZipReader final
{
public:
    static Result<std::unique_ptr<ZipReader>> open(const QString &path,
                                                   const ZipLimits &limits = ZipLimits());
    // `device` must stay alive (and open, if it was) as long as the reader.
    static Result<std::unique_ptr<ZipReader>> open(QIODevice *device,
                                                   const ZipLimits &limits = ZipLimits());
    ~ZipReader();
    ZipReader(const ZipReader &) = delete;
    ZipReader &operator=(const ZipReader &) = delete;

    // In central directory order.
    const QList<ZipEntry> &entries() const;
    int indexOf(const QString &name) const; // -1 when absent
    qint64 totalBytes() const;              // uncompressed

    using Sink = std::function<Status(const char *data, qint64 size)>;
    // Decompresses entry `index` in chunks into `sink`; a failing sink stops the read.
    Status read(int index, const Sink &sink);
    // The whole entry in memory; `payload_too_large` past `maxBytes`.
    Result<QByteArray> readAll(int index, qint64 maxBytes);

    // Why a name is refused (zip slip and friends), or nothing when it is acceptable.
    static std::optional<QString> nameProblem(const QString &name);
    // A name quoted for a message: control characters escaped, long names shortened.
    static QString quoted(const QString &name);

private:
    struct Private;
    explicit ZipReader(std::unique_ptr<Private> d);
    static Result<std::unique_ptr<ZipReader>> inspect(std::unique_ptr<Private> d,
                                                      const ZipLimits &limits);
    std::unique_ptr<Private> d;
};

} // namespace edgedesk
