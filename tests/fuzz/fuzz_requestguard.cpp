// The transport's request guard (HttpConnection): request heads, Content-Length and chunked
// bodies, trailers and pipelining, fed to a real loopback socket the way a client sends them.
//
// Input: the first byte picks how the rest is cut into writes (0x80 and up: one write; below:
// pieces of 1 + byte % 32 bytes), so that heads, chunk-size lines and CRLFs split at every
// boundary; the rest goes out as it is. The guard answers refusals on the socket and may close
// it; the harness reads and drops what the guard leaves for Qt HTTP Server, as the server would.
#include "transport/httpconnection.h"
#include "transport/transportlimits.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

using namespace edgedesk;

namespace {

QTcpServer *g_listener = nullptr;
TransportLimits g_limits;

int connectClient(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof to) != 0)
        std::abort();
    // Every write leaves at once as its own segment: without this, Nagle holds small pieces back
    // until the previous one is acknowledged, which merges them and costs a delayed ACK each.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// Lets the server side read everything the client has sent so far.
void pump(QTcpSocket *socket)
{
    while (socket->state() == QAbstractSocket::ConnectedState && socket->waitForReadyRead(0)) {
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    QLoggingCategory::setFilterRules(QStringLiteral("*=false"));
    g_listener = new QTcpServer;
    if (!g_listener->listen(QHostAddress::LocalHost, 0))
        std::abort();
    // Small limits, so that inputs of a few hundred bytes reach the 431 and 413 paths too.
    g_limits.maxHeaderBytes = 512;
    g_limits.defaultBodyLimit = 4096;
    g_limits.bodyLimit = [](const QByteArray &, const QByteArray &path) -> qint64 {
        return path.startsWith("/big") ? 64 * 1024 : 1024;
    };
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const int client = connectClient(g_listener->serverPort());
    if (!g_listener->waitForNewConnection(5000))
        std::abort();
    QTcpSocket *server = g_listener->nextPendingConnection();
    new HttpConnection(server, g_limits); // a child of the socket, as in TransportServer
    // Connected after the guard: it peeks first, then this takes the bytes as Qt HTTP Server would.
    QObject::connect(server, &QTcpSocket::readyRead, server, [server] { server->readAll(); });

    const size_t piece = data[0] >= 0x80 ? size : 1 + data[0] % 32;
    for (size_t at = 1; at < size; at += piece) {
        const size_t n = std::min(piece, size - at);
        if (::send(client, data + at, n, MSG_NOSIGNAL) < 0)
            break; // the guard closed the connection
        pump(server);
    }
    ::shutdown(client, SHUT_WR);
    pump(server);
    ::close(client);
    delete server;
    return 0;
}
