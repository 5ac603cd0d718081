#include "relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace {

constexpr std::size_t kChunk = 64 * 1024;

} // namespace

Relay::Relay(int listener, std::uint16_t port, std::size_t maxConnections)
    : m_listener(listener), m_port(port), m_max(maxConnections)
{}

Relay::~Relay()
{
    for (auto &c : m_connections)
        close(*c);
}

void Relay::close(Connection &c)
{
    if (c.client >= 0)
        ::close(c.client);
    if (c.upstream >= 0)
        ::close(c.upstream);
    c.client = c.upstream = -1;
}

void Relay::collect(std::vector<pollfd> &fds)
{
    m_polled.clear();
    if (m_connections.size() < m_max) {
        fds.push_back({m_listener, POLLIN, 0});
        m_polled.emplace_back(nullptr, m_listener);
    }
    for (auto &owned : m_connections) {
        Connection &c = *owned;
        short client = 0;
        short upstream = 0;
        if (c.connecting) {
            upstream = POLLOUT;
        } else {
            if (c.up.buffer.empty() && !c.up.eof)
                client |= POLLIN;
            if (!c.down.buffer.empty())
                client |= POLLOUT;
            if (c.down.buffer.empty() && !c.down.eof)
                upstream |= POLLIN;
            if (!c.up.buffer.empty())
                upstream |= POLLOUT;
        }
        fds.push_back({c.client, client, 0});
        m_polled.emplace_back(&c, c.client);
        fds.push_back({c.upstream, upstream, 0});
        m_polled.emplace_back(&c, c.upstream);
    }
}

void Relay::dispatch(const pollfd *fds, std::size_t count)
{
    bool acceptNow = false;
    for (std::size_t i = 0; i < count && i < m_polled.size(); ++i) {
        Connection *c = m_polled[i].first;
        if (!c) {
            acceptNow = fds[i].revents & POLLIN;
            continue;
        }
        // The client's entry comes first, its upstream's right after.
        if (m_polled[i].second != c->client || i + 1 >= count)
            continue;
        const short clientEvents = fds[i].revents;
        const short upstreamEvents = fds[i + 1].revents;
        if (c->connecting) {
            if (upstreamEvents & (POLLOUT | POLLERR | POLLHUP))
                connected(*c);
            if ((clientEvents & (POLLERR | POLLHUP)) && !(clientEvents & POLLIN))
                c->done = true;
            continue;
        }
        if (!pump(c->client, c->upstream, c->up, clientEvents, upstreamEvents) ||
            !pump(c->upstream, c->client, c->down, upstreamEvents, clientEvents))
            c->done = true;
        if (c->up.shutDown && c->down.shutDown)
            c->done = true;
    }
    const auto finished = std::remove_if(m_connections.begin(), m_connections.end(),
                                         [](const std::unique_ptr<Connection> &c) {
                                             if (c->done)
                                                 close(*c);
                                             return c->done;
                                         });
    m_connections.erase(finished, m_connections.end());
    if (acceptNow)
        accept();
}

void Relay::accept()
{
    while (m_connections.size() < m_max) {
        const int client = ::accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0)
            return; // EAGAIN, or a connection that went away before it was accepted
        const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (upstream < 0) {
            ::close(client);
            continue;
        }
        const int one = 1;
        ::setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(m_port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        auto c = std::make_unique<Connection>();
        c->client = client;
        c->upstream = upstream;
        if (::connect(upstream, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0) {
            c->connecting = false;
        } else if (errno != EINPROGRESS) {
            close(*c); // refused: nothing listens yet
            continue;
        }
        m_connections.push_back(std::move(c));
    }
}

void Relay::connected(Connection &c)
{
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(c.upstream, SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) {
        c.done = true;
        return;
    }
    c.connecting = false;
}

bool Relay::pump(int from, int to, Direction &d, short fromEvents, short toEvents)
{
    if (d.buffer.empty() && !d.eof && (fromEvents & (POLLIN | POLLHUP | POLLERR))) {
        d.buffer.resize(kChunk);
        const ssize_t n = ::read(from, d.buffer.data(), kChunk);
        if (n > 0) {
            d.buffer.resize(std::size_t(n));
        } else {
            d.buffer.clear();
            if (n == 0)
                d.eof = true;
            else if (errno != EAGAIN && errno != EINTR)
                return false; // reset
        }
        d.offset = 0;
    }
    // Written at once, without waiting for POLLOUT: the peer nearly always has room.
    if (!d.buffer.empty() && ((toEvents & POLLOUT) || d.offset == 0)) {
        const ssize_t n =
            ::send(to, d.buffer.data() + d.offset, d.buffer.size() - d.offset, MSG_NOSIGNAL);
        if (n > 0) {
            d.offset += std::size_t(n);
            if (d.offset == d.buffer.size()) {
                d.buffer.clear();
                d.offset = 0;
            }
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return false;
        }
    }
    if (d.eof && d.buffer.empty() && !d.shutDown) {
        ::shutdown(to, SHUT_WR);
        d.shutDown = true;
    }
    return true;
}
