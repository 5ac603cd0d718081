#pragma once

#include "containers/sandboxcgroup.h"
#include "containers/sandboxspec.h"

#include <QtGlobal>

#include <array>

#include <sys/types.h>

namespace edgedesk {

// What the forked child does before it execs bwrap (or, unsandboxed, the program): join the
// sandbox's cgroups, start a session of its own, reset signals, set the rlimits and
// no_new_privs, switch to the host uid. Everything is prepared before fork: after fork only
// async-signal-safe calls are allowed (no allocation), so paths and numbers are plain bytes.
struct SandboxChild
{
    std::array<SandboxCgroup::Join, SandboxCgroup::kMaxJoins> cgroupJoins;
    SandboxLimits limits;
    qint64 nprocLimit = -1;
    bool switchIds = false;
    quint32 hostUid = 0;
    quint32 hostGid = 0;
    // A descriptor the exec'd program must inherit (bwrap's --args file), or -1.
    int inheritedFd = -1;
    // Namespaces to enter before the uid switch (an outbound network made by pasta), or -1.
    int userNamespaceFd = -1;
    int netNamespaceFd = -1;

    // Runs in the forked child; on failure writes why to stderr and exits with 126.
    void run() const;

    // The tasks (threads included) of a host uid: what RLIMIT_NPROC counts.
    static qint64 tasksOfUid(uid_t uid);
};

} // namespace edgedesk
