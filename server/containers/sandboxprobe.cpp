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

QString mebibytes(qint64 bytes)
{
    if (bytes % (qint64(1) << 20) == 0)
        return QStringLiteral("%1 MiB").arg(bytes >> 20);
    return QStringLiteral("%1 bytes").arg(bytes);
}

QJsonValue positiveOrNull(qint64 value)
{
    return value > 0 ? QJsonValue(double(value)) : QJsonValue();
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

QString SandboxProbe::describeLimits(const SandboxLimits &limits,
                                     std::optional<quint32> hostUid) const
{
    QString text = describeContainment(limits.maxProcesses, hostUid);
    if (memoryCgroup() && limits.memoryBytes > 0)
        text += QStringLiteral("; %1=%2")
                    .arg(memoryCgroupV1 ? QStringLiteral("memory.limit_in_bytes")
                                        : QStringLiteral("memory.max"),
                         mebibytes(limits.memoryBytes));
    else if (limits.addressSpaceBytes > 0)
        text += QStringLiteral("; rlimit-as=%1 per process").arg(mebibytes(limits.addressSpaceBytes));
    if (tmpfsSize && limits.tmpBytes > 0)
        text += QStringLiteral("; /tmp %1").arg(mebibytes(limits.tmpBytes));
    return text;
}

QJsonObject SandboxProbe::limitsJson(const SandboxLimits &limits,
                                     std::optional<quint32> hostUid) const
{
    const bool memoryByCgroup = memoryCgroup() && limits.memoryBytes > 0;
    QString processesBy;
    switch (containment) {
    case Containment::CgroupV2:
        processesBy = QStringLiteral("cgroup-v2 pids.max");
        break;
    case Containment::CgroupV1:
        processesBy = QStringLiteral("cgroup-v1 pids.max");
        break;
    case Containment::DedicatedUid:
    case Containment::SharedUid:
        // The same cases as describeContainment(): root without a uid to switch to has no cap.
        processesBy = hostUid && ::geteuid() == 0 ? QStringLiteral("rlimit-nproc (dedicated uid)")
                      : ::getuid() == 0           ? QStringLiteral("none")
                                                  : QStringLiteral("rlimit-nproc (shared uid)");
        break;
    }
    return QJsonObject{
        {QStringLiteral("cpu_seconds"), positiveOrNull(limits.cpuSeconds)},
        {QStringLiteral("memory_bytes"),
         memoryByCgroup ? QJsonValue(double(limits.memoryBytes)) : QJsonValue()},
        {QStringLiteral("memory_by"),
         memoryByCgroup ? (memoryCgroupV1 ? QStringLiteral("cgroup-v1 memory.limit_in_bytes")
                                          : QStringLiteral("cgroup-v2 memory.max"))
                        : QStringLiteral("rlimit-as (per process)")},
        {QStringLiteral("address_space_bytes"), positiveOrNull(limits.addressSpaceBytes)},
        {QStringLiteral("tmp_bytes"),
         tmpfsSize ? positiveOrNull(limits.tmpBytes) : QJsonValue()},
        {QStringLiteral("file_size_bytes"), positiveOrNull(limits.fileSizeBytes)},
        {QStringLiteral("open_files"), positiveOrNull(limits.openFiles)},
        {QStringLiteral("max_processes"), limits.maxProcesses},
        {QStringLiteral("processes_by"), processesBy},
    };
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
    probe.tmpfsSize = output.contains("--size");
    probe.argsFromFd = output.contains("--args");
    return probe;
}

} // namespace edgedesk
