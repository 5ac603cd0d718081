#include "transport/socketwrite.h"

#include <QTcpSocket>

#include <cerrno>
#include <sys/socket.h>

namespace edgedesk {

bool writeNow(QTcpSocket *socket, const char *data, qsizetype size)
{
    if (size <= 0)
        return true;
    qsizetype sent = 0;
    if (socket->bytesToWrite() == 0) {
        const int fd = int(socket->socketDescriptor());
        while (fd >= 0 && sent < size) {
            const ssize_t n =
                ::send(fd, data + sent, size_t(size - sent), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0)
                sent += n;
            else if (n < 0 && errno == EINTR)
                continue;
            else
                break; // EAGAIN, or an error that Qt's own write will report
        }
    }
    if (sent == size)
        return true;
    socket->write(data + sent, size - sent);
    return false;
}

} // namespace edgedesk
