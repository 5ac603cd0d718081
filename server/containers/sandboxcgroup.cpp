#include "containers/sandboxcgroup.h"

#include "containers/sandboxfiles.h"
#include "containers/sandboxlog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>
#include <QThreadPool>

#include <cerrno>
#include <optional>
#include <utility>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace edgedesk {

namespace {

constexpr auto kRunnerLeaf = "edgedesk-runner";

struct CgroupMembership
{
    QString hierarchy; // "0" for the unified (v2) hierarchy
    QStringList controllers;
    QString path;
};

QList<CgroupMembership> ownCgroups()
{
    QList<CgroupMembership> result;
    const QList<QByteArray> lines = readSmallFile(QStringLiteral("/proc/self/cgroup")).split('\n');
    for (const QByteArray &line : lines) {
        const int first = line.indexOf(':');
        const int second = first < 0 ? -1 : line.indexOf(':', first + 1);
        if (second < 0)
            continue;
        CgroupMembership m;
        m.hierarchy = QString::fromUtf8(line.left(first));
        const QString controllers = QString::fromUtf8(line.mid(first + 1, second - first - 1));
        m.controllers = controllers.split(QLatin1Char(','), Qt::SkipEmptyParts);
        m.path = QString::fromUtf8(line.mid(second + 1));
        result.append(m);
    }
    return result;
}

struct CgroupMount
{
    QString root;
    QString mountPoint;
    QString fsType;
    QStringList superOptions;
};

QList<CgroupMount> cgroupMounts()
{
    // mountinfo: id parent maj:min root mountpoint options [optional...] - fstype source superopts
    QList<CgroupMount> result;
    const QList<QByteArray> lines =
        readSmallFile(QStringLiteral("/proc/self/mountinfo")).split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> fields = line.split(' ');
        const qsizetype dash = fields.indexOf("-");
        if (dash < 5 || fields.size() < dash + 4)
            continue;
        const QByteArray fsType = fields.at(dash + 1);
        if (fsType != "cgroup" && fsType != "cgroup2")
            continue;
        CgroupMount m;
        m.root = QString::fromUtf8(fields.at(3));
        m.mountPoint = QString::fromUtf8(fields.at(4));
        m.fsType = QString::fromUtf8(fsType);
        m.superOptions = QString::fromUtf8(fields.at(dash + 3)).split(QLatin1Char(','));
        result.append(m);
    }
    return result;
}

QString cgroupDirectory(const CgroupMount &mount, const QString &path)
{
    QString relative = path;
    if (mount.root != QLatin1String("/")) {
        if (!path.startsWith(mount.root))
            return {}; // our cgroup is outside what this mount shows
        relative = path.mid(mount.root.size());
    }
    return QDir::cleanPath(mount.mountPoint + QLatin1Char('/') + relative);
}

bool canCreateChild(const QString &parent, const QString &controlFile)
{
    const QString probe =
        parent + QStringLiteral("/edgedesk-probe-%1").arg(QCoreApplication::applicationPid());
    const QByteArray native = QFile::encodeName(probe);
    if (::mkdir(native.constData(), 0755) != 0 && errno != EEXIST)
        return false;
    const bool ok = QFileInfo::exists(probe + QLatin1Char('/') + controlFile);
    ::rmdir(native.constData());
    return ok;
}

QStringList controllersIn(const QString &file)
{
    return QString::fromUtf8(readSmallFile(file)).simplified().split(QLatin1Char(' '),
                                                                     Qt::SkipEmptyParts);
}

