#include "containers/sandbox.h"

#include "containers/sandboxarguments.h"
#include "containers/sandboxchild.h"
#include "containers/sandboxfiles.h"
#include "containers/sandboxlog.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QMultiHash>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <cerrno>

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

namespace edgedesk {

Sandbox::Sandbox(SandboxHost &host, SandboxSpec spec, Mode mode)
    : m_host(host), m_spec(std::move(spec)), m_mode(mode)
{
    if (::geteuid() != 0) {
        // Only root can switch identities; anyone else runs bwrap as themselves.
        m_spec.hostUid.reset();
        m_spec.hostGid.reset();
    }
}

Sandbox::~Sandbox()
{
    killAll();
    if (m_recycleCgroup && !m_cgroup.isEmpty())
        m_host.recycleCgroup(m_cgroup.release());
    else
        m_cgroup.remove();
    if (m_argumentsFd >= 0)
        ::close(m_argumentsFd);
}

QString Sandbox::stagingPath() const
{
    return m_staging ? m_staging->path() : QString();
}

QStringList Sandbox::unsandboxedEnvironment() const
{
    QMap<QString, QString> environment = m_spec.environment;
    environment.insert(QStringLiteral("PATH"),
                       environment.value(QStringLiteral("PATH"),
                                         QLatin1String(SandboxArguments::kDefaultPath)));
    environment.insert(QStringLiteral("HOME"), m_workDir);
    environment.insert(QStringLiteral("TMPDIR"), m_workDir);
    environment.insert(QStringLiteral("USER"),
                       environment.value(QStringLiteral("USER"), m_spec.userName));
    environment.insert(QStringLiteral("SHELL"),
                       environment.value(QStringLiteral("SHELL"), QStringLiteral("/bin/sh")));
    QStringList result;
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        result << it.key() + QLatin1Char('=') + it.value();
    return result;
}

Status Sandbox::prepareUnsandboxedFolder()
{
    auto staging = m_host.etc().newFolder();
    if (!staging.ok())
        return staging.error();
    m_staging = std::move(*staging);
    m_workDir = m_staging->path() + QStringLiteral("/work");
    if (!QDir().mkpath(m_workDir))
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot create the working directory %1").arg(m_workDir));
    if (m_spec.hostUid) {
        const QByteArray native = QFile::encodeName(m_workDir);
        if (::chown(native.constData(), *m_spec.hostUid,
                    m_spec.hostGid.value_or(*m_spec.hostUid)) != 0)
            return makeError(QStringLiteral("storage_error"),
                             QStringLiteral("cannot hand %1 to uid %2: %3")
                                 .arg(m_workDir)
                                 .arg(*m_spec.hostUid)
                                 .arg(qt_error_string(errno)));
    }
    return Ok{};
}

Status Sandbox::prepare()
{
    if (m_mode == Mode::Bubblewrap && probe().bwrapPath.isEmpty())
        return makeError(QStringLiteral("unavailable"), QStringLiteral("bwrap is not installed"));

    if (m_mode == Mode::Bubblewrap) {
        auto staging = m_host.etc().stage(m_spec);
        if (!staging.ok())
            return staging.error();
        m_staging = std::move(*staging);
    } else if (Status prepared = prepareUnsandboxedFolder(); !prepared.ok()) {
        return prepared;
    }
    if (m_recycleCgroup) {
        if (std::optional<SandboxCgroup::Folders> recycled = m_host.takeCgroup(m_spec.limits)) {
            m_cgroup.adopt(std::move(*recycled));
            return Ok{};
        }
    }
    return m_cgroup.create(probe(), m_host.nextCgroupName(), m_spec.limits);
}

// bwrap's options name host paths (the staging folder, the binds' sources); bwrap stays the
// sandbox's pid 1, whose command line anyone inside can read. Handed over in a memory file
// instead ("--args FD"), they stay out of /proc. bwrap reads only options there: the command
// ("-- program arguments", paths as the sandbox sees them) stays on the command line.
// -1 when that is not possible.
int Sandbox::argumentsFile(const QStringList &options)
{
    if (!probe().argsFromFd)
        return -1;
    QByteArray content;
    for (const QString &argument : options) {
        content += argument.toUtf8();
        content += '\0';
    }
    const int fd = ::memfd_create("bwrap-arguments", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    qsizetype written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.constData() + written, size_t(content.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ::close(fd);
            return -1;
        }
        written += n;
    }
    if (::lseek(fd, 0, SEEK_SET) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

void Sandbox::configure(QProcess &process)
{
    SandboxChild setup;
    setup.limits = m_spec.limits;
    setup.cgroupJoins = m_cgroup.joins();
    setup.userNamespaceFd = m_userNs;
    setup.netNamespaceFd = m_netNs;
    if (m_spec.hostUid) {
        setup.switchIds = true;
        setup.hostUid = *m_spec.hostUid;
        setup.hostGid = m_spec.hostGid.value_or(*m_spec.hostUid);
    }
    if (m_cgroup.pidsPath().isEmpty()) {
        if (setup.switchIds)
            setup.nprocLimit = m_spec.limits.maxProcesses;
        else
            setup.nprocLimit = SandboxChild::tasksOfUid(::getuid()) + m_spec.limits.maxProcesses;
    }

    if (m_mode == Mode::Bubblewrap) {
        process.setProgram(probe().bwrapPath);
        const QStringList arguments =
            SandboxArguments::bwrap(m_spec, stagingPath(), probe());
        const qsizetype command = arguments.size() - m_spec.arguments.size() - 2; // at "--"
        if (m_argumentsFd >= 0)
            ::close(m_argumentsFd);
        m_argumentsFd = argumentsFile(arguments.mid(0, command));
        if (m_argumentsFd >= 0) {
            // The child clears close-on-exec on its copy; the parent's closes with this object.
            setup.inheritedFd = m_argumentsFd;
            process.setArguments(QStringList{QStringLiteral("--args"),
                                              QString::number(m_argumentsFd)} +
                                 arguments.mid(command));
        } else {
            process.setArguments(arguments);
        }
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("PATH"), QLatin1String(SandboxArguments::kDefaultPath));
        process.setProcessEnvironment(environment);
        process.setWorkingDirectory(QStringLiteral("/"));
    } else {
        process.setProgram(m_spec.program);
        process.setArguments(m_spec.arguments);
        process.setEnvironment(unsandboxedEnvironment());
        process.setWorkingDirectory(m_workDir);
    }
    process.setStandardInputFile(QProcess::nullDevice());
    process.setChildProcessModifier([setup]() { setup.run(); });
    m_process = &process;
}

void Sandbox::terminate()
{
    const qint64 root = m_process ? m_process->processId() : 0;
    if (root <= 0)
        return;
    // The process tree below the started process, from /proc: parent links and names.
    QMultiHash<qint64, qint64> children;
    QHash<qint64, QByteArray> names;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces and parens.
        const QByteArray stat = readSmallFile(QStringLiteral("/proc/%1/stat").arg(pid));
        const qsizetype open = stat.indexOf('(');
        const qsizetype close = stat.lastIndexOf(')');
        if (open < 0 || close < open)
            continue;
        const QList<QByteArray> rest = stat.mid(close + 2).split(' ');
        children.insert(rest.value(1).toLongLong(), pid);
        names.insert(pid, stat.mid(open + 1, close - open - 1));
    }
    QList<qint64> pending = {root};
    while (!pending.isEmpty()) {
        const qint64 pid = pending.takeFirst();
        if (names.value(pid) != "bwrap") {
            ::kill(pid_t(pid), SIGTERM);
            continue; // the program handles its own children
        }
        pending += children.values(pid);
    }
}

void Sandbox::killAll()
{
    const qint64 pid = m_process ? m_process->processId() : 0;
    if (pid > 0)
        m_processGroup = pid;
    // Once the leader is reaped its group id may be reused, so only an unsandboxed run (whose
    // background children outlive the shell) signals the group after the fact; a bubblewrap
    // sandbox dies with its pid namespace.
    if (m_processGroup > 0 && (pid > 0 || m_mode == Mode::Unsandboxed))
        ::kill(-pid_t(m_processGroup), SIGKILL);
    m_cgroup.kill();
}

} // namespace edgedesk
