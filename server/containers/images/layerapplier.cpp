#include "containers/images/layerapplier.h"

#include "archive/zipreader.h"
#include "containers/images/imagelog.h"

#include <QList>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

#include <sys/stat.h>
#include <unistd.h>

namespace edgedesk {

namespace {

constexpr int kMaxPathBytes = 4096;
constexpr int kMaxDepth = 256;
constexpr int kMaxLoggedDrops = 10;

const QByteArray kWhiteoutPrefix = QByteArrayLiteral(".wh.");
const QByteArray kOpaqueMarker = QByteArrayLiteral(".wh..wh..opq");

QString shown(const QByteArray &name)
{
    return ZipReader::quoted(QString::fromUtf8(name));
}

QByteArray normalized(QByteArray name)
{
    while (name.startsWith("./"))
        name.remove(0, 2);
    while (name.endsWith('/'))
        name.chop(1);
    return name == "." ? QByteArray() : name;
}

struct ReaderDeleter
{
    void operator()(archive *a) const { archive_read_free(a); }
};

// One sequential read of the tar stream behind fd. visit returns an error to stop.
using Visitor = std::function<Status(archive *reader, archive_entry *entry)>;

Status readEntries(int fd, const LayerApplier::Options &options, const Visitor &visit)
{
    if (::lseek(fd, 0, SEEK_SET) < 0)
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot rewind %1").arg(options.what));
    std::unique_ptr<archive, ReaderDeleter> reader(archive_read_new());
    archive_read_support_filter_all(reader.get());
    archive_read_support_format_tar(reader.get());
    archive_read_support_format_gnutar(reader.get());
    auto damaged = [&] {
        const char *message = archive_error_string(reader.get());
        return makeError(QStringLiteral("unprocessable"),
                         QStringLiteral("%1 is not a readable tar archive (damaged or truncated): "
                                        "%2")
                             .arg(options.what, message ? QString::fromLocal8Bit(message)
                                                        : QStringLiteral("unknown error")));
    };
    if (archive_read_open_fd(reader.get(), fd, 1 << 16) != ARCHIVE_OK)
        return damaged();
    for (;;) {
        if (options.limits.cancelled())
            return makeError(QStringLiteral("cancelled"),
                             QStringLiteral("the image load was cancelled"));
        archive_entry *entry = nullptr;
        const int status = archive_read_next_header(reader.get(), &entry);
        if (status == ARCHIVE_EOF)
            return Ok{};
        if (status < ARCHIVE_WARN)
            return damaged();
        if (auto visited = visit(reader.get(), entry); !visited)
            return visited;
    }
}

bool isSpecial(mode_t type)
{
    return type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK;
}

Error refused(const LayerApplier::Options &options, const QByteArray &name, const QString &why)
{
    return makeError(
        QStringLiteral("unprocessable"),
        QStringLiteral("%1 is refused: entry %2 %3").arg(options.what, shown(name), why));
}

Status writeData(archive *reader, int fd, const QByteArray &name,
                 const LayerApplier::Options &options, qint64 &bytes)
{
    const void *block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
        const int status = archive_read_data_block(reader, &block, &size, &offset);
        if (status == ARCHIVE_EOF)
            break;
        if (status < ARCHIVE_WARN) {
            const char *message = archive_error_string(reader);
            return makeError(QStringLiteral("unprocessable"),
                             QStringLiteral("%1 is damaged or truncated at %2: %3")
                                 .arg(options.what, shown(name),
                                      QString::fromLocal8Bit(message ? message : "read error")));
        }
        bytes += qint64(size);
        if (bytes > options.maxBytes)
            return makeError(QStringLiteral("payload_too_large"),
                             QStringLiteral("%1 holds more than %2 bytes")
                                 .arg(options.what)
                                 .arg(options.maxBytes));
        // Sparse files arrive as blocks at offsets: the holes stay holes.
        for (size_t done = 0; done < size;) {
            const ssize_t n = ::pwrite(fd, static_cast<const char *>(block) + done, size - done,
                                       off_t(offset) + off_t(done));
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return makeError(
                    QStringLiteral("storage_error"),
                    QStringLiteral("cannot write %1: %2")
                        .arg(shown(name), QString::fromLocal8Bit(std::strerror(errno))));
            }
            done += size_t(n);
        }
    }
    return Ok{};
}

} // namespace

std::optional<QString> LayerApplier::nameProblem(const QByteArray &name)
{
    if (name.size() > kMaxPathBytes)
        return QStringLiteral("has a path longer than %1 bytes").arg(kMaxPathBytes);
    if (name.startsWith('/'))
        return QStringLiteral("has an absolute path");
    const QList<QByteArray> parts = name.split('/');
    if (parts.size() > kMaxDepth)
        return QStringLiteral("is nested deeper than %1 folders").arg(kMaxDepth);
    for (const QByteArray &part : parts) {
        if (part == "..")
            return QStringLiteral("climbs out of the image with '..'");
    }
    return std::nullopt;
}

