#include "containers/sandbox.h"
#include "containers/sandboxarguments.h"
#include "programprocess.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <cerrno>
#include <cstdio>
#include <signal.h>
#include <utime.h>

#include <unistd.h>

using namespace edgedesk;
using namespace edgedesk::test;

// The Sandbox class on its own: the bwrap command line it builds, and the way the container
// manager uses it — a long-running program (api-backend) in its own sandbox.
class TestSandbox final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void argumentsIsolateByDefault();
    void argumentsWithNetworkAndBinds();
    void stagedFilesNameTheSandboxUser();
    void stagedEtcCopiesAndFollowsTheHost();
    void staleStagingFoldersAreRemoved();
    void sandboxSeesTheStagedEtc();
    void probeFindsBwrapAndAProcessCap();
    void runsApiBackendInItsOwnSandbox();
    void killAllEndsTheSandbox();
    void recycledCgroupServesOneSandboxAtATime();
    void rlimitFallbackCapsProcesses();
    void memoryCgroupBoundsTheSandbox();
    void tmpfsGetsItsSize();
    void pidOneShowsNoHostPath();
    void runsInAnImageRoot();

private:
    SandboxHost m_host;
    SandboxProbe m_probe;
};

namespace {

// The value following option (first occurrence), or empty.
QStringList valuesAfter(const QStringList &args, const QString &option, int count)
{
    const qsizetype at = args.indexOf(option);
    if (at < 0 || at + count >= args.size())
        return {};
    return args.mid(at + 1, count);
}

// A probe with the bwrap options given, for the command line alone.
SandboxProbe bwrapWith(bool disableUserns)
{
    SandboxProbe probe;
    probe.disableUserns = disableUserns;
    return probe;
}

// Whether this process's cgroup in the usual v1 memory hierarchy is one it may make children
// in: looked at without the sandbox's own code.
bool v1MemoryControllerWritable()
{
    QFile cgroups(QStringLiteral("/proc/self/cgroup"));
    if (!cgroups.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : cgroups.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split(':');
        if (fields.size() != 3 || fields[0] == "0" || !fields[1].split(',').contains("memory"))
            continue;
        const QString dir = QStringLiteral("/sys/fs/cgroup/memory") + QString::fromUtf8(fields[2]);
        return QFileInfo::exists(dir + QStringLiteral("/memory.limit_in_bytes")) &&
               ::access(QFile::encodeName(dir).constData(), W_OK) == 0;
    }
    return false;
}

// A program run to its end in a sandbox.
struct SandboxRun
{
    bool prepared = false;
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

SandboxRun runToEnd(SandboxHost &host, const SandboxSpec &spec, int timeoutMs = 10000)
{
    SandboxRun run;
    Sandbox sandbox(host, spec);
    run.prepared = sandbox.prepare().ok();
    if (!run.prepared)
        return run;
    QProcess process;
    sandbox.configure(process);
    process.start();
    run.finished = process.waitForFinished(timeoutMs);
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray("<missing>");
}

bool containsSequence(const QStringList &args, const QStringList &sequence)
{
    for (qsizetype i = 0; i + sequence.size() <= args.size(); ++i) {
        if (args.mid(i, sequence.size()) == sequence)
            return true;
    }
    return false;
}

} // namespace

void TestSandbox::initTestCase()
{
    // As root, also try bwrap as an unprivileged host uid (what command-runner does).
    m_probe = m_host.runProbe(::geteuid() == 0 ? std::optional<quint32>(3999990) : std::nullopt);
}

void TestSandbox::argumentsIsolateByDefault()
{
    SandboxSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), QStringLiteral("echo hi")};
    const QStringList args = SandboxArguments::bwrap(spec, QStringLiteral("/staging"), bwrapWith(true));

    for (const char *flag : {"--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                             "--unshare-cgroup-try", "--unshare-net", "--disable-userns",
                             "--die-with-parent", "--new-session", "--clearenv"})
        QVERIFY2(args.contains(QLatin1String(flag)), flag);
    QCOMPARE(valuesAfter(args, QStringLiteral("--uid"), 1), QStringList{QStringLiteral("1000")});
    QCOMPARE(valuesAfter(args, QStringLiteral("--gid"), 1), QStringList{QStringLiteral("1000")});
    QCOMPARE(valuesAfter(args, QStringLiteral("--cap-drop"), 1),
             QStringList{QStringLiteral("ALL")});
    QCOMPARE(valuesAfter(args, QStringLiteral("--hostname"), 1),
             QStringList{QStringLiteral("sandbox")});
    QVERIFY(containsSequence(
        args, {QStringLiteral("--ro-bind"), QStringLiteral("/usr"), QStringLiteral("/usr")}));
    QVERIFY(containsSequence(args, {QStringLiteral("--proc"), QStringLiteral("/proc")}));
    QVERIFY(containsSequence(args, {QStringLiteral("--dev"), QStringLiteral("/dev")}));
    QVERIFY(containsSequence(args, {QStringLiteral("--tmpfs"), QStringLiteral("/tmp")}));
    QVERIFY(containsSequence(args, {QStringLiteral("--chdir"), QStringLiteral("/tmp")}));
    QVERIFY(containsSequence(
        args, {QStringLiteral("--setenv"), QStringLiteral("HOME"), QStringLiteral("/tmp")}));
    // The whole /etc is one read-only staged folder (generated files plus copies of the host
    // entries); nothing of the host's /etc is bound directly.
    QVERIFY(containsSequence(args, {QStringLiteral("--ro-bind"), QStringLiteral("/staging/etc"),
                                    QStringLiteral("/etc")}));
    QCOMPARE(args.count(QStringLiteral("/etc")), 1);
    for (const QString &arg : args)
        QVERIFY2(!arg.startsWith(QLatin1String("/etc/")), qPrintable(arg));
    QVERIFY(!args.contains(QStringLiteral("/etc/resolv.conf")));
    if (QFileInfo(QStringLiteral("/bin")).isSymLink())
        QVERIFY(containsSequence(args, {QStringLiteral("--symlink"), QStringLiteral("/usr/bin"),
                                        QStringLiteral("/bin")}));
    // The command comes last, after "--", verbatim.
    QCOMPARE(args.mid(args.size() - 4),
             (QStringList{QStringLiteral("--"), QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                          QStringLiteral("echo hi")}));
    // Nothing of the host's own files beyond the system is visible.
    QVERIFY(!args.contains(QStringLiteral("/home")));
    QVERIFY(!args.contains(QStringLiteral("/root")));
}

