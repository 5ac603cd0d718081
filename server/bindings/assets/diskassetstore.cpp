#include "bindings/assets/diskassetstore.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <memory>

#include <sys/stat.h>

namespace edgedesk {

Q_LOGGING_CATEGORY(lcAssets, "edgedesk.assets")

namespace {

bool safeSegments(const QString &path)
{
    if (!path.startsWith(QLatin1Char('/')) || path.contains(QChar(0)))
        return false;
    const QStringList segments = path.mid(1).split(QLatin1Char('/'));
    for (const QString &segment : segments) {
        if (segment.isEmpty() || segment == QLatin1String(".") || segment == QLatin1String(".."))
            return false;
        if (segment.startsWith(QLatin1Char('.')) && segment != QLatin1String(".well-known"))
            return false;
    }
    if (segments.size() == 1) {
        static const QStringList notServed{QStringLiteral("_headers"), QStringLiteral("_redirects"),
                                           QStringLiteral("_worker.js")};
        if (notServed.contains(segments.first()))
            return false;
    }
    return true;
}

// The version of a file's bytes: size, modification time to the nanosecond and inode (a file
// replaced by a rename is another file).
QByteArray etagOf(const struct stat &st)
{
    return '"' + QByteArray::number(qint64(st.st_size), 16) + '-' +
           QByteArray::number(qint64(st.st_mtim.tv_sec), 16) +
           QByteArray::number(qint64(st.st_mtim.tv_nsec), 16).rightJustified(8, '0') + '-' +
           QByteArray::number(quint64(st.st_ino), 16) + '"';
}

} // namespace

DiskAssetStore::DiskAssetStore(const QString &folder)
{
    const QString canonical = QFileInfo(folder).canonicalFilePath();
    m_root = canonical.isEmpty() ? folder : canonical;
    while (m_root.size() > 1 && m_root.endsWith(QLatin1Char('/')))
        m_root.chop(1);
}

QString DiskAssetStore::locate(const QString &path) const
{
    if (!safeSegments(path))
        return {};
    const QFileInfo info(m_root + path); // follows symlinks: a link to a folder is no file
    if (!info.isFile())
        return {};
    const QString canonical = info.canonicalFilePath();
    if (!canonical.startsWith(m_root + QLatin1Char('/')))
        return {};
    if (info.size() > kMaxAssetBytes) {
        warnTooLarge(path, info.size());
        return {};
    }
    return canonical;
}

void DiskAssetStore::warnTooLarge(const QString &path, qint64 size) const
{
    QMutexLocker lock(&m_warnedMutex);
    if (m_warned.contains(path))
        return;
    m_warned.insert(path);
    qCWarning(lcAssets).noquote()
        << QStringLiteral("%1 is not served: it is %2 MiB, and the platform serves assets up to "
                          "25 MiB")
               .arg(path)
               .arg(double(size) / (1024 * 1024), 0, 'f', 1);
}

QByteArray DiskAssetStore::version(const QString &path) const
{
    struct stat st;
    const QByteArray native = QFile::encodeName(m_root + path);
    if (::stat(native.constData(), &st) != 0 || !S_ISREG(st.st_mode))
        return {};
    return etagOf(st);
}

bool DiskAssetStore::exists(const QString &path) const
{
    return !locate(path).isEmpty();
}

std::optional<AssetBody> DiskAssetStore::open(const QString &path) const
{
    const QString canonical = locate(path);
    if (canonical.isEmpty())
        return std::nullopt;
    auto file = std::make_shared<QFile>(canonical);
    if (!file->open(QIODevice::ReadOnly))
        return std::nullopt;
    struct stat st;
    if (::fstat(file->handle(), &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    const QByteArray etag = etagOf(st);
    return AssetBody{qint64(st.st_size), etag,
                     [file](qint64 offset, qint64 count) -> std::optional<QByteArray> {
                         if (!file->seek(offset))
                             return std::nullopt;
                         return file->read(count);
                     }};
}

} // namespace edgedesk
