#include "containers/processstats.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

#include <unistd.h>

namespace edgedesk {

namespace {

QByteArray readProcFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(8192);
}

struct ProcStat
{
    QByteArray comm;
    quint64 ticks = 0;
    bool ok = false;
};

ProcStat readStat(qint64 pid)
{
    ProcStat s;
    // "pid (comm) state ppid ... utime stime ...": comm may contain spaces and parentheses.
    const QByteArray stat = readProcFile(QStringLiteral("/proc/%1/stat").arg(pid));
    const qsizetype open = stat.indexOf('(');
    const qsizetype close = stat.lastIndexOf(')');
    if (open < 0 || close < open)
        return s;
    s.comm = stat.mid(open + 1, close - open - 1);
    const QList<QByteArray> rest = stat.mid(close + 2).split(' ');
    if (rest.size() < 13)
        return s;
    s.ticks = rest[11].toULongLong() + rest[12].toULongLong(); // fields 14 and 15
    s.ok = true;
    return s;
}

qint64 residentBytes(qint64 pid)
{
    const QList<QByteArray> fields =
        readProcFile(QStringLiteral("/proc/%1/statm").arg(pid)).split(' ');
    static const long pageSize = ::sysconf(_SC_PAGESIZE);
    return fields.size() > 1 ? fields[1].toLongLong() * pageSize : 0;
}

} // namespace

long ProcessStats::ticksPerSecond()
{
    static const long ticks = ::sysconf(_SC_CLK_TCK);
    return ticks > 0 ? ticks : 100;
}

QList<qint64> ProcessStats::children(qint64 pid)
{
    QList<qint64> result;
    // A child appears in the children file of the thread that forked it.
    const QString tasks = QStringLiteral("/proc/%1/task").arg(pid);
    const QStringList tids = QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &tid : tids) {
        const QList<QByteArray> list =
            readProcFile(tasks + QLatin1Char('/') + tid + QStringLiteral("/children"))
                .simplified()
                .split(' ');
        for (const QByteArray &child : list) {
            const qint64 c = child.toLongLong();
            if (c > 0 && !result.contains(c))
                result.append(c);
        }
    }
    return result;
}

ProcessTreeSample ProcessStats::sampleTree(qint64 rootPid)
{
    ProcessTreeSample sample;
    sample.rootPid = rootPid;
    sample.sampledAtMs = QDateTime::currentMSecsSinceEpoch();
    if (rootPid <= 0)
        return sample;
    QList<qint64> pending{rootPid};
    int visited = 0;
    while (!pending.isEmpty() && visited < 4096) {
        const qint64 pid = pending.takeFirst();
        ++visited;
        const ProcStat stat = readStat(pid);
        if (!stat.ok)
            continue;
        sample.alive = true;
        ++sample.processes;
        sample.cpuTicks += stat.ticks;
        sample.rssBytes += residentBytes(pid);
        if (sample.programPid == 0 && stat.comm != "bwrap")
            sample.programPid = pid;
        pending += children(pid);
    }
    return sample;
}

double ProcessStats::cpuPercent(const ProcessTreeSample &before, const ProcessTreeSample &after)
{
    const qint64 ms = after.sampledAtMs - before.sampledAtMs;
    if (ms <= 0 || after.cpuTicks < before.cpuTicks || before.rootPid != after.rootPid)
        return 0.0;
    const double seconds = double(after.cpuTicks - before.cpuTicks) / double(ticksPerSecond());
    return seconds * 100000.0 / double(ms);
}

} // namespace edgedesk
