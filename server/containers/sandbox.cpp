#include "containers/sandbox.h"
#include "util/tempfolders.h"


#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QMultiHash>
#include <QMutex>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace edgedesk {

namespace {

// A function-local category instead of Q_LOGGING_CATEGORY: the container manager in this module
// defines its own, and the programs compile this file on its own.
const QLoggingCategory &lcSandbox()
{
    static const QLoggingCategory category("edgedesk.containers");
    return category;
}

constexpr auto kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr auto kRunnerLeaf = "edgedesk-runner";

QByteArray readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(64 * 1024);
}

// cgroup files report errors (EBUSY, EINVAL) from write(2) itself, which QFile's buffering hides.
Status writeControlFile(const QString &path, const QByteArray &value)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot open %1: %2").arg(path, qt_error_string(errno)));
    const ssize_t written = ::write(fd, value.constData(), size_t(value.size()));
    const int error = errno;
    ::close(fd);
    if (written != value.size())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot write %1: %2").arg(path, qt_error_string(error)));
    return Ok{};
}

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

// A v2 cgroup can hand controllers to children only while it holds no processes itself, so the
// caller first moves into a leaf "edgedesk-runner"; per-sandbox cgroups become its siblings.
std::optional<QString> setUpCgroupV2(const QString &dir, const QString &ownPath, bool *memory)
{
    const auto controllersIn = [](const QString &file) {
        return QString::fromUtf8(readSmallFile(file))
            .simplified()
            .split(QLatin1Char(' '), Qt::SkipEmptyParts);
    };
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

void detectContainment(SandboxProbe &probe)
{
    const QList<CgroupMembership> own = ownCgroups();
    const QList<CgroupMount> mounts = cgroupMounts();

    for (const CgroupMembership &m : own) {
        if (m.hierarchy != QLatin1String("0"))
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
                probe.cgroupMemory = memory;
                return;
            }
        }
    }

    for (const CgroupMembership &m : own) {
        if (!m.controllers.contains(QLatin1String("pids")))
            continue;
        for (const CgroupMount &mount : mounts) {
            if (mount.fsType != QLatin1String("cgroup") ||
                !mount.superOptions.contains(QLatin1String("pids")))
                continue;
            const QString dir = cgroupDirectory(mount, m.path);
            if (dir.isEmpty() || ::access(QFile::encodeName(dir).constData(), W_OK) != 0)
                continue;
            if (canCreateChild(dir, QStringLiteral("pids.max"))) {
                probe.containment = Containment::CgroupV1;
                probe.cgroupParent = dir;
                return;
            }
        }
    }

    probe.containment = ::geteuid() == 0 ? Containment::DedicatedUid : Containment::SharedUid;
}

// RLIMIT_NPROC counts tasks (threads included) of the real uid.
qint64 countTasksOfUid(uid_t uid)
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

// Everything the forked child needs, prepared before fork: after fork only async-signal-safe
// calls are allowed (no allocation), so paths and numbers are plain bytes here.
struct ChildSetup
{
    // The file the child writes itself into: cgroup.procs (its pid) or, with cgroup v1, the
    // per-thread "tasks" file ("0", the calling thread; see Sandbox::configure()).
    QByteArray cgroupJoin;
    bool joinAsCurrentThread = false;
    SandboxLimits limits;
    qint64 nprocLimit = -1;
    bool switchIds = false;
    quint32 hostUid = 0;
    quint32 hostGid = 0;
};

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

