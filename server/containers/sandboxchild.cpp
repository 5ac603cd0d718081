#include "containers/sandboxchild.h"

#include "containers/sandboxfiles.h"

#include <QDir>
#include <QStringList>

#include <cstring>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace edgedesk {

namespace {

[[noreturn]] void childFail(const char *message)
{
    const char prefix[] = "edgedesk sandbox setup failed: ";
    (void)!::write(2, prefix, sizeof prefix - 1);
    (void)!::write(2, message, std::strlen(message));
    (void)!::write(2, "\n", 1);
    ::_exit(126);
}

void setLimit(int resource, qint64 value, const char *what)
{
    if (value <= 0)
        return;
    struct rlimit limit;
    limit.rlim_cur = rlim_t(value);
    limit.rlim_max = rlim_t(value);
    if (resource == RLIMIT_CPU)
        limit.rlim_max = rlim_t(value + 1); // SIGXCPU first, SIGKILL a second later
    if (::setrlimit(resource, &limit) != 0)
        childFail(what);
}

void joinCgroup(const SandboxCgroup::Join &join)
{
    char text[24];
    int length = 0;
    if (join.asCurrentThread) {
        text[length++] = '0';
    } else {
        char digits[24];
        for (long pid = long(::getpid()); pid > 0 && length < 20; pid /= 10)
            digits[length++] = char('0' + pid % 10);
        for (int i = 0; i < length; ++i)
            text[i] = digits[length - 1 - i];
    }
    const int fd = ::open(join.file.constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, text, size_t(length)) != length)
        childFail("cannot join the per-sandbox cgroup");
    ::close(fd);
}

} // namespace

void SandboxChild::run() const
{
    for (const SandboxCgroup::Join &join : cgroupJoins) {
        if (!join.file.isEmpty())
            joinCgroup(join);
    }
    // Own process group, so a timeout can signal the whole tree with one kill(-pgid).
    ::setsid();

    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD})
        ::sigaction(sig, &action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);

    // Descriptors of the parent (listening sockets, other children's pipes) must not reach the
    // sandbox; CLOEXEC keeps QProcess's own exec-status pipe working until exec.
#ifdef SYS_close_range
    ::syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */);
#endif
    if (inheritedFd >= 0 && ::fcntl(inheritedFd, F_SETFD, 0) != 0)
        childFail("cannot hand bwrap its arguments");

    setLimit(RLIMIT_CPU, limits.cpuSeconds, "RLIMIT_CPU");
    setLimit(RLIMIT_AS, limits.addressSpaceBytes, "RLIMIT_AS");
    setLimit(RLIMIT_FSIZE, limits.fileSizeBytes, "RLIMIT_FSIZE");
    setLimit(RLIMIT_NOFILE, limits.openFiles, "RLIMIT_NOFILE");
    setLimit(RLIMIT_CORE, 0, "RLIMIT_CORE");
    if (nprocLimit > 0)
        setLimit(RLIMIT_NPROC, nprocLimit, "RLIMIT_NPROC");

    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        childFail("PR_SET_NO_NEW_PRIVS");

    // The user namespace first: it owns the network namespace and grants the right to enter it.
    if (userNamespaceFd >= 0 && ::setns(userNamespaceFd, CLONE_NEWUSER) != 0)
        childFail("cannot enter the network's user namespace");
    if (netNamespaceFd >= 0 && ::setns(netNamespaceFd, CLONE_NEWNET) != 0)
        childFail("cannot enter the network namespace");

    if (switchIds) {
        // Raw syscalls: glibc's set*id wrappers synchronise threads, which a forked child of a
        // threaded process must not rely on.
        if (::syscall(SYS_setgroups, 0, nullptr) != 0 ||
            ::syscall(SYS_setresgid, hostGid, hostGid, hostGid) != 0 ||
            ::syscall(SYS_setresuid, hostUid, hostUid, hostUid) != 0)
            childFail("cannot switch to the sandbox host uid");
    }
}

qint64 SandboxChild::tasksOfUid(uid_t uid)
{
    qint64 count = 0;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        const QList<QByteArray> lines =
            readSmallFile(QStringLiteral("/proc/") + entry + QStringLiteral("/status")).split('\n');
        bool mine = false;
        qint64 threads = 1;
        for (const QByteArray &line : lines) {
            if (line.startsWith("Uid:"))
                mine = line.mid(4).simplified().split(' ').value(0).toUInt() == uid;
            else if (line.startsWith("Threads:"))
                threads = qMax<qint64>(1, line.mid(8).trimmed().toLongLong());
        }
        if (mine)
            count += threads;
    }
    return count;
}

} // namespace edgedesk