// A v2 cgroup can hand controllers to children only while it holds no processes itself, so the
// caller first moves into a leaf "edgedesk-runner"; per-sandbox cgroups become its siblings.
std::optional<QString> setUpCgroupV2(const QString &dir, const QString &ownPath, bool *memory)
{
    if (!controllersIn(dir + "/cgroup.controllers").contains(QLatin1String("pids")))
        return std::nullopt;
    // memory is optional: RLIMIT_AS still bounds each process without it.
    const auto enable = [&](const QString &parent) {
        const QString control = parent + QStringLiteral("/cgroup.subtree_control");
        if (!writeControlFile(control, "+pids").ok())
            return false;
        if (!controllersIn(control).contains(QLatin1String("memory")))
            (void)writeControlFile(control, "+memory");
        *memory = controllersIn(control).contains(QLatin1String("memory"));
        return canCreateChild(parent, QStringLiteral("pids.max"));
    };

    if (ownPath == QLatin1String("/")) {
        // The root cgroup is exempt from the no-internal-processes rule.
        return enable(dir) ? std::optional(dir) : std::nullopt;
    }

    // Started by an EdgeDesk process that already did this: use the prepared parent.
    if (QFileInfo(dir).fileName() == QLatin1String(kRunnerLeaf)) {
        const QString parent = QFileInfo(dir).path();
        *memory = controllersIn(parent + QStringLiteral("/cgroup.subtree_control"))
                      .contains(QLatin1String("memory"));
        if (canCreateChild(parent, QStringLiteral("pids.max")))
            return parent;
        return std::nullopt;
    }

    const QByteArray pid = QByteArray::number(QCoreApplication::applicationPid());
    const QString leaf = dir + QLatin1Char('/') + QLatin1String(kRunnerLeaf);
    const QByteArray nativeLeaf = QFile::encodeName(leaf);
    if (::mkdir(nativeLeaf.constData(), 0755) != 0 && errno != EEXIST)
        return std::nullopt;
    if (!writeControlFile(leaf + "/cgroup.procs", pid).ok()) {
        ::rmdir(nativeLeaf.constData());
        return std::nullopt;
    }
    if (!enable(dir)) {
        // Other processes share our cgroup (EBUSY): undo the move.
        (void)writeControlFile(dir + "/cgroup.procs", pid);
        ::rmdir(nativeLeaf.constData());
        return std::nullopt;
    }
    qCInfo(lcSandbox) << "moved into cgroup" << leaf << "to delegate pids to per-sandbox cgroups";
    return dir;
}

// A writable folder of our own cgroup in the v1 hierarchy of controller where children with
// controlFile can be made, or empty.
QString cgroupV1Parent(const QList<CgroupMembership> &own, const QList<CgroupMount> &mounts,
                       const QString &controller, const QString &controlFile)
{
    for (const CgroupMembership &m : own) {
        if (!m.controllers.contains(controller))
            continue;
        for (const CgroupMount &mount : mounts) {
            if (mount.fsType != QLatin1String("cgroup") || !mount.superOptions.contains(controller))
                continue;
            const QString dir = cgroupDirectory(mount, m.path);
            if (dir.isEmpty() || ::access(QFile::encodeName(dir).constData(), W_OK) != 0)
                continue;
            if (canCreateChild(dir, controlFile))
                return dir;
        }
    }
    return {};
}

bool removeDirectory(const QString &cgroup)
{
    const QByteArray native = QFile::encodeName(cgroup);
    return ::rmdir(native.constData()) == 0 || errno == ENOENT;
}

void killTasksIn(const QString &cgroup)
{
    if (QFileInfo::exists(cgroup + QStringLiteral("/cgroup.kill")))
        (void)writeControlFile(cgroup + QStringLiteral("/cgroup.kill"), "1");
    const QList<QByteArray> pids =
        readSmallFile(cgroup + QStringLiteral("/cgroup.procs")).split('\n');
    for (const QByteArray &line : pids) {
        const pid_t member = pid_t(line.trimmed().toLong());
        if (member > 0)
            ::kill(member, SIGKILL);
    }
}

Status makeCgroup(const QString &path)
{
    if (::mkdir(QFile::encodeName(path).constData(), 0755) != 0)
        return makeError(
            QStringLiteral("storage_error"),
            QStringLiteral("cannot create cgroup %1: %2").arg(path, qt_error_string(errno)));
    return Ok{};
}

} // namespace

SandboxCgroup::~SandboxCgroup()
{
    remove();
}

