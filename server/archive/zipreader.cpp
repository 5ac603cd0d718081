#include "archive/zipreader.h"

#include <quazip/quazip.h>
#include <quazip/unzip.h>

#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QStringDecoder>

#include <vector>

namespace edgedesk {

namespace {

constexpr qint64 kChunkBytes = 256 * 1024;
constexpr quint16 kFlagEncrypted = 0x0001;
constexpr int kMethodStored = 0;
constexpr int kMethodDeflated = 8;

// The "version made by" hosts whose external attributes carry a Unix mode in the high 16 bits.
constexpr int kHostUnix = 3;
constexpr int kHostMacOsX = 19;
constexpr quint32 kModeTypeMask = 0170000;
constexpr quint32 kModeRegular = 0100000;
constexpr quint32 kModeDirectory = 0040000;
constexpr quint32 kModeLink = 0120000;
constexpr quint32 kDosReparsePoint = 0x400; // Windows: symbolic links and junctions

Error refused(const QString &message)
{
    return makeError(QStringLiteral("unprocessable"), message);
}

Error entryRefused(const QString &name, const QString &why)
{
    return refused(
        QStringLiteral("archive entry %1 is refused: %2").arg(ZipReader::quoted(name), why));
}

std::optional<QString> decodeName(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString name = decoder.decode(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return name;
}

} // namespace

struct ZipReader::Private
{
    QuaZip zip;
    QList<ZipEntry> entries;
    std::vector<unz64_file_pos> positions;
    QHash<QString, int> byName;
    qint64 totalBytes = 0;

