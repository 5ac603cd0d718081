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
    ServerOptions server;
    QString error; // a usage error; the program prints it and exits 2
    QString helpText;
};

CommandLine parseCommandLine(const QStringList &arguments);

} // namespace edgedesk
