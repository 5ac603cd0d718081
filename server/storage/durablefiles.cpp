#include "storage/durablefiles.h"

#include <QFile>

#include <fcntl.h>
#include <unistd.h>

namespace edgedesk {

bool fsyncDirectory(const QString &dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

} // namespace edgedesk
