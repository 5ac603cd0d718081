#include "edgedesk/version.h"
#include "programruntime.h"
#include "runnerserver.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QRegularExpression>

#include <cstdio>

#include <unistd.h>

namespace {

// Host uids bwrap runs as when command-runner is root: unused by anything else, so that the
// sandbox never owns a root process on the host and RLIMIT_NPROC can serve as a fallback cap.
// instance-N gets its own block of RunnerServer::kMaxRunning uids.
constexpr quint32 kDefaultHostUidBase = 3999000;

std::optional<quint32> hostUidBase(const QString &instanceId, QString *error)
{
    if (::geteuid() != 0)
        return std::nullopt;
    quint32 base = kDefaultHostUidBase;
    const QByteArray configured = qgetenv("COMMAND_HOST_UID");
    if (!configured.isEmpty()) {
        bool ok = false;
        base = configured.toUInt(&ok);
        if (!ok || base == 0) {
            *error = QStringLiteral("COMMAND_HOST_UID must be a non-zero uid");
            return std::nullopt;
        }
    }
    static const QRegularExpression trailingNumber(QStringLiteral("(\\d+)$"));
    const QRegularExpressionMatch match = trailingNumber.match(instanceId);
    const quint32 index = match.hasMatch() ? match.captured(1).right(3).toUInt() : 0;
    return base + index * edgedesk::RunnerServer::kMaxRunning;
}

} // namespace

// command-runner: the demo's Linux command container program. Started by the container manager
// with PORT and INSTANCE_ID; serves on 127.0.0.1 only.
int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("command-runner"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EDGEDESK_VERSION));
    edgedesk::ProgramRuntime::installMessageHandler();

    QString error;
    const std::optional<quint16> port = edgedesk::ProgramRuntime::portFromEnvironment(&error);
    if (!port) {
        std::fprintf(stderr, "command-runner: %s\n", qPrintable(error));
        return 2;
    }

    edgedesk::RunnerSettings settings;
    settings.instanceId = edgedesk::ProgramRuntime::instanceId();
    settings.network = qgetenv("COMMAND_NETWORK") == "host";
    settings.hostUidBase = hostUidBase(settings.instanceId, &error);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "command-runner: %s\n", qPrintable(error));
        return 2;
    }
    if (qgetenv("COMMAND_SANDBOX") == "none")
        settings.mode = edgedesk::Sandbox::Mode::Unsandboxed;
    edgedesk::SandboxHost sandboxes;
    const edgedesk::SandboxProbe &probe = sandboxes.runProbe(settings.hostUidBase);

    edgedesk::ProgramRuntime runtime;
    if (!runtime.watchTerminationSignals()) {
        std::fprintf(stderr, "command-runner: cannot watch SIGTERM\n");
        return 1;
    }
    edgedesk::RunnerServer server(settings, sandboxes);
    QObject::connect(&runtime, &edgedesk::ProgramRuntime::terminationRequested, &app, [&server] {
        server.shutdown();
        QCoreApplication::quit();
    });

    const quint16 bound = server.listen(edgedesk::ProgramRuntime::listenAddress(), *port);
    if (bound == 0) {
        std::fprintf(stderr, "command-runner: cannot listen on %s:%u\n",
                     qPrintable(edgedesk::ProgramRuntime::listenAddress().toString()),
                     unsigned(*port));
        return 1;
    }

    if (settings.mode == edgedesk::Sandbox::Mode::Unsandboxed) {
        const QString warning =
            QStringLiteral("COMMAND_SANDBOX=none: commands run UNSANDBOXED on the host (only "
                           "rlimits, the process cap and the timeout apply)");
        edgedesk::ProgramRuntime::log("warn", warning);
        std::fprintf(stderr, "command-runner: WARNING: %s\n", qPrintable(warning));
    } else if (const QString reason = server.unavailableReason(); !reason.isEmpty()) {
        edgedesk::ProgramRuntime::log(
            "error", QStringLiteral("sandbox unavailable, POST /run answers 503: %1").arg(reason));
    } else {
        edgedesk::ProgramRuntime::log(
            "info", QStringLiteral("sandbox %1, limits: %2, network %3%4")
                        .arg(probe.version, server.containmentDescription(),
                             settings.network ? QStringLiteral("shared with the host")
                                              : QStringLiteral("off"),
                             probe.hostUidWorks && settings.hostUidBase
                                 ? QStringLiteral(", host uids from %1").arg(*settings.hostUidBase)
                                 : QString()));
    }
    edgedesk::ProgramRuntime::writeLine(
        "listening on " + edgedesk::ProgramRuntime::listenAddress().toString().toLatin1() + ':' +
        QByteArray::number(bound));
    const int code = app.exec();
    edgedesk::ProgramRuntime::log("info", QStringLiteral("command-runner stopped"));
    return code;
}
