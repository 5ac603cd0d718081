#pragma once

#include "transport/transportlimits.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace edgedesk {

// How to run the server: what the command line and the Settings panel choose.
struct ServerOptions
{
    QHostAddress bindAddress = QHostAddress(QHostAddress::LocalHost);
    int port = 8787;           // 0: any free port
    bool portFallback = false; // the GUI moves to the next free port when this one is busy
    QString token;             // required for --bind to a non-loopback address
    QString configPath;        // empty: the built-in default
    QString dataDir;           // empty: the platform's app-data folder
    QStringList allowedHosts;  // extra Host names (besides localhost, 127.0.0.1, [::1])
    QString programDir;        // where the container programs are; empty: beside the executable
    bool probeOllama = true;   // look for a local Ollama when no AI provider is configured
    TransportLimits limits;

    static QString defaultDataDir();
    // Non-loopback binding without a token is refused: anyone on the network could run commands.
    QString validate() const;
};

} // namespace edgedesk