Status SandboxCgroup::create(const SandboxProbe &probe, const QString &name,
                             const SandboxLimits &limits)
{
    const bool pidsCgroup = probe.containment == Containment::CgroupV1 ||
                            probe.containment == Containment::CgroupV2;
    m_v1 = probe.containment == Containment::CgroupV1;
    m_limits = limits;
    if (pidsCgroup) {
        const QString path = probe.cgroupParent + QLatin1Char('/') + name;
        if (Status made = makeCgroup(path); !made.ok())
            return made;
        m_pids = path;
        if (Status limited = writeControlFile(path + QStringLiteral("/pids.max"),
                                              QByteArray::number(limits.maxProcesses));
            !limited.ok())
            return limited;
    }
    if (!probe.memoryCgroup() || limits.memoryBytes <= 0)
        return Ok{};
    const QByteArray bytes = QByteArray::number(limits.memoryBytes);
    if (!probe.memoryCgroupV1) {
        // cgroup v2: the memory controller lives in the same folder as pids.
        if (m_pids.isEmpty())
            return Ok{};
        m_memory = m_pids;
        if (Status limited = writeControlFile(m_memory + QStringLiteral("/memory.max"), bytes);
            !limited.ok())
            return limited;
        // Without this the memory limit would be dodged by swapping.
        (void)writeControlFile(m_memory + QStringLiteral("/memory.swap.max"), "0");
        return Ok{};
    }
    const QString path = probe.memoryCgroupParent + QLatin1Char('/') + name;
    if (Status made = makeCgroup(path); !made.ok())
        return made;
    m_memory = path;
    if (Status limited = writeControlFile(path + QStringLiteral("/memory.limit_in_bytes"), bytes);
        !limited.ok())
        return limited;
    // Memory plus swap, where the kernel accounts swap: the same bound, so swapping does not
    // dodge it. Must follow memory.limit_in_bytes (the kernel keeps memsw >= memory).
    if (QFileInfo::exists(path + QStringLiteral("/memory.memsw.limit_in_bytes")))
        (void)writeControlFile(path + QStringLiteral("/memory.memsw.limit_in_bytes"), bytes);
    return Ok{};
}

void SandboxCgroup::adopt(Folders folders)
{
    remove();
    m_pids = std::move(folders.pids);
    m_memory = std::move(folders.memory);
    m_v1 = folders.v1;
    m_limits = folders.limits;
}

SandboxCgroup::Folders SandboxCgroup::release()
{
    Folders folders{std::exchange(m_pids, QString()), std::exchange(m_memory, QString()), m_v1,
                    m_limits};
    return folders;
}

bool SandboxCgroup::isIdle(const Folders &folders)
{
    for (const QString &folder : {folders.pids, folders.memory}) {
        if (!folder.isEmpty() &&
            !readSmallFile(folder + QStringLiteral("/cgroup.procs")).trimmed().isEmpty())
            return false;
    }
    return true;
}

std::array<SandboxCgroup::Join, SandboxCgroup::kMaxJoins> SandboxCgroup::joins() const
{
    std::array<Join, kMaxJoins> result;
    int count = 0;
    const auto add = [&](const QString &dir, bool v1) {
        if (v1) {
            // Moving a whole thread group (cgroup.procs) takes the kernel's global
            // cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period: 10-15
            // ms per command when the writes are spaced out, with the forking slot thread
            // blocked (vfork) all along. The forked child is single-threaded, so moving just
            // its calling thread through v1's "tasks" file, written as "0" (= the writer
            // itself), puts the whole process there, and the kernel skips that lock for it.
            result[size_t(count++)] = {QFile::encodeName(dir + QStringLiteral("/tasks")), true};
        } else {
            result[size_t(count++)] = {QFile::encodeName(dir + QStringLiteral("/cgroup.procs")),
                                       false};
        }
    };
    if (!m_pids.isEmpty())
        add(m_pids, m_v1);
    if (!m_memory.isEmpty() && m_memory != m_pids)
        add(m_memory, true); // a separate memory folder only exists with cgroup v1
    return result;
}

void SandboxCgroup::kill() const
{
    if (!m_pids.isEmpty())
        killTasksIn(m_pids);
    if (!m_memory.isEmpty() && m_memory != m_pids)
        killTasksIn(m_memory);
}

