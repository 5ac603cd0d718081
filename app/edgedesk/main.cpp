// edgedesk: the desktop control panel, or with --headless the router alone.
#include "archive/stateexporter.h"
#include "archive/stateimporter.h"
#include "commandline.h"
#include "edgedesk/version.h"
#include "logging/loghub.h"
#include "serverhost.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>

#ifdef EDGEDESK_WITH_UI
#include "mainwindow.h"
#include <QApplication>
#endif

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace edgedesk;

namespace {

int g_signalPipe[2] = {-1, -1};

void onUnixSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &byte, 1);
}

// SIGINT/SIGTERM end the event loop, so the server stops cleanly (and its containers with it).
void quitOnUnixSignals()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, qApp);
    QObject::connect(notifier, &QSocketNotifier::activated, qApp, [] {
        char byte;
        [[maybe_unused]] const auto n = ::read(g_signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = onUnixSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

bool hasDisplay()
{
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (!platform.isEmpty())
        return platform != "offscreen" && platform != "minimal";
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

int runHeadless(int argc, char **argv, const CommandLine &cl)
{
    QCoreApplication app(argc, argv);
    LogHub::installMessageHandler(cl.logLevel);
    quitOnUnixSignals();

    ServerHost host;
    QTextStream out(stdout);
    QObject::connect(&host, &ServerHost::serving, &app, [&](const QUrl &url) {
        out << "EdgeDesk serving on " << ServerHost::displayUrl(url)
            << "  (data: " << host.dataDir() << ")" << Qt::endl;
    });
    QObject::connect(&host, &ServerHost::failed, &app, [&](const QString &message) {
        std::fprintf(stderr, "edgedesk: %s\n", qPrintable(message));
        QCoreApplication::exit(1);
    });
    host.start(cl.server);
    const int rc = app.exec();
    host.stopAndWait(2000);
    return rc;
}

// --export-state / --import-state: run, say what happened, exit without serving. Exit codes: 0
// done, 1 failed (nothing changed), 3 the data folder is in use by a running EdgeDesk.
int runStateArchive(int argc, char **argv, const CommandLine &cl)
{
    QCoreApplication app(argc, argv);
    // What went wrong is printed below, once; the log lines would only repeat it.
    LogHub::installMessageHandler(QStringLiteral("error"));
    const QString dataDir = cl.server.effectiveDataDir();
    const bool tty = ::isatty(STDERR_FILENO);
    int lastPercent = -1;
    const ArchiveProgress progress = [&](qint64 done, qint64 total, const QString &) {
        const int percent = total > 0 ? int(done * 100 / total) : 0;
        if (tty && percent != lastPercent) {
            std::fprintf(stderr, "\r%3d%%", percent);
            lastPercent = percent;
        }
        return true;
    };
    auto endProgress = [&] {
        if (tty && lastPercent >= 0)
            std::fputs("\r    \r", stderr);
    };
    auto fail = [&](const Error &error) {
        endProgress();
        std::fprintf(stderr, "edgedesk: %s\n", qPrintable(error.message));
        return error.code == QLatin1String("conflict") ? 3 : 1;
    };

    if (!cl.exportState.isEmpty()) {
        StateExportOptions options;
        options.dataDir = dataDir;
        options.configPath = cl.server.configPath;
        options.archivePath = cl.exportState;
        options.includeSecretKey = cl.includeSecretKey;
        auto summary = StateExporter::exportState(options, progress);
        if (!summary)
            return fail(summary.error());
        endProgress();
        for (const QString &warning : summary->warnings)
            std::fprintf(stderr, "edgedesk: warning: %s\n", qPrintable(warning));
        std::printf("Exported the state of %s to %s (%lld bytes): %s.\n", qPrintable(dataDir),
                    qPrintable(summary->archivePath), summary->archiveBytes,
                    qPrintable(StateExporter::describe(summary->manifest)));
        if (summary->manifest.includesSecretKey)
            std::printf("The archive holds secrets.key: anyone who has it can read every "
                        "secret. Keep it safe.\n");
        return 0;
    }

    StateImportOptions options;
    options.dataDir = dataDir;
    options.archivePath = cl.importState;
    auto summary = StateImporter::importState(options, progress);
    if (!summary)
        return fail(summary.error());
    endProgress();
    std::printf("Imported %s (made %s by EdgeDesk %s) into %s: %s.\n", qPrintable(cl.importState),
                qPrintable(summary->manifest.created.toString(Qt::ISODate)),
                qPrintable(summary->manifest.edgedeskVersion), qPrintable(summary->dataDir),
                qPrintable(StateExporter::describe(summary->manifest)));
    for (const QString &note : summary->notes)
        std::printf("Note: %s\n", qPrintable(note));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication::setApplicationName(QStringLiteral("edgedesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EDGEDESK_VERSION));

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    CommandLine cl = parseCommandLine(arguments);
    if (!cl.error.isEmpty()) {
        std::fprintf(stderr, "edgedesk: %s\nTry 'edgedesk --help'.\n", qPrintable(cl.error));
        return 2;
    }
    if (cl.help) {
        std::fputs(qPrintable(cl.helpText), stdout);
        return 0;
    }
    if (cl.version) {
        std::printf("edgedesk %s\n", EDGEDESK_VERSION);
        return 0;
    }
    if (!cl.exportState.isEmpty() || !cl.importState.isEmpty())
        return runStateArchive(argc, argv, cl);

#ifdef EDGEDESK_WITH_UI
    if (!cl.headless && hasDisplay()) {
        QApplication app(argc, argv);
        QApplication::setApplicationDisplayName(QStringLiteral("EdgeDesk"));
        LogHub::installMessageHandler(cl.logLevel);
        quitOnUnixSignals();
        ServerHost host;
        AppSettings settings;
        // A busy port is not fatal with a window: it moves to the next free one and says so.
        MainWindow window(&host, &settings, cl.server);
        window.show();
        window.startServer();
        const int rc = app.exec();
        host.stopAndWait(2000);
        return rc;
    }
#endif
    if (!cl.headless)
        std::fprintf(stderr,
                     "edgedesk: no display found; serving headless (use --headless to say so)\n");
    return runHeadless(argc, argv, cl);
}