void runChildSetup(const ChildSetup &setup)
{
    if (!setup.cgroupJoin.isEmpty()) {
        char text[24];
        int length = 0;
        if (setup.joinAsCurrentThread) {
            text[length++] = '0';
        } else {
            char digits[24];
            for (long pid = long(::getpid()); pid > 0 && length < 20; pid /= 10)
                digits[length++] = char('0' + pid % 10);
            for (int i = 0; i < length; ++i)
                text[i] = digits[length - 1 - i];
        }
        const int fd = ::open(setup.cgroupJoin.constData(), O_WRONLY | O_CLOEXEC);
        if (fd < 0 || ::write(fd, text, size_t(length)) != length)
            childFail("cannot join the per-sandbox cgroup");
        ::close(fd);
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

    setLimit(RLIMIT_CPU, setup.limits.cpuSeconds, "RLIMIT_CPU");
    setLimit(RLIMIT_AS, setup.limits.addressSpaceBytes, "RLIMIT_AS");
    setLimit(RLIMIT_FSIZE, setup.limits.fileSizeBytes, "RLIMIT_FSIZE");
    setLimit(RLIMIT_NOFILE, setup.limits.openFiles, "RLIMIT_NOFILE");
    setLimit(RLIMIT_CORE, 0, "RLIMIT_CORE");
    if (setup.nprocLimit > 0)
        setLimit(RLIMIT_NPROC, setup.nprocLimit, "RLIMIT_NPROC");

    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        childFail("PR_SET_NO_NEW_PRIVS");

    if (setup.switchIds) {
        // Raw syscalls: glibc's set*id wrappers synchronise threads, which a forked child of a
        // threaded process must not rely on.
        if (::syscall(SYS_setgroups, 0, nullptr) != 0 ||
            ::syscall(SYS_setresgid, setup.hostGid, setup.hostGid, setup.hostGid) != 0 ||
            ::syscall(SYS_setresuid, setup.hostUid, setup.hostUid, setup.hostUid) != 0)
            childFail("cannot switch to the sandbox host uid");
    }
}

bool runQuietly(const QString &program, const QStringList &arguments, QByteArray *output)
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(arguments);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(2000);
        return false;
    }
    *output = process.readAll();
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

std::atomic<quint64> g_cgroupSequence{0};

// Where the host's /etc is read from for the staged /etc (tests point it elsewhere).
QString &hostEtcRoot()
{
    static QString root = QStringLiteral("/etc");
    return root;
}

// The host /etc entries every sandbox gets a copy of, and with network the ones it also needs
// (/etc/ssl and /etc/ca-certificates stay bind mounts of their own: trees, and /etc/ssl/private).
QStringList copiedHostEtcEntries(bool network)
{
    // alternatives: Debian's awk, vi, editor... are symlinks through it.
    QStringList names = {QStringLiteral("alternatives"), QStringLiteral("ld.so.cache"),
                         QStringLiteral("localtime")};
    if (network)
        names << QStringLiteral("nsswitch.conf");
    return names;
}

// What identifies the current state of those host entries: inode, size, mtime and ctime of each
// (a directory's mtime changes when an entry is added, removed or replaced, which is how
// update-alternatives and ldconfig install theirs). A few lstat calls per command.
// *newestChangeSec: the latest mtime/ctime among them, in seconds since the epoch.
QByteArray hostEtcFingerprint(bool network, qint64 *newestChangeSec)
{
    QByteArray fingerprint;
    *newestChangeSec = 0;
    for (const QString &name : copiedHostEtcEntries(network)) {
        const QByteArray native = QFile::encodeName(hostEtcRoot() + QLatin1Char('/') + name);
        struct stat info;
        if (::lstat(native.constData(), &info) != 0) {
            fingerprint += name.toUtf8() + ":-\n";
            continue;
        }
        *newestChangeSec = qMax(*newestChangeSec,
                                qMax(qint64(info.st_mtim.tv_sec), qint64(info.st_ctim.tv_sec)));
        fingerprint += name.toUtf8() + ':' + QByteArray::number(quint64(info.st_dev)) + ':' +
                       QByteArray::number(quint64(info.st_ino)) + ':' +
                       QByteArray::number(quint64(info.st_mode)) + ':' +
                       QByteArray::number(qint64(info.st_size)) + ':' +
                       QByteArray::number(qint64(info.st_mtim.tv_sec)) + '.' +
                       QByteArray::number(qint64(info.st_mtim.tv_nsec)) + ':' +
                       QByteArray::number(qint64(info.st_ctim.tv_sec)) + '.' +
                       QByteArray::number(qint64(info.st_ctim.tv_nsec)) + '\n';
    }
    return fingerprint;
}