void SandboxCgroup::remove()
{
    QStringList folders;
    if (!m_pids.isEmpty())
        folders << std::exchange(m_pids, QString());
    if (!m_memory.isEmpty() && !folders.contains(m_memory))
        folders << m_memory;
    m_memory.clear();
    for (const QString &cgroup : std::as_const(folders)) {
        // Killed tasks leave the cgroup only once the kernel has torn them down, and
        // bubblewrap's pid-1 process, which outlives the bwrap that QProcess waited for, is
        // reaped by the host's init: right after a command the cgroup is nearly always still
        // busy. One try here; then a pool thread keeps trying, so that the caller's thread
        // (command-runner's slot thread, whose answer waits for this) never sleeps on it.
        if (removeDirectory(cgroup))
            continue;
        const int error = errno;
        if (error != EBUSY) {
            qCWarning(lcSandbox) << "could not remove cgroup" << cgroup << qt_error_string(error);
            continue;
        }
        QThreadPool::globalInstance()->start([cgroup] {
            int error = 0;
            for (int attempt = 0; attempt < 200; ++attempt) {
                if (removeDirectory(cgroup))
                    return;
                error = errno;
                if (error != EBUSY)
                    break;
                killTasksIn(cgroup);
                QThread::usleep(5000);
            }
            qCWarning(lcSandbox) << "could not remove cgroup" << cgroup << qt_error_string(error);
        });
    }
}

void SandboxCgroup::detect(SandboxProbe &probe)
{
    const QList<CgroupMembership> own = ownCgroups();
    const QList<CgroupMount> mounts = cgroupMounts();
    probe.containment = ::geteuid() == 0 ? Containment::DedicatedUid : Containment::SharedUid;
    probe.cgroupParent.clear();
    probe.memoryCgroupParent.clear();
    probe.memoryCgroupV1 = false;

    bool found = false;
    for (const CgroupMembership &m : own) {
        if (m.hierarchy != QLatin1String("0") || found)
            continue;
        for (const CgroupMount &mount : mounts) {
            if (mount.fsType != QLatin1String("cgroup2"))
                continue;
            const QString dir = cgroupDirectory(mount, m.path);
            if (dir.isEmpty() || ::access(QFile::encodeName(dir).constData(), W_OK) != 0)
                continue;
            bool memory = false;
            if (const auto parent = setUpCgroupV2(dir, m.path, &memory)) {
                probe.containment = Containment::CgroupV2;
                probe.cgroupParent = *parent;
                if (memory)
                    probe.memoryCgroupParent = *parent;
                found = true;
                break;
            }
        }
    }
    if (!found) {
        const QString pids =
            cgroupV1Parent(own, mounts, QStringLiteral("pids"), QStringLiteral("pids.max"));
        if (!pids.isEmpty()) {
            probe.containment = Containment::CgroupV1;
            probe.cgroupParent = pids;
        }
    }
    // The v1 memory controller is a hierarchy of its own, usable whatever caps the processes.
    if (probe.memoryCgroupParent.isEmpty()) {
        probe.memoryCgroupParent = cgroupV1Parent(own, mounts, QStringLiteral("memory"),
                                                  QStringLiteral("memory.limit_in_bytes"));
        probe.memoryCgroupV1 = !probe.memoryCgroupParent.isEmpty();
    }
}

int SandboxCgroup::removeStale(const QString &parent)
{
    static const QRegularExpression name(QStringLiteral("^edgedesk-(\\d+)-\\d+$"));
    int removed = 0;
    const QStringList entries =
        QDir(parent).entryList({QStringLiteral("edgedesk-*")}, QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        const auto match = name.match(entry);
        if (!match.hasMatch() || QFileInfo::exists(QStringLiteral("/proc/") + match.captured(1)))
            continue;
        // rmdir refuses a cgroup that still has processes: only empty ones go.
        if (::rmdir(QFile::encodeName(parent + QLatin1Char('/') + entry).constData()) == 0)
            ++removed;
    }
    return removed;
}

} // namespace edgedesk
