#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPointer>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QTemporaryDir;
QT_END_NAMESPACE

namespace edgedesk {

// Kernel limits applied to everything a sandbox starts. The rlimits are set in the forked child
// before exec and inherited by every descendant; maxProcesses is enforced through a pids cgroup
// when one is available (RLIMIT_NPROC counts every process of a host uid and never binds root).
struct SandboxLimits
{
    qint64 cpuSeconds = 30;
    qint64 addressSpaceBytes = qint64(512) << 20;
    qint64 fileSizeBytes = qint64(16) << 20;
    qint64 openFiles = 256;
    int maxProcesses = 64;
    // cgroup v2 memory.max; cgroup v1 memory is not touched (the address-space rlimit applies).
    qint64 memoryBytes = qint64(512) << 20;
};

// A host path made visible inside the sandbox.
struct SandboxBind
{
    QString source;
    QString destination;
    bool writable = false;
    bool optional = false; // skipped when the source does not exist
};

struct SandboxSpec
{
    QString program; // path as seen inside the sandbox
    QStringList arguments;
    // The whole environment of the program (nothing is inherited). PATH, HOME, USER, LOGNAME and
    // SHELL get sandbox defaults when absent.
    QMap<QString, QString> environment;
    bool network = false;
    quint32 uid = 1000; // identity inside the sandbox
    quint32 gid = 1000;
    QString userName = QStringLiteral("sandbox");
    QString hostname = QStringLiteral("sandbox");
    QString workingDirectory = QStringLiteral("/tmp");
    QList<SandboxBind> binds;
    QMap<QString, QByteArray> files; // extra read-only files: destination -> content
    SandboxLimits limits;
    // Host identity bwrap itself runs as. Only root can switch; absent means the caller's own.
    // Without it a root caller's sandbox user maps to host uid 0 (powerless, but still root-owned).
    std::optional<quint32> hostUid;
    std::optional<quint32> hostGid;
};

// How the process cap of a sandbox is enforced.
enum class Containment
{
    CgroupV2,     // per-sandbox child cgroup with pids.max (and memory.max)
    CgroupV1,     // per-sandbox child of the v1 pids controller (root)
    DedicatedUid, // RLIMIT_NPROC on a host uid used by nothing else (root switches to it)
    SharedUid,    // RLIMIT_NPROC on the caller's own uid: approximate, shared with its processes
};

// What this machine offers, measured once at start (Sandbox::probe()).
struct SandboxProbe
{
    QString bwrapPath;          // empty when bwrap is not installed
    QString version;            // `bwrap --version`, e.g. "bubblewrap 0.8.0"
    bool usable = false;        // a sandbox could actually be created
    bool hostUidWorks = false;  // bwrap runs as the probed unprivileged host uid
    bool disableUserns = false; // bwrap knows --disable-userns (0.8.0+)
    QString error;              // why not usable
    Containment containment = Containment::SharedUid;
    QString cgroupParent; // where per-sandbox cgroups are created (cgroup containments only)
    bool cgroupMemory = false;

    // What enforces the process cap when a sandbox with these settings starts, for health
    // output: "cgroup-v1 pids.max=64", "rlimit-nproc=64 (dedicated uid 3999000)"...
    QString describeContainment(int maxProcesses, std::optional<quint32> hostUid) const;
};

// Runs one program confined by bubblewrap (or, when asked for explicitly, without it) with
// rlimits and a process cap. One object per started process: prepare(), configure(process),
// start the process, and destroy the object once the process has finished — the destructor
// kills whatever is left and removes the cgroup and the staged files.
class Sandbox final
{
public:
    enum class Mode
    {
        Bubblewrap,
        Unsandboxed, // no namespaces at all; rlimits, process cap and timeout still apply
    };

    Sandbox(SandboxSpec spec, SandboxProbe probe, Mode mode = Mode::Bubblewrap);
    ~Sandbox();
    Sandbox(const Sandbox &) = delete;
    Sandbox &operator=(const Sandbox &) = delete;

    // Finds bwrap, reads its version, picks the best process-cap mechanism and starts one real
    // sandbox running `true` with it. Blocking (up to a few seconds): call once at start.
    // With cgroup v2 the calling process may move itself into a leaf child "edgedesk-runner" of
    // its cgroup, because the kernel only lets a cgroup without processes delegate controllers.
    // hostUid: the unprivileged identity to try running bwrap as (root callers only).
    static SandboxProbe probe(std::optional<quint32> hostUid = std::nullopt);

    // The bwrap command line for spec (without the bwrap program itself). stagingDir is what
    // prepare() wrote: stagingDir/etc, the sandbox's whole read-only /etc (the generated files
    // plus copies of the host's /etc/alternatives, ld.so.cache and localtime, and with network
    // nsswitch.conf), and the generated files meant elsewhere (see stagedFiles()).
    static QStringList bwrapArguments(const SandboxSpec &spec, const QString &stagingDir,
                                      bool disableUserns);
    // The generated files every sandbox gets: /etc/passwd, /etc/group, /etc/hosts, and with
    // network /etc/resolv.conf, plus spec.files. name is the file's name in the staging folder.
    struct StagedFile
    {
        QString name;
        QString destination;
        QByteArray content;
    };
    static QList<StagedFile> stagedFiles(const SandboxSpec &spec);

    // Writes the staged files and creates the cgroup. Must succeed before configure().
    Status prepare();
    // Sets program, arguments, environment, working directory and the child-side setup
    // (cgroup join, new session, rlimits, no_new_privs, host uid switch) on process.
    void configure(QProcess &process);
    // Asks the program to stop: SIGTERM to it and its descendants but not to bwrap, which would
    // only SIGKILL the sandbox on its way out. bwrap then exits with the program's exit code.
    // Follow with killAll() when the program does not exit in time.
    void terminate();
    // SIGKILLs the started process group and everything in the cgroup. Safe to call repeatedly.
    void killAll();

    // Where the staged /etc copies the host entries from (default /etc). For tests only; call
    // before any sandbox is prepared.
    static void setHostEtcDirectory(const QString &path);

    const SandboxSpec &spec() const { return m_spec; }
    // The staging folder prepare() chose (bubblewrap: shared by sandboxes of the same content).
    QString stagingPath() const;
    Mode mode() const { return m_mode; }
    QString cgroupPath() const { return m_cgroup; }

    // Removes the staging folders in `tempDir` whose process is gone (a kill -9 leaves them);
    // returns how many. Run once per process before its first staging folder is made.
    static int removeStaleStagingDirs(const QString &tempDir);

private:
    QStringList unsandboxedEnvironment() const;
    void removeCgroup();
    static void killCgroup(const QString &cgroup);
    static bool removeCgroupDirectory(const QString &cgroup); // errno says why not
    static Result<std::shared_ptr<QTemporaryDir>> newStagingDir();
    static Result<std::shared_ptr<QTemporaryDir>> sharedStaging(const QList<StagedFile> &files,
                                                                bool network);

    SandboxSpec m_spec;
    SandboxProbe m_probe;
    Mode m_mode;
    // Bubblewrap: the generated /etc files, shared with other sandboxes of the same content;
    // unsandboxed: this run's own folder (the working directory lives in it).
    std::shared_ptr<QTemporaryDir> m_staging;
    QString m_cgroup;
    QString m_workDir; // Unsandboxed: the private working directory and HOME
    QPointer<QProcess> m_process;
    qint64 m_processGroup = 0;
};

} // namespace edgedesk