// Copies a symlink as a symlink (same target) and a regular file as a world-readable file;
// anything else (sockets, devices, nested directories) is left out.
Status copyEtcEntry(const QString &source, const QString &destination)
{
    const QByteArray from = QFile::encodeName(source);
    const QByteArray to = QFile::encodeName(destination);
    struct stat info;
    if (::lstat(from.constData(), &info) != 0)
        return Ok{}; // vanished meanwhile: the next fingerprint differs and restages
    if (S_ISLNK(info.st_mode)) {
        char target[4096];
        const ssize_t length = ::readlink(from.constData(), target, sizeof target - 1);
        if (length < 0)
            return Ok{};
        target[length] = '\0';
        if (::symlink(target, to.constData()) != 0)
            return makeError(QStringLiteral("storage_error"),
                             QStringLiteral("cannot stage %1: %2")
                                 .arg(destination, qt_error_string(errno)));
        return Ok{};
    }
    if (!S_ISREG(info.st_mode))
        return Ok{};
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly))
        return Ok{}; // unreadable on the host: the sandbox would not have seen it either
    const QByteArray content = in.readAll();
    QFile out(destination);
    if (!out.open(QIODevice::WriteOnly) || out.write(content) != content.size())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot stage %1: %2").arg(destination, out.errorString()));
    out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                       QFileDevice::ReadOther);
    return Ok{};
}

// Fills etcDir with copies of the host entries (see copiedHostEtcEntries()).
Status copyHostEtc(const QString &etcDir, bool network)
{
    for (const QString &name : copiedHostEtcEntries(network)) {
        const QString source = hostEtcRoot() + QLatin1Char('/') + name;
        const QString destination = etcDir + QLatin1Char('/') + name;
        const QFileInfo info(source);
        if (info.isDir() && !info.isSymLink()) {
            if (::mkdir(QFile::encodeName(destination).constData(), 0755) != 0)
                return makeError(QStringLiteral("storage_error"),
                                 QStringLiteral("cannot stage %1: %2")
                                     .arg(destination, qt_error_string(errno)));
            const QStringList entries =
                QDir(source).entryList(QDir::AllEntries | QDir::System | QDir::Hidden |
                                       QDir::NoDotAndDotDot);
            for (const QString &entry : entries) {
                Status copied = copyEtcEntry(source + QLatin1Char('/') + entry,
                                             destination + QLatin1Char('/') + entry);
                if (!copied.ok())
                    return copied;
            }
            continue;
        }
        Status copied = copyEtcEntry(source, destination);
        if (!copied.ok())
            return copied;
    }
    if (network) {
        // Mount points for the trees bound on top of the read-only /etc.
        for (const char *name : {"ssl", "ca-certificates"})
            ::mkdir(QFile::encodeName(etcDir + QLatin1Char('/') + QLatin1String(name)).constData(),
                    0755);
    }
    return Ok{};
}

// A staged file that goes straight into the staged /etc rather than a bind of its own.
bool inStagedEtc(const QString &destination)
{
    return destination.startsWith(QLatin1String("/etc/")) &&
           destination.indexOf(QLatin1Char('/'), 5) < 0 && destination.size() > 5 &&
           destination != QLatin1String("/etc/ssl") &&
           destination != QLatin1String("/etc/ca-certificates");
}

} // namespace

