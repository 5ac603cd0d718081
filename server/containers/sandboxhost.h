#pragma once

#include "containers/sandboxetc.h"
#include "containers/sandboxprobe.h"

#include <QDir>
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

private:
    bool trial(std::optional<quint32> hostUid, QString *error);

    Settings m_settings;
    SandboxProbe m_probe;
    SandboxEtc m_etc;
    std::atomic<quint64> m_cgroupSequence{0};
};

} // namespace edgedesk