void TestSandbox::argumentsWithNetworkAndBinds()
{
    SandboxSpec spec;
    spec.program = QStringLiteral("/opt/edgedesk/api-backend");
    spec.network = true;
    spec.environment = {{QStringLiteral("PORT"), QStringLiteral("9000")}};
    spec.binds = {{QStringLiteral("/opt/edgedesk/api-backend"),
                   QStringLiteral("/opt/edgedesk/api-backend"), false, false},
                  {QStringLiteral("/var/lib/x"), QStringLiteral("/data"), true, false},
                  {QStringLiteral("/maybe"), QStringLiteral("/maybe"), false, true}};
    const QStringList args = SandboxArguments::bwrap(spec, QStringLiteral("/staging"), bwrapWith(false));
    QVERIFY(!args.contains(QStringLiteral("--unshare-net")));
    QVERIFY(!args.contains(QStringLiteral("--disable-userns")));
    QVERIFY(containsSequence(
        args, {QStringLiteral("--setenv"), QStringLiteral("PORT"), QStringLiteral("9000")}));
    QVERIFY(containsSequence(args, {QStringLiteral("--ro-bind"),
                                    QStringLiteral("/opt/edgedesk/api-backend"),
                                    QStringLiteral("/opt/edgedesk/api-backend")}));
    QVERIFY(containsSequence(
        args, {QStringLiteral("--bind"), QStringLiteral("/var/lib/x"), QStringLiteral("/data")}));
    QVERIFY(containsSequence(args, {QStringLiteral("--ro-bind-try"), QStringLiteral("/maybe"),
                                    QStringLiteral("/maybe")}));
    // With network the certificate trees are bound on top of the staged /etc.
    QVERIFY(containsSequence(args, {QStringLiteral("--ro-bind"), QStringLiteral("/staging/etc"),
                                    QStringLiteral("/etc")}));
    QVERIFY(containsSequence(args, {QStringLiteral("--ro-bind-try"), QStringLiteral("/etc/ssl"),
                                    QStringLiteral("/etc/ssl")}));
    QVERIFY(args.indexOf(QStringLiteral("/etc/ssl")) > args.indexOf(QStringLiteral("/etc")));
    QCOMPARE(args.last(), QStringLiteral("/opt/edgedesk/api-backend"));
}

