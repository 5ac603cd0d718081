#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace edgedesk {

// Kernel limits applied to everything a sandbox starts. The rlimits are set in the forked child
// before exec and inherited by every descendant; maxProcesses is enforced through a pids cgroup
// when one is available (RLIMIT_NPROC counts every process of a host uid and never binds root);
// memoryBytes through a memory cgroup when one is available (v2 memory.max, v1
// memory.limit_in_bytes), else only the per-process address-space rlimit bounds memory.
struct SandboxLimits
{
    qint64 cpuSeconds = 30;
    qint64 addressSpaceBytes = qint64(512) << 20;
    qint64 fileSizeBytes = qint64(16) << 20;
    qint64 openFiles = 256;
    int maxProcesses = 64;
    qint64 memoryBytes = qint64(512) << 20;
    // Size of the sandbox's private /tmp (a tmpfs, whose pages are host memory).
    qint64 tmpBytes = qint64(64) << 20;
};

// A host path made visible inside the sandbox.
struct SandboxBind
{
    QString source;
    QString destination;
    bool writable = false;
    bool optional = false; // skipped when the source does not exist
};

// Everything about one process to run in a sandbox: what to run, as whom, where, and what it
// sees. Paths are as seen inside the sandbox unless said otherwise.
struct SandboxSpec
{
    QString program; // absolute path inside the sandbox
    QStringList arguments;
    // The whole environment of the program (nothing is inherited). PATH, HOME, USER, LOGNAME and
    // SHELL get sandbox defaults when absent.
    QMap<QString, QString> environment;
    bool network = false; // share the host's network namespace (else only a private loopback)
    quint32 uid = 1000;   // identity inside the sandbox
    quint32 gid = 1000;
    QString userName = QStringLiteral("sandbox");
    QString hostname = QStringLiteral("sandbox");
    QString workingDirectory = QStringLiteral("/tmp");
    // A host folder to use as the sandbox's whole root file system (an unpacked image), instead
    // of the host's read-only /usr with a generated /etc. It is mounted read-only unless
    // rootWritable; /proc, /dev and /tmp are mounted over it as usual, and of the generated
    // files only /etc/hosts (and with network /etc/resolv.conf) and spec.files are placed in it:
    // the image's own /etc/passwd and /etc/group stay. Mount points missing in the folder
    // (/proc, /dev, /tmp, /etc/hosts, the binds' destinations) are created in it, which needs
    // the host uid bwrap runs as to be able to write there; an image that has them needs not.
    QString rootFilesystem;
    bool rootWritable = false;
    QList<SandboxBind> binds;
    QMap<QString, QByteArray> files; // extra read-only files: destination -> content
    SandboxLimits limits;
    // Host identity bwrap itself runs as. Only root can switch; absent means the caller's own.
    // Without it a root caller's sandbox user maps to host uid 0 (powerless, but still root-owned).
    std::optional<quint32> hostUid;
    std::optional<quint32> hostGid;
};

} // namespace edgedesk