QString SandboxProbe::describeContainment(int maxProcesses, std::optional<quint32> hostUid) const
{
    switch (containment) {
    case Containment::CgroupV2:
        return QStringLiteral("cgroup-v2 pids.max=%1").arg(maxProcesses);
    case Containment::CgroupV1:
        return QStringLiteral("cgroup-v1 pids.max=%1").arg(maxProcesses);
    case Containment::DedicatedUid:
    case Containment::SharedUid:
        if (hostUid && ::geteuid() == 0)
            return QStringLiteral("rlimit-nproc=%1 (dedicated uid %2)")
                .arg(maxProcesses)
                .arg(*hostUid);
        if (::getuid() == 0)
            return QStringLiteral("none (RLIMIT_NPROC does not bind root; no pids cgroup)");
        return QStringLiteral("rlimit-nproc (shared uid %1, approximate)").arg(::getuid());
    }
    return {};
}

int Sandbox::removeStaleStagingDirs(const QString &tempDir)
{
    // Older builds named the folders edgedesk-sandbox-XXXXXX: those go once an hour old.
    return removeTempFoldersOfGoneProcesses(tempDir, QStringLiteral("edgedesk-sandbox"), 3600);
}

Result<std::shared_ptr<QTemporaryDir>> Sandbox::newStagingDir()
{
    static std::once_flag swept;
    std::call_once(swept, [] {
        if (const int removed = removeStaleStagingDirs(QDir::tempPath()))
            qCInfo(lcSandbox) << "removed" << removed
                              << "staging folders left by processes that are gone";
    });
    auto dir = std::make_shared<QTemporaryDir>(
        QDir::tempPath() +
        QStringLiteral("/edgedesk-sandbox-%1-XXXXXX").arg(QCoreApplication::applicationPid()));
    if (!dir->isValid())
        return makeError(
            QStringLiteral("storage_error"),
            QStringLiteral("cannot create a staging directory: %1").arg(dir->errorString()));
    // bwrap may run as an unprivileged host uid and must be able to read what it binds.
    QFile::setPermissions(dir->path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                           QFileDevice::ExeOwner | QFileDevice::ReadGroup |
                                           QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                           QFileDevice::ExeOther);
    return dir;
}

void Sandbox::setHostEtcDirectory(const QString &path)
{
    hostEtcRoot() = path.isEmpty() ? QStringLiteral("/etc") : path;
}

Result<std::shared_ptr<QTemporaryDir>> Sandbox::sharedStaging(const QList<StagedFile> &files,
                                                             bool network)
{
    // Sandboxes with the same generated files share one read-only staging folder for the life
    // of the process: creating and deleting four files per command on the host's file system
    // (ext4 inode allocation) cost command-runner more CPU than the rest of a start.
    // The folder holds a whole /etc (the generated files plus copies of the host entries in
    // copiedHostEtcEntries()), bound with one --ro-bind: bubblewrap rereads the growing
    // /proc/self/mountinfo for every bind it makes, so each bind saved counts. The copies are
    // restaged when the host's entries change (their lstat fingerprint is part of the key).
    static QMutex mutex;
    static QHash<QByteArray, std::shared_ptr<QTemporaryDir>> cache;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 newestChangeSec = 0;
    hash.addData(hostEtcRoot().toUtf8() + '\0' + hostEtcFingerprint(network, &newestChangeSec) +
                 '\0');
    hash.addData(QByteArray(network ? "network\0" : "isolated\0", 9));
    for (const StagedFile &file : files) {
        hash.addData(file.name.toUtf8() + '\0' + file.destination.toUtf8() + '\0');
        hash.addData(QByteArray::number(file.content.size()) + '\0' + file.content);
    }
    const QByteArray key = hash.result();
    QMutexLocker lock(&mutex);
    if (auto it = cache.constFind(key); it != cache.constEnd() && QFileInfo::exists((*it)->path()))
        return *it;
    auto dir = newStagingDir();
    if (!dir.ok())
        return dir.error();
    const QString staging = (*dir)->path();
    const QString etc = staging + QStringLiteral("/etc");
    if (::mkdir(QFile::encodeName(etc).constData(), 0755) != 0)
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot create %1: %2").arg(etc, qt_error_string(errno)));
    if (Status copied = copyHostEtc(etc, network); !copied.ok())
        return copied.error();
    for (const StagedFile &staged : files) {
        const QString path = inStagedEtc(staged.destination)
                                 ? staging + staged.destination
                                 : staging + QLatin1Char('/') + staged.name;
        QFile::remove(path); // a generated file replaces a copied host entry of that name
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(staged.content) != staged.content.size())
            return makeError(
                QStringLiteral("storage_error"),
                QStringLiteral("cannot stage %1: %2").arg(staged.destination, file.errorString()));
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                            QFileDevice::ReadGroup | QFileDevice::ReadOther);
    }
    // File times have a coarse clock: a host entry changed again within the same tick would
    // keep its fingerprint. A copy made while the entries are that fresh serves this sandbox
    // only; the next ones copy again until the host has been quiet for a moment.
    const qint64 nowSec = QDateTime::currentSecsSinceEpoch();
    if (newestChangeSec >= nowSec - 2)
        return *dir;
    if (cache.size() >= 64)
        cache.clear(); // sandboxes still running keep their folders alive
    cache.insert(key, *dir);
    return *dir;
}

