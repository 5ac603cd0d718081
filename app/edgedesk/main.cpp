// edgedesk: the desktop control panel, or with --headless the router alone.
#include "commandline.h"
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
        out << "EdgeDesk serving on " << url.toString(QUrl::StripTrailingSlash)
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
