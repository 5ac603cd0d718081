#include "commandline.h"

#include "logging/loghub.h"

#include <QCommandLineParser>
#include <QProcessEnvironment>

namespace edgedesk {

CommandLine parseCommandLine(const QStringList &arguments)
{
    CommandLine cl;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "EdgeDesk: a local edge-stack workbench. Serves the demo stack (API containers, "
        "Linux commands, KV, bucket images, AI, a service binding and the web frontend) "
        "on one port, with a desktop control panel."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Show the version."));
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Serve without a window."));
    const QCommandLineOption port(
        QStringLiteral("port"),
        QStringLiteral("Port to serve on (default 8787; 0 = any free port)."),
        QStringLiteral("port"));
    const QCommandLineOption bind(
        QStringLiteral("bind"),
        QStringLiteral("Address to bind (default 127.0.0.1). Any other address needs --token."),
        QStringLiteral("address"));
    const QCommandLineOption token(
        QStringLiteral("token"),
        QStringLiteral("Access token for /run, the control API and state-changing requests "
                       "(also EDGEDESK_TOKEN)."),
        QStringLiteral("token"));
    const QCommandLineOption config(
        QStringLiteral("config"),
        QStringLiteral("The project's configuration file (wrangler.jsonc, wrangler.json or "
                       "wrangler.toml); the same as giving it as PROJECT."),
        QStringLiteral("file"));
    const QCommandLineOption persist(
        {QStringLiteral("persist-to"), QStringLiteral("data-dir")},
        QStringLiteral("Folder for state (KV, bucket, secrets, logs). Default: "
                       "PROJECT/.wrangler/state/edgedesk, or %1 for the built-in demo")
            .arg(ServerOptions::defaultDataDir()),
        QStringLiteral("folder"));
    const QCommandLineOption logLevel(
        QStringLiteral("log-level"),
        QStringLiteral("debug, info, warning or error (default info)."), QStringLiteral("level"),
        QStringLiteral("info"));
    const QCommandLineOption allowHost(
        QStringLiteral("allow-host"),
        QStringLiteral("Another Host name to accept (DNS-rebinding allow-list); repeatable."),
        QStringLiteral("name"));
    const QCommandLineOption containersReachHost(
        QStringLiteral("containers-reach-host"),
        QStringLiteral("Let image containers with \"enable_internet\" reach services on this "
                       "machine's loopback through their gateway address (a local database). "
                       "This also exposes EdgeDesk's own port, /run and the control API "
                       "included, to those containers."));
    const QCommandLineOption exportState(
        QStringLiteral("export-state"),
        QStringLiteral("Write the state (KV, bucket objects, durable storage, the encrypted "
                       "secrets store, the configuration) to a zip with a checksummed manifest, "
                       "then exit. Safe while EdgeDesk runs."),
        QStringLiteral("file.zip"));
    const QCommandLineOption importState(
        QStringLiteral("import-state"),
        QStringLiteral("Verify a state archive entirely, then replace the data folder's state "
                       "with it, then exit. Refused while a running EdgeDesk uses the folder "
                       "(exit code 3); a damaged archive changes nothing (exit code 1)."),
        QStringLiteral("file.zip"));
    const QCommandLineOption includeSecretKey(
        QStringLiteral("include-secret-key"),
        QStringLiteral("With --export-state: also put secrets.key in the archive. Anyone with "
                       "the archive can then read every secret."));
    parser.addOptions({help, version, headless, port, bind, token, config, persist, logLevel,
                       allowHost, containersReachHost, exportState, importState, includeSecretKey});
    parser.addPositionalArgument(
        QStringLiteral("PROJECT"),
        QStringLiteral("A project folder (holding wrangler.json, wrangler.jsonc or "
                       "wrangler.toml) or its configuration file. Without one: the built-in "
                       "demo."),
        QStringLiteral("[PROJECT]"));
    cl.helpText = parser.helpText();

    if (!parser.parse(arguments)) {
        cl.error = parser.errorText();
        return cl;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        cl.error = QStringLiteral("unexpected argument '%1'").arg(positional.at(1));
        return cl;
    }
    if (!positional.isEmpty() && parser.isSet(config)) {
        cl.error = QStringLiteral("give the project or --config, not both");
        return cl;
    }
    cl.help = parser.isSet(help);
    cl.version = parser.isSet(version);
    cl.headless = parser.isSet(headless);
    if (parser.isSet(port)) {
        bool ok = false;
        const int p = parser.value(port).toInt(&ok);
        if (!ok || p < 0 || p > 65535) {
            cl.error = QStringLiteral("--port must be a number 0..65535");
            return cl;
        }
        cl.server.port = p;
        cl.portGiven = true;
    }
    if (parser.isSet(bind)) {
        QString address = parser.value(bind);
        if (address == QLatin1String("localhost"))
            address = QStringLiteral("127.0.0.1");
        cl.server.bindAddress = QHostAddress(address);
        if (cl.server.bindAddress.isNull()) {
            cl.error =
                QStringLiteral("--bind needs an IP address, not '%1'").arg(parser.value(bind));
            return cl;
        }
    }
    cl.server.token =
        parser.isSet(token)
            ? parser.value(token)
            : QProcessEnvironment::systemEnvironment().value(QStringLiteral("EDGEDESK_TOKEN"));
    const QString project = positional.isEmpty() ? parser.value(config) : positional.first();
    if (!project.isEmpty()) {
        auto opened = ServerOptions::forProject(cl.server, project);
        if (!opened) {
            cl.error = opened.error().message;
            return cl;
        }
        cl.server = *opened;
    }
    cl.server.dataDir = parser.value(persist);
    cl.server.allowedHosts = parser.values(allowHost);
    cl.server.containersReachHost = parser.isSet(containersReachHost);
    cl.logLevel = parser.value(logLevel);
    cl.exportState = parser.value(exportState);
    cl.importState = parser.value(importState);
    cl.includeSecretKey = parser.isSet(includeSecretKey);
    if (parser.isSet(exportState) && parser.isSet(importState)) {
        cl.error = QStringLiteral("--export-state and --import-state cannot be combined");
        return cl;
    }
    if ((parser.isSet(exportState) && cl.exportState.isEmpty()) ||
        (parser.isSet(importState) && cl.importState.isEmpty())) {
        cl.error = QStringLiteral("--export-state and --import-state need a file name");
        return cl;
    }
    if (cl.includeSecretKey && !parser.isSet(exportState)) {
        cl.error = QStringLiteral("--include-secret-key goes with --export-state");
        return cl;
    }
    if (!LogHub::isValidLevel(cl.logLevel)) {
        cl.error = QStringLiteral("--log-level must be debug, info, warning or error");
        return cl;
    }
    return cl;
}

} // namespace edgedesk