Sandbox::Sandbox(SandboxSpec spec, SandboxProbe probe, Mode mode)
    : m_spec(std::move(spec)), m_probe(std::move(probe)), m_mode(mode)
{
    if (::geteuid() != 0) {
        // Only root can switch identities; anyone else runs bwrap as themselves.
        m_spec.hostUid.reset();
        m_spec.hostGid.reset();
    }
}

QString Sandbox::stagingPath() const
{
    return m_staging ? m_staging->path() : QString();
}

Sandbox::~Sandbox()
{
    killAll();
    removeCgroup();
}

QList<Sandbox::StagedFile> Sandbox::stagedFiles(const SandboxSpec &spec)
{
    const QByteArray user = spec.userName.toUtf8();
    const QByteArray uid = QByteArray::number(spec.uid);
    const QByteArray gid = QByteArray::number(spec.gid);
    QList<StagedFile> files;
    files.append({QStringLiteral("passwd"), QStringLiteral("/etc/passwd"),
                  user + ":x:" + uid + ':' + gid + "::" + spec.workingDirectory.toUtf8() +
                      ":/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"});
    files.append({QStringLiteral("group"), QStringLiteral("/etc/group"),
                  user + ":x:" + gid + ":\nnogroup:x:65534:\n"});
    files.append({QStringLiteral("hosts"), QStringLiteral("/etc/hosts"),
                  "127.0.0.1\tlocalhost\n127.0.1.1\t" + spec.hostname.toUtf8() +
                      "\n::1\tlocalhost ip6-localhost ip6-loopback\n"});
    if (spec.network) {
        const QByteArray resolv = readSmallFile(QStringLiteral("/etc/resolv.conf"));
        if (!resolv.isEmpty())
            files.append(
                {QStringLiteral("resolv.conf"), QStringLiteral("/etc/resolv.conf"), resolv});
    }
    int index = 0;
    for (auto it = spec.files.cbegin(); it != spec.files.cend(); ++it)
        files.append({QStringLiteral("file-%1").arg(index++), it.key(), it.value()});
    return files;
}