void TestSandbox::stagedFilesNameTheSandboxUser()
{
    SandboxSpec spec;
    spec.files.insert(QStringLiteral("/etc/edgedesk.conf"), "x=1\n");
    QList<SandboxEtc::StagedFile> files = SandboxEtc::stagedFiles(spec);
    QMap<QString, QByteArray> byDestination;
    for (const auto &file : files)
        byDestination.insert(file.destination, file.content);
    QVERIFY(byDestination.value(QStringLiteral("/etc/passwd"))
                .startsWith("sandbox:x:1000:1000::/tmp:/bin/sh\n"));
    QVERIFY(byDestination.value(QStringLiteral("/etc/group")).startsWith("sandbox:x:1000:\n"));
    QVERIFY(byDestination.value(QStringLiteral("/etc/hosts")).contains("127.0.0.1\tlocalhost"));
    QCOMPARE(byDestination.value(QStringLiteral("/etc/edgedesk.conf")), QByteArray("x=1\n"));
    QVERIFY(!byDestination.contains(QStringLiteral("/etc/resolv.conf")));

    spec.network = true;
    files = SandboxEtc::stagedFiles(spec);
    bool resolv = false;
    for (const auto &file : files)
        resolv = resolv || file.destination == QLatin1String("/etc/resolv.conf");
    QCOMPARE(resolv, QFileInfo::exists(QStringLiteral("/etc/resolv.conf")));
}

void TestSandbox::stagedEtcCopiesAndFollowsTheHost()
{
    // A stand-in for the host's /etc, changed the way dpkg, update-alternatives and ldconfig
    // change theirs.
    QTemporaryDir hostEtc;
    QVERIFY(hostEtc.isValid());
    const QString etc = hostEtc.path();
    QVERIFY(QDir(etc).mkdir(QStringLiteral("alternatives")));
    QVERIFY(QFile::link(QStringLiteral("/usr/bin/mawk"), etc + QStringLiteral("/alternatives/awk")));
    QVERIFY(QFile::link(QStringLiteral("/usr/share/zoneinfo/Etc/UTC"),
                        etc + QStringLiteral("/localtime")));
    const auto writeFile = [](const QString &path, const QByteArray &content) {
        // Written next to it and renamed over, like ldconfig does.
        QFile file(path + QStringLiteral(".new"));
        return file.open(QIODevice::WriteOnly) && file.write(content) == content.size() &&
               (file.close(), ::rename(QFile::encodeName(file.fileName()).constData(),
                                       QFile::encodeName(path).constData()) == 0);
    };
    QVERIFY(writeFile(etc + QStringLiteral("/ld.so.cache"), "cache one"));
    QVERIFY(writeFile(etc + QStringLiteral("/shadow"), "secret")); // never copied

    // Copies of entries changed within the last seconds are not reused (coarse file times):
    // let these settle so that reuse can be checked.
    QThread::sleep(3);
    SandboxHost host({QDir::tempPath(), etc});
    SandboxProbe probe = m_probe;
    probe.bwrapPath = QStringLiteral("/usr/bin/bwrap"); // prepare() only checks it is set
    probe.containment = Containment::SharedUid;         // no cgroup needed here
    probe.cgroupParent.clear();
    probe.memoryCgroupParent.clear();
    host.setProbe(probe);
    SandboxSpec spec;
    spec.files.insert(QStringLiteral("/etc/edgedesk.conf"), "x=1\n");
    spec.files.insert(QStringLiteral("/opt/data/conf"), "y=2\n");
    const auto readAll = [](const QString &path) {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
    };

    Sandbox first(host, spec);
    QVERIFY(first.prepare().ok());
    const QString staged = first.stagingPath() + QStringLiteral("/etc");
    QCOMPARE(QFileInfo(staged + QStringLiteral("/alternatives/awk")).symLinkTarget(),
             QStringLiteral("/usr/bin/mawk"));
    QCOMPARE(QFileInfo(staged + QStringLiteral("/localtime")).symLinkTarget(),
             QStringLiteral("/usr/share/zoneinfo/Etc/UTC"));
    QCOMPARE(readAll(staged + QStringLiteral("/ld.so.cache")), QByteArray("cache one"));
    QVERIFY(readAll(staged + QStringLiteral("/passwd")).startsWith("sandbox:x:1000:1000:"));
    QVERIFY(readAll(staged + QStringLiteral("/group")).startsWith("sandbox:x:1000:"));
    QVERIFY(readAll(staged + QStringLiteral("/hosts")).contains("localhost"));
    QCOMPARE(readAll(staged + QStringLiteral("/edgedesk.conf")), QByteArray("x=1\n"));
    QVERIFY(!QFileInfo::exists(staged + QStringLiteral("/shadow")));
    QVERIFY(!QFileInfo::exists(staged + QStringLiteral("/resolv.conf")));
    // Minimal: nothing else.
    QCOMPARE(QDir(staged).entryList(QDir::AllEntries | QDir::System | QDir::Hidden |
                                    QDir::NoDotAndDotDot),
             (QStringList{QStringLiteral("alternatives"), QStringLiteral("edgedesk.conf"),
                          QStringLiteral("group"), QStringLiteral("hosts"),
                          QStringLiteral("ld.so.cache"), QStringLiteral("localtime"),
                          QStringLiteral("passwd")}));
    // Read-only for everybody but its owner (root: the sandbox user is not).
    QCOMPARE(QFileInfo(staged).permissions() &
                 (QFileDevice::WriteGroup | QFileDevice::WriteOther),
             QFileDevice::Permissions());
    // A file meant outside /etc keeps a bind of its own.
    const QStringList args = SandboxArguments::bwrap(spec, first.stagingPath(), m_probe);
    QVERIFY(args.contains(QStringLiteral("/opt/data/conf")));

    // Unchanged host: the same staged folder is reused.
    Sandbox same(host, spec);
    QVERIFY(same.prepare().ok());
    QCOMPARE(same.stagingPath(), first.stagingPath());

    // The host changes: a new alternative, a new ld.so.cache, another time zone. The next
    // sandbox gets a fresh copy; the running one keeps its own.
    QVERIFY(QFile::link(QStringLiteral("/usr/bin/vim.basic"), etc + QStringLiteral("/alternatives/vi")));
    QVERIFY(writeFile(etc + QStringLiteral("/ld.so.cache"), "cache two"));
    QVERIFY(QFile::remove(etc + QStringLiteral("/localtime")));
    QVERIFY(QFile::link(QStringLiteral("/usr/share/zoneinfo/Europe/Paris"),
                        etc + QStringLiteral("/localtime")));
    Sandbox refreshed(host, spec);
    QVERIFY(refreshed.prepare().ok());
    QVERIFY(refreshed.stagingPath() != first.stagingPath());
    // Changed just now: this copy is not reused, the next sandbox copies again.
    Sandbox again(host, spec);
    QVERIFY(again.prepare().ok());
    QVERIFY(again.stagingPath() != refreshed.stagingPath());
    const QString fresh = refreshed.stagingPath() + QStringLiteral("/etc");
    QCOMPARE(QFileInfo(fresh + QStringLiteral("/alternatives/vi")).symLinkTarget(),
             QStringLiteral("/usr/bin/vim.basic"));
    QCOMPARE(readAll(fresh + QStringLiteral("/ld.so.cache")), QByteArray("cache two"));
    QCOMPARE(QFileInfo(fresh + QStringLiteral("/localtime")).symLinkTarget(),
             QStringLiteral("/usr/share/zoneinfo/Europe/Paris"));
    QCOMPARE(readAll(staged + QStringLiteral("/ld.so.cache")), QByteArray("cache one"));

    // A removed entry disappears from the next copy.
    QVERIFY(QFile::remove(etc + QStringLiteral("/alternatives/awk")));
    Sandbox removed(host, spec);
    QVERIFY(removed.prepare().ok());
    QVERIFY(!QFileInfo(removed.stagingPath() + QStringLiteral("/etc/alternatives/awk")).isSymLink());
    QVERIFY(QFileInfo(removed.stagingPath() + QStringLiteral("/etc/alternatives/vi")).isSymLink());
}

