#pragma once

#include "containers/sandboxcgroup.h"
#include "containers/sandboxetc.h"
#include "containers/sandboxprobe.h"

#include <QDir>
#include <QList>
#include <QMutex>
#include <QString>

#include <atomic>
#include <optional>

namespace edgedesk {

// What every sandbox of one process shares: what the machine offers (the probe), the names of
// the per-sandbox cgroups and the staged /etc. One per program that runs sandboxes (the
// container manager, command-runner, a test), outliving every Sandbox made with it.
//
// runProbe() (or setProbe()) first, from one thread; after that sandboxes may be prepared from
// any number of threads at once.
class SandboxHost final
{
public:
    struct Settings
    {
        QString tempDir = QDir::tempPath(); // where staging folders are made
        QString hostEtcDir = QStringLiteral("/etc"); // copied into the staged /etc (tests)
    };

    SandboxHost();
    explicit SandboxHost(Settings settings);
    ~SandboxHost();
    SandboxHost(const SandboxHost &) = delete;
    SandboxHost &operator=(const SandboxHost &) = delete;

    // Finds bwrap, reads its version and options, picks the best process-cap and memory
    // mechanisms, removes the empty cgroups of gone processes (a kill -9 or restart leaves
    // them), and starts one real sandbox running `true` with what it found. Blocking (up to a
    // few seconds): call once at start. hostUid: the unprivileged identity to try running bwrap
    // as (root callers only); probe().hostUidWorks says whether it can.
    const SandboxProbe &runProbe(std::optional<quint32> hostUid = std::nullopt);
    // Uses a probe measured elsewhere (or adjusted by a test) instead.
    void setProbe(SandboxProbe probe) { m_probe = std::move(probe); }
    const SandboxProbe &probe() const { return m_probe; }

    SandboxEtc &etc() { return m_etc; }
    // A cgroup name no other sandbox of this process has: edgedesk-<pid>-<n>.
    QString nextCgroupName();
    // Cgroups of finished sandboxes that recycle theirs (Sandbox::setRecycleCgroup()): their
    // tasks were killed; one is handed out again only once the kernel has let the last go, so
    // a sandbox never shares a cgroup with another. Made and removed once, not per sandbox.
    // Thread-safe. takeCgroup(): an idle one with these limits, if any.
    std::optional<SandboxCgroup::Folders> takeCgroup(const SandboxLimits &limits);
    void recycleCgroup(SandboxCgroup::Folders folders);
    static constexpr int kMaxRecycledCgroups = 16;

private:
    bool trial(std::optional<quint32> hostUid, QString *error);

    Settings m_settings;
    SandboxProbe m_probe;
    SandboxEtc m_etc;
    std::atomic<quint64> m_cgroupSequence{0};
    QMutex m_recycledMutex;
    QList<SandboxCgroup::Folders> m_recycled; // oldest first
};

} // namespace edgedesk
