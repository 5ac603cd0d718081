#pragma once

#include "containers/sandboxprobe.h"
#include "containers/sandboxspec.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>

#include <array>

namespace edgedesk {

// The cgroups of one sandbox, named edgedesk-<pid>-<n> after the process that made them: the
// pids cgroup that caps its processes and the memory cgroup that bounds its memory. With cgroup
// v2 both are one folder; with v1 each controller has its own hierarchy, so up to two folders.
// Created empty; the forked child writes itself into them (joins()) before exec.
class SandboxCgroup final
{
public:
    // A control file the child writes itself into: cgroup.procs (its pid) or, with cgroup v1,
    // the per-thread "tasks" file ("0", the calling thread; see Sandbox::configure()).
    struct Join
    {
        QByteArray file;
        bool asCurrentThread = false;
    };
    static constexpr int kMaxJoins = 2;
    // The folders of a cgroup made by create(), handed from a finished sandbox to the next one
    // (SandboxHost::takeCgroup()) instead of being removed and made again.
    struct Folders
    {
        QString pids;
        QString memory;
        bool v1 = false;
        SandboxLimits limits;
    };

    SandboxCgroup() = default;
    ~SandboxCgroup();
    SandboxCgroup(const SandboxCgroup &) = delete;
    SandboxCgroup &operator=(const SandboxCgroup &) = delete;

    // Creates the folders that probe's parents allow, with limits.maxProcesses and
    // limits.memoryBytes written into them. Nothing to create is not an error.
    Status create(const SandboxProbe &probe, const QString &name, const SandboxLimits &limits);
    // Takes over folders an earlier create() made (limits written already, no task left).
    void adopt(Folders folders);
    // Gives the folders up without removing them; this object is then empty.
    Folders release();
    // No task is left in any of the folders (read from cgroup.procs).
    static bool isIdle(const Folders &folders);
    std::array<Join, kMaxJoins> joins() const;
    // SIGKILLs every task in them. Safe to call repeatedly.
    void kill() const;
    // Removes the folders: at once when they are empty, else from a pool thread that keeps
    // killing and retrying for a second (the kernel lets killed tasks go a little later).
    void remove();

    QString pidsPath() const { return m_pids; }
    QString memoryPath() const { return m_memory; }
    bool isEmpty() const { return m_pids.isEmpty() && m_memory.isEmpty(); }

    // Finds the cgroups this process may create children in and fills probe's containment,
    // cgroupParent and memory fields. With cgroup v2 the calling process may move itself into
    // a leaf child "edgedesk-runner" of its cgroup, because the kernel only lets a cgroup
    // without processes delegate controllers.
    static void detect(SandboxProbe &probe);
    // Removes the empty cgroups named edgedesk-<pid>-<n> in parent whose process is gone (a
    // kill -9 or a restart leaves them); returns how many.
    static int removeStale(const QString &parent);

private:
    QString m_pids;
    QString m_memory; // == m_pids with cgroup v2
    bool m_v1 = false;
    SandboxLimits m_limits;
};

} // namespace edgedesk