void TestSandbox::sandboxSeesTheStagedEtc()
{
    if (!m_probe.usable)
        QSKIP("no usable bubblewrap here");
    SandboxSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {
        QStringLiteral("-c"),
        QStringLiteral("ls /etc; awk 'BEGIN { print 6 * 7 }'; id -un; touch /etc/x 2>/dev/null "
                       "&& echo writable; cat /etc/shadow 2>/dev/null; readlink /etc/localtime "
                       ">/dev/null && echo localtime")};
    const SandboxRun run = runToEnd(m_host, spec);
    QVERIFY(run.prepared && run.finished);
    const QByteArray output = run.out;
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QStringList expected = {QStringLiteral("alternatives"), QStringLiteral("group"),
                            QStringLiteral("hosts")};
    if (QFileInfo::exists(QStringLiteral("/etc/ld.so.cache")))
        expected << QStringLiteral("ld.so.cache");
    if (QFileInfo(QStringLiteral("/etc/localtime")).isSymLink() ||
        QFileInfo::exists(QStringLiteral("/etc/localtime")))
        expected << QStringLiteral("localtime");
    expected << QStringLiteral("passwd") << QStringLiteral("42") << QStringLiteral("sandbox");
    if (expected.contains(QStringLiteral("localtime")))
        expected << QStringLiteral("localtime");
    QCOMPARE(QString::fromUtf8(output).split(QLatin1Char('\n'), Qt::SkipEmptyParts), expected);
}

