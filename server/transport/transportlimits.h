#pragma once

#include <QtGlobal>

namespace edgedesk {

// What the transport enforces while it reads requests (Qt has no limits of its own).
struct TransportLimits
{
    qint64 maxHeaderBytes = 16 * 1024;     // request line + headers → 431
    int maxConnections = 512;              // in all; further connections are closed at once
    int maxConnectionsPerClient = 64;      // per non-loopback client address
    int idleTimeoutMs = 30000;             // connections that are not streaming
    int lingerMs = 2000;                   // after a refusal: read and discard before closing
    int maxPipelined = 32;                 // requests of one connection in flight before it pauses
    qint64 defaultBodyLimit = 1024 * 1024; // for routes without a limit of their own
};

} // namespace edgedesk
