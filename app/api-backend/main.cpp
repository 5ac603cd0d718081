#include "backendserver.h"
#include "edgedesk/version.h"
#include "programruntime.h"
#include "unixlistener.h"

#include <QCoreApplication>
#include <QFile>
#include <QLoggingCategory>
#include <QHostAddress>
#include <QTcpServer>

#include <cstdio>

#include <sched.h>

// api-backend: the demo's backend container program. Started by the container manager with PORT
// and INSTANCE_ID; serves on 127.0.0.1 only.
int main(int argc, char *argv[])
{
    // A throughput server behind a proxy: as SCHED_BATCH, a request that wakes it does not
    // preempt the sender (EdgeDesk's server thread, or any client) on its CPU. Both sides then
    // finish what they have ready and hand over whole batches, instead of switching back and
    // forth once per request. Unprivileged, and threads started later inherit it.
    {
        sched_param param = {};
        (void)::sched_setscheduler(0, SCHED_BATCH, &param);
    }
    // Qt's own poll(2) event dispatcher instead of GLib's: with GLib, every socket notifier
    // switched on or off (a socket's write notifier, per answer) also wakes the loop through its
    // eventfd. Nothing here needs GLib sources.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("api-backend"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EDGEDESK_VERSION));
    edgedesk::ProgramRuntime::installMessageHandler();

    QString error;
    const std::optional<quint16> port = edgedesk::ProgramRuntime::portFromEnvironment(&error);
    if (!port) {
        std::fprintf(stderr, "api-backend: %s\n", qPrintable(error));
        return 2;
    }

    edgedesk::ProgramRuntime runtime;
    if (!runtime.watchTerminationSignals()) {
        std::fprintf(stderr, "api-backend: cannot watch SIGTERM\n");
        return 1;
    }

    const QString instance = edgedesk::ProgramRuntime::instanceId();
    edgedesk::BackendServer server(instance);
    QObject::connect(&runtime, &edgedesk::ProgramRuntime::terminationRequested, &app, [&server] {
        server.cancelComputations();
        QCoreApplication::quit();
    });

    const quint16 bound = server.listen(edgedesk::ProgramRuntime::listenAddress(), *port);
    if (bound == 0) {
        std::fprintf(stderr, "api-backend: cannot listen on %s:%u\n",
                     qPrintable(edgedesk::ProgramRuntime::listenAddress().toString()),
                     unsigned(*port));
        return 1;
    }
    // LISTEN_UNIX: a Unix-domain socket to serve on as well (EdgeDesk's proxy uses it). Said
    // before the TCP address: the container manager takes that line as "started".
    if (const QString unixPath = qEnvironmentVariable("LISTEN_UNIX"); !unixPath.isEmpty()) {
        auto *listener = new edgedesk::UnixListener(&server);
        if (!listener->listenAt(unixPath, &error)) {
            std::fprintf(stderr, "api-backend: %s\n", qPrintable(error));
            return 1;
        }
        // QAbstractHttpServer warns about a QTcpServer that does not listen on TCP: this one
        // is meant not to.
        QLoggingCategory::setFilterRules(QStringLiteral("qt.httpserver.warning=false"));
        server.bind(listener);
        QLoggingCategory::setFilterRules(QString());
        edgedesk::ProgramRuntime::writeLine("listening on unix:" + QFile::encodeName(unixPath));
    }
    edgedesk::ProgramRuntime::writeLine(
        "listening on " + edgedesk::ProgramRuntime::listenAddress().toString().toLatin1() + ':' +
        QByteArray::number(bound));
    edgedesk::ProgramRuntime::log("info",
                                  QStringLiteral("api-backend %1 serving as %2")
                                      .arg(QCoreApplication::applicationVersion(), instance));
    // One write(2) per event-loop pass for the request lines, not one per request.
    runtime.bufferStdoutWhileBusy();
    const int code = app.exec();
    edgedesk::ProgramRuntime::log("info", QStringLiteral("api-backend stopped"));
    return code;
}
