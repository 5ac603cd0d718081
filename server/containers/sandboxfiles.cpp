#include "containers/sandboxfiles.h"

#include <QFile>

#include <cerrno>

#include <fcntl.h>
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

} // namespace edgedesk
