#pragma once

#include "containers/sandboxcgroup.h"
#include "containers/sandboxhost.h"
#include "containers/sandboxprobe.h"
#include "containers/sandboxspec.h"
#include "util/result.h"

#include <QPointer>
#include <QProcess>
#include <QString>

#include <memory>

QT_BEGIN_NAMESPACE
class QTemporaryDir;
QT_END_NAMESPACE

namespace edgedesk {

// Runs one program confined by bubblewrap (or, when asked for explicitly, without it) with
// rlimits, a process cap and a memory bound. One object per started process:
//
//     SandboxHost host;                      // one per program, shared by all its sandboxes
//     host.runProbe(hostUid);                // once, blocking
//     SandboxSpec spec;
//     spec.program = "/usr/bin/env";         // path inside the sandbox
//     spec.arguments = {"FOO=1", "printenv"};
//     spec.environment = {{"LANG", "C.UTF-8"}};
//     spec.rootFilesystem = "/path/to/rootfs"; // optional: an unpacked image as the whole root
//     spec.uid = 1000; spec.gid = 1000;      // identity inside the sandbox
//     spec.hostUid = 3998000;                // host identity bwrap runs as (root callers only)
//     spec.workingDirectory = "/tmp";
//     Sandbox sandbox(host, spec);
//     if (Status ok = sandbox.prepare(); !ok) ...;   // staged files and cgroups
//     QProcess process;
//     sandbox.configure(process);             // program, arguments, child-side setup
//     process.start();
//     ... sandbox.terminate() to ask it to stop, killAll() to end it ...
//
// and destroy the object once the process has finished: the destructor kills whatever is left
// and removes the cgroups and the staged files.
//
// Inside, the program sees: its own pid, IPC, UTS and user namespaces (and, unless
// spec.network, its own network namespace with only loopback); the host's /usr read-only and a
// staged /etc (or spec.rootFilesystem with the generated hosts files); fresh /proc and /dev; a private /tmp tmpfs of limits.tmpBytes; the binds of
// spec. bwrap's options (which name host paths) are handed over through a descriptor, so
// /proc/1/cmdline inside shows only "bwrap --args N -- program arguments".
class Sandbox final
{
public:
    enum class Mode
    {
        Bubblewrap,
        Unsandboxed, // no namespaces at all; rlimits, process cap and timeout still apply
    };

    Sandbox(SandboxHost &host, SandboxSpec spec, Mode mode = Mode::Bubblewrap);
    ~Sandbox();
    Sandbox(const Sandbox &) = delete;
    Sandbox &operator=(const Sandbox &) = delete;

    // Instead of making and removing its cgroups, take those of a finished sandbox of the same
    // host and limits once no task is left in them, and hand them back when done (see
    // SandboxHost::takeCgroup()). Before prepare().
    void setRecycleCgroup(bool recycle) { m_recycleCgroup = recycle; }
    // Writes the staged files and creates the cgroups. Must succeed before configure().
    Status prepare();
    // Sets program, arguments, environment, working directory and the child-side setup
    // (cgroup join, new session, rlimits, no_new_privs, host uid switch) on process.
    void configure(QProcess &process);
    // Before configure(): the process enters these namespaces (descriptors kept open by the
    // caller until it has started) instead of bwrap unsharing the network; userNs may be -1.
    void joinNetwork(int userNs, int netNs)
    {
        m_userNs = userNs;
        m_netNs = netNs;
    }
    // Asks the program to stop: SIGTERM to it and its descendants but not to bwrap, which would
    // only SIGKILL the sandbox on its way out. bwrap then exits with the program's exit code.
    // Follow with killAll() when the program does not exit in time.
    void terminate();
    // SIGKILLs the started process group and everything in the cgroups. Safe to call
    // repeatedly.
    void killAll();

    const SandboxSpec &spec() const { return m_spec; }
    const SandboxProbe &probe() const { return m_host.probe(); }
    // The staging folder prepare() chose (bubblewrap: shared by sandboxes of the same content).
    QString stagingPath() const;
    Mode mode() const { return m_mode; }
    QString cgroupPath() const { return m_cgroup.pidsPath(); }
    QString memoryCgroupPath() const { return m_cgroup.memoryPath(); }

private:
    QStringList unsandboxedEnvironment() const;
    Status prepareUnsandboxedFolder();
    int argumentsFile(const QStringList &options);

    SandboxHost &m_host;
    SandboxSpec m_spec;
    Mode m_mode;
    // Bubblewrap: the staged files, shared with other sandboxes of the same content;
    // unsandboxed: this run's own folder (the working directory lives in it).
    std::shared_ptr<QTemporaryDir> m_staging;
    SandboxCgroup m_cgroup;
    QString m_workDir; // Unsandboxed: the private working directory and HOME
    int m_argumentsFd = -1;
    bool m_recycleCgroup = false;
    int m_userNs = -1;
    int m_netNs = -1;
    QPointer<QProcess> m_process;
    qint64 m_processGroup = 0;
};

} // namespace edgedesk