void TestSandbox::probeFindsBwrapAndAProcessCap()
{
    if (m_probe.bwrapPath.isEmpty())
        QSKIP("bubblewrap is not installed");
    QVERIFY2(m_probe.usable, qPrintable(m_probe.error));
    QVERIFY(m_probe.version.startsWith(QLatin1String("bubblewrap ")));
    const QString description = m_probe.describeContainment(64, std::nullopt);
    QVERIFY2(description.contains(QLatin1String("64")) ||
                 description.contains(QLatin1String("rlimit-nproc")),
             qPrintable(description));
    if (m_probe.containment == Containment::CgroupV1 ||
        m_probe.containment == Containment::CgroupV2)
        QVERIFY(QFileInfo(m_probe.cgroupParent).isDir());
}

void TestSandbox::runsApiBackendInItsOwnSandbox()
{
    if (!m_probe.usable)
        QSKIP("no usable bubblewrap here");
    const QString binary = QFileInfo(program(QStringLiteral("api-backend"))).canonicalFilePath();
    QVERIFY2(QFileInfo::exists(binary), qPrintable(binary));
    const quint16 port = freePort();

    SandboxSpec spec;
    spec.program = binary;
    spec.network = true; // the manager's proxy reaches it on the host's loopback
    spec.environment = {{QStringLiteral("PORT"), QString::number(port)},
                        {QStringLiteral("INSTANCE_ID"), QStringLiteral("instance-2")}};
    spec.binds = {{binary, binary, false, false}};
    spec.limits.maxProcesses = 128; // Qt's thread pool counts against pids.max

    QString cgroup;
    {
        Sandbox sandbox(m_host, spec);
        const Status prepared = sandbox.prepare();
        QVERIFY2(prepared.ok(), prepared.ok() ? "" : qPrintable(prepared.error().message));
        cgroup = sandbox.cgroupPath();
        if (!cgroup.isEmpty()) {
            QVERIFY(QFileInfo(cgroup).isDir());
            QFile pidsMax(cgroup + QStringLiteral("/pids.max"));
            QVERIFY(pidsMax.open(QIODevice::ReadOnly));
            QCOMPARE(pidsMax.readAll().trimmed(), QByteArray("128"));
        }

        QProcess process;
        sandbox.configure(process);
        process.start();
        QVERIFY(process.waitForStarted(5000));
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT(
            (output += process.readAllStandardOutput()).contains("listening on"), 15000);
        QVERIFY(output.contains("listening on 127.0.0.1:" + QByteArray::number(port)));

        const HttpReply api1 = request(port, "GET", "/api/api1");
        QCOMPARE(api1.status, 200);
        QCOMPARE(api1.json().value(QLatin1String("instance")).toString(),
                 QStringLiteral("instance-2"));

        // The process runs inside the sandbox's cgroup and its own pid namespace.
        if (!cgroup.isEmpty()) {
            QFile procs(cgroup + QStringLiteral("/cgroup.procs"));
            QVERIFY(procs.open(QIODevice::ReadOnly));
            QVERIFY(procs.readAll().split('\n').contains(QByteArray::number(process.processId())));
        }

        // A clean stop reaches api-backend itself, and bwrap reports its exit code.
        sandbox.terminate();
        QVERIFY(process.waitForFinished(5000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(process.readAllStandardOutput().contains("api-backend stopped"));
        QCOMPARE(request(port, "GET", "/ping", {}, {}, 2000).status, 0);
    }
    // The sandbox removes its cgroup on destruction: at once if it is empty, else from a pool
    // thread once the kernel has let its last task go.
    if (!cgroup.isEmpty())
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(cgroup), 3000);
}

// A sandbox that recycles its cgroup leaves it, its tasks killed, to the next sandbox of the same
// limits, and only once no task is left in it; while one sandbox holds it no other gets it.
void TestSandbox::recycledCgroupServesOneSandboxAtATime()
{
    if (m_probe.cgroupParent.isEmpty())
        QSKIP("no pids cgroup can be made here");
    SandboxSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), QStringLiteral("sleep 30")};
    QString first;
    QString firstMemory;
    {
        Sandbox sandbox(m_host, spec);
        sandbox.setRecycleCgroup(true);
        QVERIFY(sandbox.prepare().ok());
        first = sandbox.cgroupPath();
        firstMemory = sandbox.memoryCgroupPath();
        QProcess process;
        sandbox.configure(process);
        process.start();
        QVERIFY(process.waitForStarted(5000));
        const SandboxCgroup::Folders held{first, firstMemory, m_probe.containment == Containment::CgroupV1,
                                          spec.limits};
        QTRY_VERIFY_WITH_TIMEOUT(!SandboxCgroup::isIdle(held), 5000);
        sandbox.killAll();
        QVERIFY(process.waitForFinished(5000));
    }
    QVERIFY(QFileInfo(first).isDir()); // kept for the next sandbox, not removed
    const SandboxCgroup::Folders left{first, firstMemory, false, spec.limits};
    QTRY_VERIFY_WITH_TIMEOUT(SandboxCgroup::isIdle(left), 5000);
    {
        Sandbox second(m_host, spec);
        second.setRecycleCgroup(true);
        QVERIFY(second.prepare().ok());
        QCOMPARE(second.cgroupPath(), first);
        QCOMPARE(second.memoryCgroupPath(), firstMemory);
        QCOMPARE(readAll(first + QStringLiteral("/pids.max")), QByteArray::number(spec.limits.maxProcesses));
        // Held by the second: a third sandbox gets a cgroup of its own, as does one of other limits.
        Sandbox third(m_host, spec);
        third.setRecycleCgroup(true);
        QVERIFY(third.prepare().ok());
        QVERIFY(!third.cgroupPath().isEmpty());
        QVERIFY(third.cgroupPath() != first);
    }
}

