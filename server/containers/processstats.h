#pragma once

#include <QList>
#include <QtGlobal>

namespace edgedesk {

// What /proc says about a process and everything below it, at one moment.
struct ProcessTreeSample
{
    bool alive = false;
    qint64 rootPid = 0;
    qint64 programPid = 0; // the first process below bwrap: the program the sandbox runs
    int processes = 0;
    quint64 cpuTicks = 0; // utime + stime of the whole tree, in clock ticks
    qint64 rssBytes = 0;  // resident memory of the whole tree
    qint64 sampledAtMs = 0;
};

// Reads /proc/<pid>/stat, statm and task/*/children: blocking file reads, so it runs on the
// worker pool, never in the server thread.
class ProcessStats final
{
public:
    static ProcessTreeSample sampleTree(qint64 rootPid);
    // Percent of one CPU used between two samples of the same tree (may exceed 100).
    static double cpuPercent(const ProcessTreeSample &before, const ProcessTreeSample &after);
    static QList<qint64> children(qint64 pid);
    static long ticksPerSecond();
};

} // namespace edgedesk
