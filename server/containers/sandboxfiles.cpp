#include "containers/sandboxfiles.h"

#include <QFile>

#include <cerrno>

#include <QFileInfo>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace edgedesk {

QByteArray readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(64 * 1024);
}

Status writeControlFile(const QString &path, const QByteArray &value)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot open %1: %2").arg(path, qt_error_string(errno)));
    const ssize_t written = ::write(fd, value.constData(), size_t(value.size()));
    const int error = errno;
    ::close(fd);
    if (written != value.size())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot write %1: %2").arg(path, qt_error_string(error)));
    return Ok{};
}

bool reachableByUid(const QString &path, quint32 uid, bool executable)
{
    const auto allows = [uid](const QString &entry, mode_t ownerBits, mode_t otherBits) {
        struct stat info;
        if (::stat(QFile::encodeName(entry).constData(), &info) != 0)
            return false;
        const mode_t needed = info.st_uid == uid ? ownerBits : otherBits;
        return (info.st_mode & needed) == needed;
    };
    const QString target = QFileInfo(path).canonicalFilePath();
    if (target.isEmpty())
        return false;
    if (!allows(target, executable ? S_IRUSR | S_IXUSR : S_IRUSR,
                executable ? S_IROTH | S_IXOTH : S_IROTH))
        return false;
    for (QString folder = QFileInfo(target).path();; folder = QFileInfo(folder).path()) {
        if (!allows(folder, S_IXUSR, S_IXOTH))
            return false;
        if (folder == QLatin1String("/"))
            return true;
    }
}

} // namespace edgedesk