void TestSandbox::killAllEndsTheSandbox()
{
    if (!m_probe.usable)
        QSKIP("no usable bubblewrap here");
    SandboxSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), QStringLiteral("sleep 200.5 & sleep 200.25")};
    Sandbox sandbox(m_host, spec);
    QVERIFY(sandbox.prepare().ok());
    QProcess process;
    sandbox.configure(process);
    process.start();
    QTRY_COMPARE_WITH_TIMEOUT(countHostProcesses(QStringLiteral("sleep 200.25")), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(countHostProcesses(QStringLiteral("sleep 200.5")), 1, 10000);
    sandbox.killAll();
    QVERIFY(process.waitForFinished(5000));
    QTRY_COMPARE_WITH_TIMEOUT(countHostProcesses(QStringLiteral("sleep 200.25")) +
                                  countHostProcesses(QStringLiteral("sleep 200.5")),
                              0, 5000);
}

void TestSandbox::rlimitFallbackCapsProcesses()
{
    if (!m_probe.usable || !m_probe.hostUidWorks)
        QSKIP("needs root and bwrap working as an unprivileged host uid");
    // What a machine without a usable pids cgroup gets: RLIMIT_NPROC on a uid nothing else uses.
    SandboxProbe withoutCgroup = m_probe;
    withoutCgroup.containment = Containment::DedicatedUid;
    withoutCgroup.cgroupParent.clear();
    withoutCgroup.memoryCgroupParent.clear();
    SandboxSpec spec;
    spec.hostUid = 3999990;
    spec.hostGid = 3999990;
    spec.limits.maxProcesses = 32;
    spec.program = QStringLiteral("/usr/bin/python3");
    spec.arguments = {QStringLiteral("-c"),
                      QStringLiteral("import os, time\nn = 0\nfor i in range(200):\n    try:\n  "
                                     "      pid = os.fork()\n    except OSError:\n        break\n"
                                     "    if pid == 0:\n        time.sleep(2)\n        "
                                     "os._exit(0)\n    n += 1\nprint(n)\n")};
    QCOMPARE(withoutCgroup.describeContainment(32, spec.hostUid),
             QStringLiteral("rlimit-nproc=32 (dedicated uid 3999990)"));
    SandboxHost fallback;
    fallback.setProbe(withoutCgroup);
    {
        Sandbox prepared(fallback, spec); // no cgroup: the rlimit is all there is
        QVERIFY(prepared.prepare().ok());
        QVERIFY(prepared.cgroupPath().isEmpty());
    }
    const SandboxRun run = runToEnd(fallback, spec, 20000);
    QVERIFY(run.prepared && run.finished);
    QCOMPARE(run.exitCode, 0);
    const int forks = run.out.trimmed().toInt();
    QVERIFY2(forks > 4 && forks < 32, qPrintable(QString::number(forks)));
}

// Processes that each stay under the address-space rlimit but together exceed the memory bound
// are stopped by the sandbox's memory cgroup (the kernel's OOM killer, inside the sandbox).
void TestSandbox::memoryCgroupBoundsTheSandbox()
{
    if (!m_probe.usable)
        QSKIP("no usable bubblewrap here");
    if (v1MemoryControllerWritable())
        QVERIFY2(m_probe.memoryCgroup() && m_probe.memoryCgroupV1,
                 "the v1 memory controller is writable here, but the probe does not use it");
    if (!m_probe.memoryCgroup())
        QSKIP("no memory cgroup can be made here");
    SandboxSpec spec;
    spec.program = QStringLiteral("/usr/bin/python3");
    spec.arguments = {QStringLiteral("-c"),
                      QStringLiteral("a = [bytearray(10**7) for i in range(30)]\nprint('allocated')")};
    spec.limits.memoryBytes = qint64(64) << 20;
    spec.limits.addressSpaceBytes = qint64(1) << 30; // only the cgroup can stop it
    Sandbox sandbox(m_host, spec);
    QVERIFY(sandbox.prepare().ok());
    const QString memory = sandbox.memoryCgroupPath();
    QVERIFY(QFileInfo(memory).isDir());
    QCOMPARE(readAll(memory + (m_probe.memoryCgroupV1 ? QStringLiteral("/memory.limit_in_bytes")
                                                     : QStringLiteral("/memory.max"))),
             QByteArray::number(qint64(64) << 20));
    QProcess process;
    sandbox.configure(process);
    process.start();
    QVERIFY(process.waitForFinished(20000));
    QVERIFY(!process.readAllStandardOutput().contains("allocated"));
    QCOMPARE(process.exitCode(), 128 + SIGKILL); // bwrap's report of an OOM-killed program

    // The same program with room enough runs to its end.
    spec.limits.memoryBytes = qint64(512) << 20;
    const SandboxRun roomy = runToEnd(m_host, spec, 20000);
    QVERIFY(roomy.prepared && roomy.finished);
    QCOMPARE(roomy.out, QByteArray("allocated\n"));
}

