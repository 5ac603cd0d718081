#pragma once

#include "transport/transportlimits.h"
#include "util/result.h"

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
    // The project: its folder (empty for the built-in demo) and its configuration file (empty:
    // the one Project::locate() finds in projectDir, or the built-in default without a project).
    QString projectDir;
    QString configPath;
    QString dataDir;           // empty: the project's data folder, else the platform's app-data
    QStringList allowedHosts;  // extra Host names (besides localhost, 127.0.0.1, [::1])
    QString programDir;        // where the container programs are; empty: beside the executable
    bool probeOllama = true;   // look for a local Ollama when no AI provider is configured
    TransportLimits limits;
    // "enable_internet" image instances reach the host's loopback through their gateway address
    // (EdgeDesk's own port included, which trusts loopback clients): off unless asked for.
    bool containersReachHost = false;

    static QString defaultDataDir();
    // --persist-to when given, else <project>/.wrangler/state/edgedesk, else defaultDataDir():
    // two projects never share their state, and the built-in demo keeps its folder.
    QString effectiveDataDir() const;
    // A project (folder or configuration file) as the options that open it.
    static Result<ServerOptions> forProject(ServerOptions base, const QString &folderOrFile);
    // Non-loopback binding without a token is refused: anyone on the network could run commands.
    QString validate() const;
};

} // namespace edgedesk