    explicit Private(const QString &path) : zip(path) {}
    explicit Private(QIODevice *device) : zip(device) {}
};

ZipReader::ZipReader(std::unique_ptr<Private> p) : d(std::move(p)) {}

ZipReader::~ZipReader()
{
    if (d)
        d->zip.close();
}

Result<std::unique_ptr<ZipReader>> ZipReader::open(const QString &path, const ZipLimits &limits)
{
    return inspect(std::make_unique<Private>(path), limits);
}

Result<std::unique_ptr<ZipReader>> ZipReader::open(QIODevice *device, const ZipLimits &limits)
{
    auto p = std::make_unique<Private>(device);
    p->zip.setAutoClose(false);
    return inspect(std::move(p), limits);
}

QString ZipReader::quoted(const QString &name)
{
    QString shown;
    for (const QChar c : name.left(300)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7F)
            shown += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            shown += c;
    }
    if (name.size() > 300)
        shown += QStringLiteral("…");
    return QLatin1Char('\'') + shown + QLatin1Char('\'');
}

std::optional<QString> ZipReader::nameProblem(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("its name is empty");
    if (name.contains(QChar(u'\0')))
        return QStringLiteral("its name contains a NUL character");
    if (name.startsWith(u'/') || name.startsWith(u'\\') ||
        (name.size() >= 2 && name.at(1) == u':' && name.at(0).isLetter()))
        return QStringLiteral("it has an absolute path");
    // Backslashes count as separators too: an archive made for Windows climbs out with "..\".
    QString path = name;
    if (path.endsWith(u'/'))
        path.chop(1);
    const auto segments = QStringView(path).split(QRegularExpression(QStringLiteral("[/\\\\]")));
    for (const auto segment : segments) {
        if (segment == u"..")
            return QStringLiteral("its path climbs out of the folder with '..' (zip slip)");
    }
    for (const auto segment : segments) {
        if (segment.isEmpty() || segment == u".")
            return QStringLiteral("its path has an empty or '.' segment");
    }
    return std::nullopt;
}

Result<std::unique_ptr<ZipReader>> ZipReader::inspect(std::unique_ptr<Private> p,
                                                      const ZipLimits &limits)
{
    if (!p->zip.open(QuaZip::mdUnzip))
        return refused(QStringLiteral("this is not a zip archive (or its central directory is "
                                      "damaged)"));
    unzFile uf = p->zip.getUnzFile();
    unz_global_info64 global{};
    if (unzGetGlobalInfo64(uf, &global) != UNZ_OK)
        return refused(QStringLiteral("the archive's central directory cannot be read"));
    // Counted from the end record alone, before any entry is looked at.
    if (global.number_entry > quint64(limits.maxEntries))
        return refused(QStringLiteral("the archive holds %1 entries; at most %2 are accepted")
                           .arg(global.number_entry)
                           .arg(limits.maxEntries));

    QSet<QString> seen;
    int rc = unzGoToFirstFile(uf);
    while (rc == UNZ_OK) {
        unz_file_info64 info{};
        if (unzGetCurrentFileInfo64(uf, &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK)
            return refused(QStringLiteral("entry %1 of the central directory cannot be read")
                               .arg(p->entries.size() + 1));
        QByteArray rawName(qsizetype(info.size_filename) + 1, '\0');
        if (unzGetCurrentFileInfo64(uf, &info, rawName.data(), uLong(rawName.size()), nullptr, 0,
                                    nullptr, 0) != UNZ_OK)
            return refused(QStringLiteral("entry %1 of the central directory cannot be read")
                               .arg(p->entries.size() + 1));
        rawName.truncate(qsizetype(info.size_filename));
        const auto decoded = decodeName(rawName);
        if (!decoded)
            return entryRefused(QString::fromLatin1(rawName),
                                QStringLiteral("its name is not valid UTF-8"));
        ZipEntry entry;
        entry.name = *decoded;
        entry.size = qint64(info.uncompressed_size);
        entry.compressedSize = qint64(info.compressed_size);
        entry.crc = quint32(info.crc);
        entry.isDirectory = entry.name.endsWith(u'/');

        if (rawName.contains('\0'))
            return entryRefused(entry.name, QStringLiteral("its name contains a NUL character"));
        if (auto problem = nameProblem(entry.name))
            return entryRefused(entry.name, *problem);

        const int host = int(info.version >> 8);
        const quint32 mode = quint32(info.external_fa >> 16);
        if (host == kHostUnix || host == kHostMacOsX) {
            const quint32 type = mode & kModeTypeMask;
            if (type == kModeLink)
                return entryRefused(entry.name, QStringLiteral("it is a symbolic link"));
            if (type != 0 && type != kModeRegular && type != kModeDirectory)
                return entryRefused(entry.name,
                                    QStringLiteral("it is not a regular file or a folder"));
            if (type == kModeDirectory)
                entry.isDirectory = true;
        } else if (info.external_fa & kDosReparsePoint) {
            return entryRefused(entry.name, QStringLiteral("it is a link (reparse point)"));
        }
        if (entry.isDirectory && entry.size != 0)
            return entryRefused(entry.name, QStringLiteral("it is a folder that holds data"));

        QString key = entry.name;
        if (key.endsWith(u'/'))
            key.chop(1);
        if (seen.contains(key))
            return entryRefused(entry.name, QStringLiteral("the name appears more than once"));
        seen.insert(key);

        if (info.flag & kFlagEncrypted)
            return entryRefused(entry.name, QStringLiteral("it is encrypted"));
        if (info.compression_method != kMethodStored && info.compression_method != kMethodDeflated)
            return entryRefused(entry.name, QStringLiteral("it uses compression method %1; only "
                                                           "stored and deflated are accepted")
                                                .arg(info.compression_method));
        if (entry.size < 0 || entry.compressedSize < 0)
            return entryRefused(entry.name, QStringLiteral("its sizes are out of range"));
        if (info.compression_method == kMethodStored && entry.size != entry.compressedSize)
            return entryRefused(entry.name,
                                QStringLiteral("it is stored uncompressed but its two sizes "
                                               "differ"));
        if (entry.size > 0 &&
            (entry.compressedSize == 0 || entry.size / limits.maxRatio > entry.compressedSize ||
             (entry.size / limits.maxRatio == entry.compressedSize &&
              entry.size % limits.maxRatio != 0)))
            return entryRefused(entry.name,
                                QStringLiteral("it would expand from %1 to %2 bytes, more than "
                                               "%3:1 (a zip bomb)")
                                    .arg(entry.compressedSize)
                                    .arg(entry.size)
                                    .arg(limits.maxRatio));
        if (entry.size > limits.maxTotalBytes - p->totalBytes)
            return entryRefused(
                entry.name,
                QStringLiteral("it takes the archive past %1 bytes (%2 GiB) uncompressed")
                    .arg(limits.maxTotalBytes)
                    .arg(double(limits.maxTotalBytes) / (1024.0 * 1024 * 1024)));
        p->totalBytes += entry.size;

        unz64_file_pos pos{};
        if (unzGetFilePos64(uf, &pos) != UNZ_OK)
            return entryRefused(entry.name, QStringLiteral("its position cannot be read"));
        p->byName.insert(entry.name, int(p->entries.size()));
        p->entries.append(entry);
        p->positions.push_back(pos);
        rc = unzGoToNextFile(uf);
    }
    if (rc != UNZ_END_OF_LIST_OF_FILE)
        return refused(QStringLiteral("the archive's central directory is damaged after %1 "
                                      "entries (error %2)")
                           .arg(p->entries.size())
                           .arg(rc));
    return std::unique_ptr<ZipReader>(new ZipReader(std::move(p)));
}

const QList<ZipEntry> &ZipReader::entries() const
{
    return d->entries;
}

int ZipReader::indexOf(const QString &name) const
{
    return d->byName.value(name, -1);
}

qint64 ZipReader::totalBytes() const
{
    return d->totalBytes;
}

Status ZipReader::read(int index, const Sink &sink)
{
    if (index < 0 || index >= d->entries.size())
        return makeError(QStringLiteral("not_found"), QStringLiteral("no such archive entry"));
    const ZipEntry &entry = d->entries.at(index);
    auto damaged = [&entry](const QString &why) {
        return refused(
            QStringLiteral("archive entry %1 is damaged: %2").arg(quoted(entry.name), why));
    };
    if (entry.isDirectory)
        return Ok{};
    unzFile uf = d->zip.getUnzFile();
    if (unzGoToFilePos64(uf, &d->positions[size_t(index)]) != UNZ_OK)
        return damaged(QStringLiteral("it cannot be found"));
    if (const int rc = unzOpenCurrentFile(uf); rc != UNZ_OK)
        return damaged(QStringLiteral("its local header is invalid (error %1)").arg(rc));
    QByteArray buffer(kChunkBytes, Qt::Uninitialized);
    qint64 total = 0;
    for (;;) {
        const int n = unzReadCurrentFile(uf, buffer.data(), unsigned(buffer.size()));
        if (n < 0) {
            unzCloseCurrentFile(uf);
            return damaged(QStringLiteral("its compressed data is invalid (error %1)").arg(n));
        }
        if (n == 0)
            break;
        total += n;
        // minizip stops at the recorded size by itself; this keeps the promise explicit.
        if (total > entry.size) {
            unzCloseCurrentFile(uf);
            return damaged(QStringLiteral("it holds more bytes than its header says"));
        }
        if (auto st = sink(buffer.constData(), n); !st) {
            unzCloseCurrentFile(uf);
            return st;
        }
    }
    const int closed = unzCloseCurrentFile(uf);
    if (total != entry.size)
        return damaged(
            QStringLiteral("it holds %1 bytes, its header says %2").arg(total).arg(entry.size));
    if (closed == UNZ_CRCERROR)
        return damaged(QStringLiteral("its CRC-32 checksum does not match"));
    if (closed != UNZ_OK)
        return damaged(QStringLiteral("it cannot be read to the end (error %1)").arg(closed));
    return Ok{};
}

Result<QByteArray> ZipReader::readAll(int index, qint64 maxBytes)
{
    if (index < 0 || index >= d->entries.size())
        return makeError(QStringLiteral("not_found"), QStringLiteral("no such archive entry"));
    const ZipEntry &entry = d->entries.at(index);
    if (entry.size > maxBytes)
        return makeError(QStringLiteral("payload_too_large"),
                         QStringLiteral("archive entry %1 is larger than %2 bytes")
                             .arg(quoted(entry.name))
                             .arg(maxBytes));
    QByteArray bytes;
    bytes.reserve(qsizetype(entry.size));
    auto st = read(index, [&bytes](const char *data, qint64 size) -> Status {
        bytes.append(data, qsizetype(size));
        return Ok{};
    });
    if (!st)
        return st.error();
    return bytes;
}

} // namespace edgedesk
