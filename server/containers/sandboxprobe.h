#pragma once

#include "containers/sandboxspec.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace edgedesk {

// How the process cap of a sandbox is enforced.
enum class Containment
{
    CgroupV2,     // per-sandbox child cgroup with pids.max (and memory.max)
    CgroupV1,     // per-sandbox child of the v1 pids controller (root)
    DedicatedUid, // RLIMIT_NPROC on a host uid used by nothing else (root switches to it)
    SharedUid,    // RLIMIT_NPROC on the caller's own uid: approximate, shared with its processes
};

// What this machine offers, measured once at start (SandboxHost::runProbe()).
struct SandboxProbe
{
    QString bwrapPath;          // empty when bwrap is not installed
    QString version;            // `bwrap --version`, e.g. "bubblewrap 0.8.0"
    bool usable = false;        // a sandbox could actually be created
    bool hostUidWorks = false;  // bwrap runs as the probed unprivileged host uid
    bool disableUserns = false; // bwrap knows --disable-userns (0.8.0+)
    bool tmpfsSize = false;     // bwrap knows --size (0.5.0+): the sandbox /tmp gets a size
    bool argsFromFd = false;    // bwrap knows --args FD: its command line stays out of /proc
    QString error;              // why not usable
    Containment containment = Containment::SharedUid;
    QString cgroupParent; // where per-sandbox pids cgroups are created (cgroup containments)
    // Where per-sandbox memory cgroups are created: cgroupParent with cgroup v2, a folder of the
    // v1 memory hierarchy with v1; empty when no memory controller can be used.
    QString memoryCgroupParent;
    bool memoryCgroupV1 = false;

    bool memoryCgroup() const { return !memoryCgroupParent.isEmpty(); }

    // What enforces the process cap when a sandbox with these settings starts:
    // "cgroup-v1 pids.max=64", "rlimit-nproc=64 (dedicated uid 3999000)"...
    QString describeContainment(int maxProcesses, std::optional<quint32> hostUid) const;
    // The process cap followed by the memory bound and the /tmp size, one line for logs and
    // health output: "cgroup-v1 pids.max=64; memory.limit_in_bytes=512 MiB; /tmp 64 MiB".
    QString describeLimits(const SandboxLimits &limits, std::optional<quint32> hostUid) const;
    // The limits in force, for health JSON:
    // {"cpu_seconds":30,"memory_bytes":536870912,"memory_by":"cgroup-v1 memory.limit_in_bytes",
    //  "address_space_bytes":536870912,"tmp_bytes":67108864,"file_size_bytes":16777216,
    //  "open_files":256,"max_processes":64,"processes_by":"cgroup-v1 pids.max"}
    // memory_bytes (the whole sandbox's memory) is null when no memory cgroup is available
    // (memory_by then says "rlimit-as (per process)"); tmp_bytes is null when bwrap cannot size
    // the tmpfs; cpu_seconds is null when unlimited.
    QJsonObject limitsJson(const SandboxLimits &limits, std::optional<quint32> hostUid) const;

    // Finds bwrap and reads its version and options (no sandbox is started; a few ms).
    static SandboxProbe inspectBubblewrap();
};

} // namespace edgedesk
