#include "containers/sandboxhost.h"

#include "containers/sandbox.h"
#include "containers/sandboxcgroup.h"
#include "containers/sandboxlog.h"

#include <QCoreApplication>
#include <QProcess>
#include <QRandomGenerator>

#include <unistd.h>

namespace edgedesk {

SandboxHost::SandboxHost() : SandboxHost(Settings{}) {}

SandboxHost::SandboxHost(Settings settings)
    : m_settings(std::move(settings)), m_etc(m_settings.tempDir, m_settings.hostEtcDir),
      // Several hosts may live in one process (one per container manager, and the cgroups of
      // one that is gone may still be on their way out): a random start keeps their names apart.
      m_cgroupSequence(quint64(QRandomGenerator::global()->generate()) << 20)
{
}

SandboxHost::~SandboxHost()
{
    for (SandboxCgroup::Folders &folders : m_recycled) {
        SandboxCgroup cgroup;
        cgroup.adopt(std::move(folders));
        cgroup.kill();
        // Removed by its destructor: at once when empty, else from a pool thread.
    }
}

std::optional<SandboxCgroup::Folders> SandboxHost::takeCgroup(const SandboxLimits &limits)
{
    QMutexLocker lock(&m_recycledMutex);
    for (qsizetype i = 0; i < m_recycled.size(); ++i) {
        const SandboxCgroup::Folders &folders = m_recycled.at(i);
        if (folders.limits.maxProcesses == limits.maxProcesses &&
            folders.limits.memoryBytes == limits.memoryBytes && SandboxCgroup::isIdle(folders))
            return m_recycled.takeAt(i);
    }
    return std::nullopt;
}

void SandboxHost::recycleCgroup(SandboxCgroup::Folders folders)
{
    std::optional<SandboxCgroup::Folders> dropped;
    {
        QMutexLocker lock(&m_recycledMutex);
        m_recycled.append(std::move(folders));
        if (m_recycled.size() > kMaxRecycledCgroups)
            dropped = m_recycled.takeFirst();
    }
    if (dropped) {
        SandboxCgroup cgroup;
        cgroup.adopt(std::move(*dropped));
    }
}

QString SandboxHost::nextCgroupName()
{
    return QStringLiteral("edgedesk-%1-%2")
        .arg(QCoreApplication::applicationPid())
        .arg(m_cgroupSequence.fetch_add(1));
}

bool SandboxHost::trial(std::optional<quint32> hostUid, QString *error)
{
    SandboxSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), QStringLiteral("exit 0")};
    spec.hostUid = hostUid;
    spec.hostGid = hostUid;
    Sandbox sandbox(*this, spec);
    const Status prepared = sandbox.prepare();
    if (!prepared.ok()) {
        *error = prepared.error().message;
        return false;
    }
    QProcess process;
    sandbox.configure(process);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start();
    const bool finished = process.waitForFinished(10000);
    if (!finished) {
        sandbox.killAll();
        process.waitForFinished(2000);
    }
    const bool ok =
        finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    if (!ok)
        *error = QString::fromUtf8(process.readAll()).trimmed();
    if (!ok && error->isEmpty())
        *error = process.errorString();
    return ok;
}

const SandboxProbe &SandboxHost::runProbe(std::optional<quint32> hostUid)
{
    m_probe = SandboxProbe::inspectBubblewrap();
    SandboxCgroup::detect(m_probe);
    for (const QString &parent : {m_probe.cgroupParent, m_probe.memoryCgroupParent}) {
        if (parent.isEmpty())
            continue;
        if (const int removed = SandboxCgroup::removeStale(parent))
            qCInfo(lcSandbox) << "removed" << removed << "empty sandbox cgroups of gone processes in"
                              << parent;
    }
    if (m_probe.bwrapPath.isEmpty() || !m_probe.error.isEmpty())
        return m_probe;

    QString error;
    const bool root = ::geteuid() == 0;
    if (hostUid && root) {
        if (trial(hostUid, &error)) {
            m_probe.usable = true;
            m_probe.hostUidWorks = true;
            return m_probe;
        }
        qCWarning(lcSandbox) << "bwrap cannot run as host uid" << *hostUid << ":" << error;
    }
    if (trial(std::nullopt, &error)) {
        m_probe.usable = true;
        return m_probe;
    }
    if (!m_probe.cgroupParent.isEmpty() || m_probe.memoryCgroup()) {
        // Maybe the cgroups are what fails: try once more with the rlimit fallback.
        const SandboxProbe withCgroups = m_probe;
        m_probe.containment = root ? Containment::DedicatedUid : Containment::SharedUid;
        m_probe.cgroupParent.clear();
        m_probe.memoryCgroupParent.clear();
        m_probe.memoryCgroupV1 = false;
        QString second;
        if (trial(std::nullopt, &second)) {
            qCWarning(lcSandbox) << "sandbox cannot use cgroups" << withCgroups.cgroupParent
                                 << withCgroups.memoryCgroupParent << ":" << error;
            m_probe.usable = true;
            return m_probe;
        }
        m_probe = withCgroups;
    }
    m_probe.error = QStringLiteral("bwrap cannot create a sandbox: %1").arg(error);
    return m_probe;
}

} // namespace edgedesk