Result<LayerApplier::Summary> LayerApplier::apply(int fd, const RootDirectory &root,
                                                  const Options &options)
{
    Summary summary;
    QList<QByteArray> opaque;
    QList<QByteArray> whiteouts;
    qint64 declaredBytes = 0;

    // First read: judge every entry before a byte is written.
    auto scanned = readEntries(fd, options, [&](archive *reader, archive_entry *entry) -> Status {
        const QByteArray raw = archive_entry_pathname(entry);
        const QByteArray name = normalized(raw);
        if (auto problem = nameProblem(raw))
            return refused(options, raw, *problem);
        if (const char *link = archive_entry_hardlink(entry)) {
            if (auto problem = nameProblem(link))
                return refused(options, raw,
                               QStringLiteral("is a hard link that %1").arg(*problem));
            if (normalized(link).isEmpty())
                return refused(options, raw, QStringLiteral("is a hard link to the image's root"));
        }
        if (++summary.entries > options.maxEntries)
            return makeError(QStringLiteral("payload_too_large"),
                             QStringLiteral("%1 has more than %2 entries")
                                 .arg(options.what)
                                 .arg(options.maxEntries));
        if (archive_entry_filetype(entry) == AE_IFREG && !archive_entry_hardlink(entry)) {
            declaredBytes += qMax<qint64>(0, archive_entry_size(entry));
            if (declaredBytes > options.maxBytes)
                return makeError(QStringLiteral("payload_too_large"),
                                 QStringLiteral("%1 holds more than %2 bytes, the limit for one "
                                                "image")
                                     .arg(options.what)
                                     .arg(options.maxBytes));
        }
        if (options.whiteouts) {
            const qsizetype slash = name.lastIndexOf('/');
            const QByteArray dir = slash < 0 ? QByteArray() : name.left(slash);
            const QByteArray base = name.mid(slash + 1);
            if (base == kOpaqueMarker) {
                opaque.append(dir);
            } else if (base.startsWith(kWhiteoutPrefix + kWhiteoutPrefix)) {
                // Other ".wh..wh." names are aufs bookkeeping: nothing to apply.
            } else if (base.startsWith(kWhiteoutPrefix)) {
                const QByteArray hidden = base.mid(kWhiteoutPrefix.size());
                if (hidden.isEmpty() || hidden == "." || hidden == "..")
                    return refused(options, raw, QStringLiteral("is a whiteout of nothing"));
                whiteouts.append(dir.isEmpty() ? hidden : dir + '/' + hidden);
            }
        }
        if (archive_read_data_skip(reader) < ARCHIVE_WARN)
            return refused(options, raw,
                           QStringLiteral("is damaged or truncated: %1")
                               .arg(QString::fromLocal8Bit(archive_error_string(reader))));
        return Ok{};
    });
    if (!scanned)
        return scanned.error();

    for (const QByteArray &dir : opaque) {
        if (auto cleared = root.clearDirectory(dir); !cleared)
            return cleared.error();
        ++summary.whiteouts;
    }
    for (const QByteArray &path : whiteouts) {
        if (auto removed = root.remove(path); !removed)
            return removed.error();
        ++summary.whiteouts;
    }

    auto applied = readEntries(fd, options, [&](archive *reader, archive_entry *entry) -> Status {
        const QByteArray raw = archive_entry_pathname(entry);
        const QByteArray name = normalized(raw);
        const mode_t type = archive_entry_filetype(entry);
        const mode_t mode = archive_entry_perm(entry);
        if (options.whiteouts && name.mid(name.lastIndexOf('/') + 1).startsWith(kWhiteoutPrefix))
            return Ok{};
        if (const char *link = archive_entry_hardlink(entry))
            return root.makeHardLink(name, normalized(link));
        if (isSpecial(type)) {
            if (++summary.dropped <= kMaxLoggedDrops)
                qCWarning(lcImages).noquote()
                    << options.what << "- dropped" << shown(raw)
                    << "(device nodes, FIFOs and sockets are not unpacked)";
            return Ok{};
        }
        if (type == AE_IFDIR) {
            if (name.isEmpty())
                return Ok{}; // the root keeps the store's own mode
            return root.makeDirectory(name, (mode & 01777) | S_IRWXU);
        }
        if (type == AE_IFLNK)
            return root.makeSymlink(name, archive_entry_symlink(entry));
        if (mode & (S_ISUID | S_ISGID)) {
            ++summary.privilegesCleared;
            qCWarning(lcImages).noquote()
                << options.what << "- cleared the setuid/setgid bit of" << shown(raw);
        }
        auto file = root.createFile(name);
        if (!file)
            return file.error();
        if (auto written = writeData(reader, file->get(), raw, options, summary.bytes); !written)
            return written;
        if (::ftruncate(file->get(), archive_entry_size(entry)) != 0 ||
            ::fchmod(file->get(), (mode & 0777) | S_IRUSR) != 0)
            return makeError(QStringLiteral("storage_error"),
                             QStringLiteral("cannot finish %1: %2")
                                 .arg(shown(raw), QString::fromLocal8Bit(std::strerror(errno))));
        const struct timespec times[2] = {{archive_entry_mtime(entry), 0},
                                          {archive_entry_mtime(entry), 0}};
        ::futimens(file->get(), times);
        return Ok{};
    });
    if (!applied)
        return applied.error();
    if (summary.dropped > kMaxLoggedDrops)
        qCWarning(lcImages).noquote()
            << options.what << "- dropped" << summary.dropped << "special files in all";
    return summary;
}

} // namespace edgedesk
