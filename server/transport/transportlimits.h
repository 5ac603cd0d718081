#pragma once

#include <QString>
#include <QtGlobal>

namespace edgedesk {

// What the transport enforces while it reads requests (Qt has no limits of its own).
struct TransportLimits
{
    qint64 maxHeaderBytes = 16 * 1024; // request line + headers → 431
    int maxHeaderFields = 100;         // header lines in a head → 431
    int maxConnections = 512;          // in all
    // One client address holds at most this many connections. Loopback clients all share one
    // address, so they get a larger share; a remote address still cannot lock them out.
    int maxConnectionsPerClient = 64;
    int maxConnectionsPerLoopback = 256;
    int idleTimeoutMs = 30000;             // connections that are not streaming
    int lingerMs = 2000;                   // after a refusal: read and discard before closing
    int maxPipelined = 32;                 // requests of one connection in flight before it pauses
    qint64 defaultBodyLimit = 1024 * 1024; // for routes without a limit of their own
    // Bodies larger than this go to a temporary file in `spoolDir` as they arrive.
    qint64 bodyMemoryBytes = 256 * 1024;
    QString spoolDir; // empty: the system's temporary folder
};

} // namespace edgedesk
