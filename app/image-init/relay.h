#pragma once

#include <poll.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// Relays every connection accepted on a listening socket to 127.0.0.1:<port>, both ways, with
// half-closes passed on; all non-blocking in one poll() loop driven by the caller. A connection
// whose upstream refuses (the program does not listen yet) is closed at once, so a health check
// through the relay fails fast and is retried.
class Relay final
{
public:
    Relay(int listener, std::uint16_t port, std::size_t maxConnections);
    ~Relay();
    Relay(const Relay &) = delete;
    Relay &operator=(const Relay &) = delete;

    // Appends the descriptors to poll, and later hands the results back (same order).
    void collect(std::vector<pollfd> &fds);
    void dispatch(const pollfd *fds, std::size_t count);

private:
    struct Direction
    {
        std::string buffer;
        std::size_t offset = 0;
        bool eof = false;      // the reading side said EOF (or failed)
        bool shutDown = false; // the writing side was told
    };
    struct Connection
    {
        int client = -1;
        int upstream = -1;
        bool connecting = true;
        Direction up;   // client -> upstream
        Direction down; // upstream -> client
        bool done = false;
    };

    void accept();
    void connected(Connection &c);
    // Moves bytes from `from` through d to `to`; false when the connection must close.
    bool pump(int from, int to, Direction &d, short fromEvents, short toEvents);
    static void close(Connection &c);

    int m_listener;
    std::uint16_t m_port;
    std::size_t m_max;
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::vector<std::pair<Connection *, int>> m_polled; // which fd each pollfd was, in order
};