QStringList Sandbox::bwrapArguments(const SandboxSpec &spec, const QString &stagingDir,
                                    bool disableUserns)
{
    QStringList args;
    args << QStringLiteral("--unshare-user") << QStringLiteral("--uid") << QString::number(spec.uid)
         << QStringLiteral("--gid") << QString::number(spec.gid) << QStringLiteral("--unshare-pid")
         << QStringLiteral("--unshare-ipc") << QStringLiteral("--unshare-uts")
         << QStringLiteral("--unshare-cgroup-try");
    if (!spec.network)
        args << QStringLiteral("--unshare-net");
    if (disableUserns)
        args << QStringLiteral("--disable-userns");
    args << QStringLiteral("--die-with-parent") << QStringLiteral("--new-session")
         << QStringLiteral("--cap-drop") << QStringLiteral("ALL") << QStringLiteral("--hostname")
         << spec.hostname;

    args << QStringLiteral("--clearenv");
    QMap<QString, QString> environment = spec.environment;
    environment.insert(QStringLiteral("PATH"),
                       environment.value(QStringLiteral("PATH"), QLatin1String(kDefaultPath)));
    environment.insert(QStringLiteral("HOME"),
                       environment.value(QStringLiteral("HOME"), spec.workingDirectory));
    environment.insert(QStringLiteral("USER"),
                       environment.value(QStringLiteral("USER"), spec.userName));
    environment.insert(QStringLiteral("LOGNAME"),
                       environment.value(QStringLiteral("LOGNAME"), spec.userName));
    environment.insert(QStringLiteral("SHELL"),
                       environment.value(QStringLiteral("SHELL"), QStringLiteral("/bin/sh")));
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        args << QStringLiteral("--setenv") << it.key() << it.value();

    // Read-only system: /usr, the merged-/usr symlinks (or the real directories on systems
    // without merged /usr), and the few /etc entries programs break without.
    args << QStringLiteral("--ro-bind") << QStringLiteral("/usr") << QStringLiteral("/usr");
    // The host's layout does not change while we run: looked at once (about 20 system calls).
    static const QStringList rootLinks = [] {
        QStringList result;
        for (const char *name : {"bin", "sbin", "lib", "lib64", "lib32", "libx32"}) {
            const QString path = QLatin1Char('/') + QLatin1String(name);
            const QFileInfo info(path);
            if (info.isSymLink())
                result << QStringLiteral("--symlink") << info.symLinkTarget() << path;
            else if (info.isDir())
                result << QStringLiteral("--ro-bind") << path << path;
        }
        return result;
    }();
    args << rootLinks;
    args << QStringLiteral("--proc") << QStringLiteral("/proc") << QStringLiteral("--dev")
         << QStringLiteral("/dev") << QStringLiteral("--tmpfs") << QStringLiteral("/tmp");
    // One read-only /etc prepared by prepare() (see sharedStaging()): the generated files and
    // copies of the few host entries programs break without.
    args << QStringLiteral("--ro-bind") << stagingDir + QStringLiteral("/etc")
         << QStringLiteral("/etc");
    if (spec.network) {
        for (const QString &path : {QStringLiteral("/etc/ssl"), QStringLiteral("/etc/ca-certificates")})
            args << QStringLiteral("--ro-bind-try") << path << path;
    }
    const QList<StagedFile> files = stagedFiles(spec);
    for (const StagedFile &file : files) {
        if (!inStagedEtc(file.destination))
            args << QStringLiteral("--ro-bind") << stagingDir + QLatin1Char('/') + file.name
                 << file.destination;
    }

    for (const SandboxBind &bind : spec.binds) {
        QString option = bind.writable ? QStringLiteral("--bind") : QStringLiteral("--ro-bind");
        if (bind.optional)
            option += QStringLiteral("-try");
        args << option << bind.source << bind.destination;
    }

    args << QStringLiteral("--chdir") << spec.workingDirectory;
    args << QStringLiteral("--") << spec.program;
    args << spec.arguments;
    return args;
}

