#include "containers/sandboxprobe.h"

#include <QProcess>
#include <QStandardPaths>

#include <unistd.h>

namespace edgedesk {

namespace {

bool runQuietly(const QString &program, const QStringList &arguments, QByteArray *output)
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(arguments);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(2000);
        return false;
    }
    *output = process.readAll();
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

} // namespace

QString SandboxProbe::describeContainment(int maxProcesses, std::optional<quint32> hostUid) const
{
    switch (containment) {
    case Containment::CgroupV2:
        return QStringLiteral("cgroup-v2 pids.max=%1").arg(maxProcesses);
    case Containment::CgroupV1:
        return QStringLiteral("cgroup-v1 pids.max=%1").arg(maxProcesses);
    case Containment::DedicatedUid:
    case Containment::SharedUid:
        if (hostUid && ::geteuid() == 0)
            return QStringLiteral("rlimit-nproc=%1 (dedicated uid %2)")
                .arg(maxProcesses)
                .arg(*hostUid);
        if (::getuid() == 0)
            return QStringLiteral("none (RLIMIT_NPROC does not bind root; no pids cgroup)");
        return QStringLiteral("rlimit-nproc (shared uid %1, approximate)").arg(::getuid());
    }
    return {};
}

SandboxProbe SandboxProbe::inspectBubblewrap()
{
    SandboxProbe probe;
    probe.bwrapPath = QStandardPaths::findExecutable(QStringLiteral("bwrap"));
    if (probe.bwrapPath.isEmpty()) {
        probe.error = QStringLiteral("bubblewrap (bwrap) is not installed or not in PATH");
        return probe;
    }
    QByteArray output;
    if (!runQuietly(probe.bwrapPath, {QStringLiteral("--version")}, &output)) {
        probe.error =
            QStringLiteral("`bwrap --version` failed: %1").arg(QString::fromUtf8(output).trimmed());
        return probe;
    }
    probe.version = QString::fromUtf8(output).trimmed();
    (void)runQuietly(probe.bwrapPath, {QStringLiteral("--help")}, &output);
    probe.disableUserns = output.contains("--disable-userns");
    return probe;
}

} // namespace edgedesk
