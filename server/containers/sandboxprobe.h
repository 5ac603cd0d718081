#pragma once

#include "containers/sandboxspec.h"

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
    QString error;              // why not usable
    Containment containment = Containment::SharedUid;
    QString cgroupParent; // where per-sandbox pids cgroups are created (cgroup containments)
    // Where per-sandbox memory cgroups are created (cgroupParent with cgroup v2); empty when no
    // memory controller can be used.
    QString memoryCgroupParent;
    bool memoryCgroupV1 = false;

    bool memoryCgroup() const { return !memoryCgroupParent.isEmpty(); }

    // What enforces the process cap when a sandbox with these settings starts:
    // "cgroup-v1 pids.max=64", "rlimit-nproc=64 (dedicated uid 3999000)"...
    QString describeContainment(int maxProcesses, std::optional<quint32> hostUid) const;

    // Finds bwrap and reads its version and options (no sandbox is started; a few ms).
    static SandboxProbe inspectBubblewrap();
};

} // namespace edgedesk