QStringList Sandbox::unsandboxedEnvironment() const
{
    QMap<QString, QString> environment = m_spec.environment;
    environment.insert(QStringLiteral("PATH"),
                       environment.value(QStringLiteral("PATH"), QLatin1String(kDefaultPath)));
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

Status Sandbox::prepare()
{
    if (m_mode == Mode::Bubblewrap && m_probe.bwrapPath.isEmpty())
        return makeError(QStringLiteral("unavailable"), QStringLiteral("bwrap is not installed"));

    if (m_mode == Mode::Bubblewrap) {
        auto staging = sharedStaging(stagedFiles(m_spec), m_spec.network);
        if (!staging.ok())
            return staging.error();
        m_staging = std::move(*staging);
    } else {
        auto staging = newStagingDir();
        if (!staging.ok())
            return staging.error();
        m_staging = std::move(*staging);
        m_workDir = m_staging->path() + QStringLiteral("/work");
        if (!QDir().mkpath(m_workDir))
            return makeError(
                QStringLiteral("storage_error"),
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
    }

    if (m_probe.containment == Containment::CgroupV1 ||
        m_probe.containment == Containment::CgroupV2) {
        const QString name = QStringLiteral("edgedesk-%1-%2")
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(g_cgroupSequence.fetch_add(1));
        const QString path = m_probe.cgroupParent + QLatin1Char('/') + name;
        if (::mkdir(QFile::encodeName(path).constData(), 0755) != 0)
            return makeError(
                QStringLiteral("storage_error"),
                QStringLiteral("cannot create cgroup %1: %2").arg(path, qt_error_string(errno)));
        m_cgroup = path;
        Status limited = writeControlFile(path + QStringLiteral("/pids.max"),
                                          QByteArray::number(m_spec.limits.maxProcesses));
        if (!limited.ok())
            return limited;
        if (m_probe.containment == Containment::CgroupV2 && m_probe.cgroupMemory &&
            m_spec.limits.memoryBytes > 0) {
            limited = writeControlFile(path + QStringLiteral("/memory.max"),
                                       QByteArray::number(m_spec.limits.memoryBytes));
            if (!limited.ok())
                return limited;
            // Without this the memory limit would be dodged by swapping.
            (void)writeControlFile(path + QStringLiteral("/memory.swap.max"), "0");
        }
    }
    return Ok{};
}

void Sandbox::configure(QProcess &process)
{
    ChildSetup setup;
    setup.limits = m_spec.limits;
    if (!m_cgroup.isEmpty() && m_probe.containment == Containment::CgroupV1) {
        // Moving a whole thread group (cgroup.procs) takes the kernel's global
        // cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period: 10-15 ms
        // per command when the writes are spaced out, with the forking slot thread blocked
        // (vfork) all along. The forked child is single-threaded, so moving just its calling
        // thread through v1's "tasks" file, written as "0" (= the writer itself), puts the
        // whole process there, and the kernel skips that lock for it.
        setup.cgroupJoin = QFile::encodeName(m_cgroup + QStringLiteral("/tasks"));
        setup.joinAsCurrentThread = true;
    } else if (!m_cgroup.isEmpty()) {
        setup.cgroupJoin = QFile::encodeName(m_cgroup + QStringLiteral("/cgroup.procs"));
    }
    if (m_spec.hostUid) {
        setup.switchIds = true;
        setup.hostUid = *m_spec.hostUid;
        setup.hostGid = m_spec.hostGid.value_or(*m_spec.hostUid);
    }
    if (m_cgroup.isEmpty()) {
        if (setup.switchIds)
            setup.nprocLimit = m_spec.limits.maxProcesses;
        else
            setup.nprocLimit = countTasksOfUid(::getuid()) + m_spec.limits.maxProcesses;
    }

    if (m_mode == Mode::Bubblewrap) {
        process.setProgram(m_probe.bwrapPath);
        process.setArguments(bwrapArguments(m_spec, m_staging ? m_staging->path() : QString(),
                                            m_probe.disableUserns));
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("PATH"), QLatin1String(kDefaultPath));
        process.setProcessEnvironment(environment);
        process.setWorkingDirectory(QStringLiteral("/"));
    } else {
        process.setProgram(m_spec.program);
        process.setArguments(m_spec.arguments);
        process.setEnvironment(unsandboxedEnvironment());
        process.setWorkingDirectory(m_workDir);
    }
    process.setStandardInputFile(QProcess::nullDevice());
    process.setChildProcessModifier([setup]() { runChildSetup(setup); });
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
    if (!m_cgroup.isEmpty())
        killCgroup(m_cgroup);
}

void Sandbox::removeCgroup()
{
    if (m_cgroup.isEmpty())
        return;
    const QString cgroup = std::exchange(m_cgroup, QString());
    // Killed tasks leave the cgroup only once the kernel has torn them down, and bubblewrap's
    // pid-1 process, which outlives the bwrap that QProcess waited for, is reaped by the host's
    // init: right after a command the cgroup is nearly always still busy. One try here; then a
    // pool thread keeps trying, so that the caller's thread (command-runner's slot thread, whose
    // answer waits for this) never sleeps on it.
    if (removeCgroupDirectory(cgroup))
        return;
    const int error = errno;
    if (error != EBUSY) {
        qCWarning(lcSandbox) << "could not remove cgroup" << cgroup << qt_error_string(error);
        return;
    }
    QThreadPool::globalInstance()->start([cgroup] {
        int error = 0;
        for (int attempt = 0; attempt < 200; ++attempt) {
            if (removeCgroupDirectory(cgroup))
                return;
            error = errno;
            if (error != EBUSY)
                break;
            killCgroup(cgroup);
            QThread::usleep(5000);
        }
        qCWarning(lcSandbox) << "could not remove cgroup" << cgroup << qt_error_string(error);
    });
}

void Sandbox::killCgroup(const QString &cgroup)
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

bool Sandbox::removeCgroupDirectory(const QString &cgroup)
{
    const QByteArray native = QFile::encodeName(cgroup);
    return ::rmdir(native.constData()) == 0 || errno == ENOENT;
}

SandboxProbe Sandbox::probe(std::optional<quint32> hostUid)
{
    SandboxProbe probe;
    detectContainment(probe);

    probe.bwrapPath = QStandardPaths::findExecutable(QStringLiteral("bwrap"));
    if (probe.bwrapPath.isEmpty()) {
        probe.error = QStringLiteral("bubblewrap (bwrap) is not installed or not in PATH");
        return probe;
    }
    QByteArray output;
    if (!runQuietly(probe.bwrapPath, {QStringLiteral("--version")}, &output)) {
        probe.error =
            QStringLiteral("`bwrap --version` failed: %1").arg(QString::fromUtf8(output).trimmed());
        return probe;
    }
    probe.version = QString::fromUtf8(output).trimmed();
    (void)runQuietly(probe.bwrapPath, {QStringLiteral("--help")}, &output);
    probe.disableUserns = output.contains("--disable-userns");

    const auto trial = [&probe](std::optional<quint32> uid, QString *error) {
        SandboxSpec spec;
        spec.program = QStringLiteral("/bin/sh");
        spec.arguments = {QStringLiteral("-c"), QStringLiteral("exit 0")};
        spec.hostUid = uid;
        spec.hostGid = uid;
        Sandbox sandbox(spec, probe);
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
    };

    QString error;
    const bool root = ::geteuid() == 0;
    if (hostUid && root) {
        if (trial(hostUid, &error)) {
            probe.usable = true;
            probe.hostUidWorks = true;
            return probe;
        }
        qCWarning(lcSandbox) << "bwrap cannot run as host uid" << *hostUid << ":" << error;
    }
    if (trial(std::nullopt, &error)) {
        probe.usable = true;
        return probe;
    }
    if (probe.containment == Containment::CgroupV1 || probe.containment == Containment::CgroupV2) {
        // Maybe the cgroup is what fails: try once more with the rlimit fallback.
        const SandboxProbe withCgroup = probe;
        probe.containment = root ? Containment::DedicatedUid : Containment::SharedUid;
        probe.cgroupParent.clear();
        QString second;
        if (trial(std::nullopt, &second)) {
            qCWarning(lcSandbox) << "sandbox cannot use cgroup" << withCgroup.cgroupParent << ":"
                                 << error;
            probe.usable = true;
            return probe;
        }
        probe = withCgroup;
    }
    probe.error = QStringLiteral("bwrap cannot create a sandbox: %1").arg(error);
    return probe;
}

} // namespace edgedesk