void TestSandbox::tmpfsGetsItsSize()
{
    if (!m_probe.usable)
        QSKIP("no usable bubblewrap here");
    QVERIFY(m_probe.tmpfsSize); // bubblewrap 0.5.0 and later
    SandboxSpec spec;
    spec.limits.tmpBytes = qint64(8) << 20;
    const QStringList args = SandboxArguments::bwrap(spec, QStringLiteral("/staging"), m_probe);
    QVERIFY(containsSequence(args, {QStringLiteral("--size"), QStringLiteral("8388608"),
                                    QStringLiteral("--tmpfs"), QStringLiteral("/tmp")}));
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), QStringLiteral("df -k /tmp | tail -1 | tr -s ' ' | "
                                                           "cut -d' ' -f2; head -c 9000000 "
                                                           "/dev/zero > /tmp/f && echo fits")};
    const SandboxRun run = runToEnd(m_host, spec);
    QVERIFY(run.prepared && run.finished);
    QCOMPARE(run.out, QByteArray("8192\n"));
    QVERIFY(run.err.contains("No space left on device"));
    QVERIFY(run.exitCode != 0);
}

// bwrap stays the sandbox's pid 1, whose command line everyone inside can read: it names no
// host path (the staging folder, the binds), only the descriptor its arguments came from.
void TestSandbox::pidOneShowsNoHostPath()
{
    if (!m_probe.usable)
        QSKIP("no usable bubblewrap here");
    QVERIFY(m_probe.argsFromFd);
    const QString binary = QFileInfo(program(QStringLiteral("api-backend"))).canonicalFilePath();
    SandboxSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"),
                      QStringLiteral("tr '\\0' ' ' < /proc/1/cmdline; echo; test -x %1 && echo bound")
                          .arg(binary)};
    spec.binds = {{binary, binary, false, false}};
    Sandbox sandbox(m_host, spec);
    QVERIFY(sandbox.prepare().ok());
    QProcess process;
    sandbox.configure(process);
    // The options go through the descriptor; the command, as the sandbox sees it, stays.
    const QStringList command = QStringList{QStringLiteral("--"), spec.program} + spec.arguments;
    QCOMPARE(process.arguments().mid(2), command);
    QCOMPARE(process.arguments().first(), QStringLiteral("--args"));
    process.start();
    QVERIFY(process.waitForFinished(10000));
    const QByteArray output = process.readAllStandardOutput();
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const QList<QByteArray> lines = output.split('\n');
    QCOMPARE(lines.value(0).trimmed(),
             (QStringList{m_probe.bwrapPath, QStringLiteral("--args"), process.arguments().at(1)} +
              command)
                 .join(QLatin1Char(' '))
                 .toUtf8());
    QVERIFY(!output.contains(sandbox.stagingPath().toUtf8()));
    QCOMPARE(lines.value(1), QByteArray("bound"));
}

