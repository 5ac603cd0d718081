#pragma once

#include "serveroptions.h"

#include <QString>
#include <QStringList>

namespace edgedesk {

// What `edgedesk` was asked to do, parsed from its arguments with QCommandLineParser.
struct CommandLine
{
    bool headless = false;
    bool help = false;
    bool version = false;
    bool portGiven = false;
    QString logLevel = QStringLiteral("info");
    // State archives: run, print a summary and exit without serving.
    QString exportState;           // --export-state FILE.zip
    QString importState;           // --import-state FILE.zip
    bool includeSecretKey = false; // --include-secret-key (with --export-state)
    ServerOptions server;
    QString error; // a usage error; the program prints it and exits 2
    QString helpText;
};

CommandLine parseCommandLine(const QStringList &arguments);

} // namespace edgedesk
