#pragma once

#include <QByteArray>
#include <QtGlobal>

#include <functional>

namespace edgedesk {

// What the transport enforces before Qt HTTP Server buffers anything (Qt 6.4 has no limits).
struct TransportLimits
{
    qint64 maxHeaderBytes = 16 * 1024; // request line + headers → 431
    int maxConnections = 512;          // in all; further connections are closed at once
    int maxConnectionsPerClient = 64;  // per non-loopback client address
    int idleTimeoutMs = 30000;         // connections that are not streaming
    int lingerMs = 2000;               // after a refusal: read and discard before closing
    qint64 defaultBodyLimit = 1024 * 1024;
    // Body limit for a request, from its method and raw path (route-specific limits).
    std::function<qint64(const QByteArray &method, const QByteArray &path)> bodyLimit;
};

} // namespace edgedesk