// An unpacked image as the whole root: its own files and user database, read-only, with the
// sandbox's /proc, /dev, /tmp and generated /etc/hosts over it.
void TestSandbox::runsInAnImageRoot()
{
    if (!m_probe.usable)
        QSKIP("no usable bubblewrap here");
    QTemporaryDir image;
    QVERIFY(image.isValid());
    const QDir root(image.path());
    for (const char *folder : {"usr", "etc", "proc", "dev", "tmp", "srv"})
        QVERIFY(root.mkpath(QLatin1String(folder)));
    // The image's programs are the host's /usr, bound in: a shell without building one.
    for (const char *link : {"bin", "lib", "lib64", "sbin"}) {
        if (QFileInfo(QLatin1Char('/') + QLatin1String(link)).isSymLink())
            QVERIFY(QFile::link(QStringLiteral("usr/") + QLatin1String(link),
                                root.filePath(QLatin1String(link))));
    }
    const auto write = [&root](const QString &name, const QByteArray &content) {
        QFile file(root.filePath(name));
        return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
    };
    QVERIFY(write(QStringLiteral("srv/marker"), "from the image\n"));
    QVERIFY(write(QStringLiteral("etc/passwd"), "imageuser:x:1000:1000::/srv:/bin/sh\n"));
    QVERIFY(write(QStringLiteral("etc/group"), "imagegroup:x:1000:\n"));
    QVERIFY(write(QStringLiteral("etc/hosts"), "10.9.9.9\timage-host\n"));

    SandboxSpec spec;
    spec.rootFilesystem = image.path();
    spec.binds = {{QStringLiteral("/usr"), QStringLiteral("/usr"), false, false}};
    spec.workingDirectory = QStringLiteral("/srv");
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"),
                      QStringLiteral("cat marker; id -un; id -gn; pwd; head -1 /etc/hosts; "
                                     "touch /srv/x 2>/dev/null && echo root-writable; "
                                     "touch /tmp/x && echo tmp-writable; ls /home 2>&1 | head -1")};
    const QStringList args = SandboxArguments::bwrap(spec, QStringLiteral("/staging"), m_probe);
    QVERIFY(containsSequence(args, {QStringLiteral("--bind"), image.path(), QStringLiteral("/")}));
    QVERIFY(!args.contains(QStringLiteral("/staging/etc")));
    QVERIFY(containsSequence(args, {QStringLiteral("--remount-ro"), QStringLiteral("/")}));
    const SandboxRun run = runToEnd(m_host, spec);
    QVERIFY(run.prepared && run.finished);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QStringList lines = QString::fromUtf8(run.out).split(QLatin1Char('\n'));
    QCOMPARE(lines.mid(0, 7),
             (QStringList{QStringLiteral("from the image"), QStringLiteral("imageuser"),
                          QStringLiteral("imagegroup"), QStringLiteral("/srv"),
                          QStringLiteral("127.0.0.1\tlocalhost"), QStringLiteral("tmp-writable"),
                          QStringLiteral("ls: cannot access '/home': No such file or directory")}));
    // The image folder itself is untouched.
    QVERIFY(!QFileInfo::exists(root.filePath(QStringLiteral("srv/x"))));
    QFile hosts(root.filePath(QStringLiteral("etc/hosts")));
    QVERIFY(hosts.open(QIODevice::ReadOnly));
    QCOMPARE(hosts.readAll(), QByteArray("10.9.9.9\timage-host\n"));
}

// A kill -9 leaves the staging folders of the killed process behind; the next process removes
// them, and only them.
void TestSandbox::staleStagingFoldersAreRemoved()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    // A pid no process has.
    qint64 unused = 4000000;
    while (::kill(pid_t(unused), 0) == 0 || errno != ESRCH)
        --unused;
    const qint64 self = QCoreApplication::applicationPid();
    const qint64 parent = ::getppid();
    const QDir dir(temp.path());
    const QStringList names = {
        QStringLiteral("edgedesk-sandbox-%1-aaaaaa").arg(unused), // its process is gone
        QStringLiteral("edgedesk-sandbox-%1-bbbbbb").arg(self),   // ours: in use
        QStringLiteral("edgedesk-sandbox-%1-cccccc").arg(parent), // a live process's
        QStringLiteral("edgedesk-sandbox-dddddd"),                // old name, fresh
        QStringLiteral("unrelated-%1-eeeeee").arg(unused)};       // not a staging folder
    for (const QString &name : names) {
        QVERIFY(dir.mkpath(name + QStringLiteral("/etc/alternatives")));
        QFile file(dir.filePath(name + QStringLiteral("/etc/passwd")));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    QCOMPARE(SandboxEtc::removeStale(temp.path()), 1);
    QVERIFY(!dir.exists(names[0]));
    for (qsizetype i = 1; i < names.size(); ++i)
        QVERIFY2(dir.exists(names[i]), qPrintable(names[i]));

    // An old-style name an hour old is taken as abandoned too.
    const QByteArray oldPath = QFile::encodeName(dir.filePath(names[3]));
    const time_t twoHoursAgo = ::time(nullptr) - 7200;
    const struct utimbuf times = {twoHoursAgo, twoHoursAgo};
    QVERIFY(::utime(oldPath.constData(), &times) == 0);
    QCOMPARE(SandboxEtc::removeStale(temp.path()), 1);
    QVERIFY(!dir.exists(names[3]));
    QVERIFY(dir.exists(names[1]) && dir.exists(names[2]) && dir.exists(names[4]));
}

QTEST_GUILESS_MAIN(TestSandbox)
#include "test_sandbox.moc"
