#include "asyncrequest.h"
#include "containers/sandboxhost.h"
#include "programprocess.h"
#include "testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <cerrno>
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace edgedesk::test;

// command-runner as a real process: the demo's /run contract, input validation, the
// dangerous-command filter, and — most of all — that the sandbox actually contains commands.
class TestCommandRunner final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void health_data();
    void health();
    void runExample();
    void failingCommandReportsStderrAndExitCode();
    void badInput_data();
    void badInput();
    void dangerousCommands_data();
    void dangerousCommands();
    void harmlessLookalikesRun_data();
    void harmlessLookalikesRun();
    void methodNotAllowed();
    void notFound();
    void commandsBeyondTheSlotsWaitThenGet429();
    void everyCommandGetsAFreshSandbox();
    void timeoutKillsTheWholeSandbox();
    void timeoutKeepsEarlierStderr();
    void outputIsCappedAt1MiB();
    void tmpHasASize();
    void containment_data();
    void containment();
    void networkIsOffByDefault();
    void hostNetworkWhenAskedFor();
    void processCapHolds();
    void forkBombIsContained();
    void sigtermExitsCleanly();
    void emptyCgroupsOfGoneRunnersAreRemovedAtStart();
    void missingPortExits2();
    void failsClosedWithoutBwrap();
    void unsandboxedModeSaysSoLoudly();

private:
    QJsonObject run(const QByteArray &body, int expectedStatus = 200, QByteArray *raw = nullptr);
    QJsonObject runCommand(const QString &command, double timeout = 0);

    QTemporaryDir m_dataDir;
    std::unique_ptr<ProgramProcess> m_runner;
};

namespace {

const QByteArray kMarker = "edgedesk-secret-marker-7f3a";

QByteArray commandBody(const QString &command, double timeout = 0)
{
    QJsonObject object{{QStringLiteral("command"), command}};
    if (timeout > 0)
        object.insert(QStringLiteral("timeout"), timeout);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QStringList sortedKeys(const QJsonObject &object)
{
    QStringList keys = object.keys();
    keys.sort();
    return keys;
}

QString bwrapVersion()
{
    QProcess process;
    process.start(QStringLiteral("bwrap"), {QStringLiteral("--version")});
    process.waitForFinished(5000);
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

} // namespace

QJsonObject TestCommandRunner::run(const QByteArray &body, int expectedStatus, QByteArray *raw)
{
    const HttpReply reply = request(m_runner->port(), "POST", "/run",
                                    {{"Content-Type", "application/json"}}, body, 60000);
    if (raw)
        *raw = reply.body;
    if (reply.status != expectedStatus)
        qWarning() << "unexpected status" << reply.status << reply.body.left(2000);
    if (reply.status != expectedStatus || reply.header("content-type") != "application/json")
        return {};
    return reply.json();
}

QJsonObject TestCommandRunner::runCommand(const QString &command, double timeout)
{
    return run(commandBody(command, timeout));
}

void TestCommandRunner::initTestCase()
{
    if (bwrapVersion().isEmpty())
        QSKIP("bubblewrap is not installed: the sandbox tests need it");
    QVERIFY(m_dataDir.isValid());
    QFile marker(m_dataDir.filePath(QStringLiteral("marker.txt")));
    QVERIFY(marker.open(QIODevice::WriteOnly));
    marker.write(kMarker);
    marker.close();

    m_runner = std::make_unique<ProgramProcess>(
        QStringLiteral("command-runner"),
        QMap<QString, QString>{{QStringLiteral("INSTANCE_ID"), QStringLiteral("instance-1")},
                               {QStringLiteral("EDGEDESK_DATA_DIR"), m_dataDir.path()},
                               {QStringLiteral("COMMAND_SANDBOX"), QString()},
                               {QStringLiteral("COMMAND_NETWORK"), QString()}});
    QVERIFY2(m_runner->start(), qPrintable(m_runner->error()));
    const QJsonObject health = request(m_runner->port(), "GET", "/").json();
    QVERIFY2(health.value(QLatin1String("status")).toString() == QLatin1String("healthy"),
             QJsonDocument(health).toJson().constData());
}

void TestCommandRunner::cleanupTestCase()
{
    m_runner.reset();
}

void TestCommandRunner::health_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addRow("root") << QByteArray("/");
    QTest::addRow("run") << QByteArray("/run");
}

void TestCommandRunner::health()
{
    QFETCH(QByteArray, target);
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const HttpReply reply = request(m_runner->port(), "GET", target);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    const QJsonObject json = reply.json();
    QCOMPARE(sortedKeys(json),
             (QStringList{QStringLiteral("commands"), QStringLiteral("containment"),
                          QStringLiteral("limits"), QStringLiteral("network"),
                          QStringLiteral("sandbox"),
                          QStringLiteral("service"), QStringLiteral("status"),
                          QStringLiteral("timestamp")}));
    QCOMPARE(json.value(QLatin1String("status")).toString(), QStringLiteral("healthy"));
    QCOMPARE(json.value(QLatin1String("service")).toString(),
             QStringLiteral("linux-command-container"));
    QCOMPARE(json.value(QLatin1String("sandbox")).toString(), bwrapVersion());
    const QString containment = json.value(QLatin1String("containment")).toString();
    QVERIFY2(containment.startsWith(QLatin1String("cgroup-v2 pids.max=64")) ||
                 containment.startsWith(QLatin1String("cgroup-v1 pids.max=64")) ||
                 containment.startsWith(QLatin1String("rlimit-nproc")),
             qPrintable(containment));
    QCOMPARE(json.value(QLatin1String("network")), QJsonValue(false));

    // The limits in force, for the Linux command panel: what every command runs under.
    const QJsonObject limits = json.value(QLatin1String("limits")).toObject();
    QCOMPARE(sortedKeys(limits),
             (QStringList{"address_space_bytes", "cpu_seconds", "file_size_bytes",
                          "max_processes", "memory_by", "memory_bytes", "open_files",
                          "processes_by", "tmp_bytes"}));
    QCOMPARE(limits.value(QLatin1String("cpu_seconds")), QJsonValue(30));
    QCOMPARE(limits.value(QLatin1String("address_space_bytes")), QJsonValue(512 << 20));
    QCOMPARE(limits.value(QLatin1String("file_size_bytes")), QJsonValue(16 << 20));
    QCOMPARE(limits.value(QLatin1String("open_files")), QJsonValue(256));
    QCOMPARE(limits.value(QLatin1String("max_processes")), QJsonValue(64));
    QCOMPARE(limits.value(QLatin1String("tmp_bytes")), QJsonValue(64 << 20));
    QVERIFY(containment.contains(QLatin1String("/tmp 64 MiB")));
    const QString memoryBy = limits.value(QLatin1String("memory_by")).toString();
    QVERIFY2(memoryBy == QLatin1String("cgroup-v2 memory.max") ||
                 memoryBy == QLatin1String("cgroup-v1 memory.limit_in_bytes") ||
                 memoryBy == QLatin1String("rlimit-as (per process)"),
             qPrintable(memoryBy));
    if (memoryBy.startsWith(QLatin1String("cgroup"))) {
        QCOMPARE(limits.value(QLatin1String("memory_bytes")), QJsonValue(512 << 20));
        QVERIFY(containment.contains(QLatin1String("=512 MiB")));
    } else {
        QVERIFY(limits.value(QLatin1String("memory_bytes")).isNull());
    }
    QVERIFY2(containment.startsWith(
                 limits.value(QLatin1String("processes_by")).toString().section(' ', 0, 0)),
             qPrintable(containment));
    const qint64 timestamp = json.value(QLatin1String("timestamp")).toInteger(-1);
    QVERIFY(timestamp >= before && timestamp <= QDateTime::currentSecsSinceEpoch());
}

void TestCommandRunner::runExample()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    QByteArray raw;
    const QJsonObject json = run(commandBody(QStringLiteral("echo hi")), 200, &raw);
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(sortedKeys(json),
             (QStringList{QStringLiteral("command"), QStringLiteral("error"),
                          QStringLiteral("exit_code"), QStringLiteral("output"),
                          QStringLiteral("success"), QStringLiteral("timestamp")}));
    QCOMPARE(json.value(QLatin1String("success")), QJsonValue(true));
    QCOMPARE(json.value(QLatin1String("command")).toString(), QStringLiteral("echo hi"));
    QCOMPARE(json.value(QLatin1String("output")).toString(), QStringLiteral("hi\n"));
    QCOMPARE(json.value(QLatin1String("error")).toString(), QString());
    QCOMPARE(json.value(QLatin1String("exit_code")), QJsonValue(0));
    const double timestamp = json.value(QLatin1String("timestamp")).toDouble();
    QVERIFY(timestamp * 1000 >= double(before) - 1 && timestamp * 1000 <= double(after) + 1);

    // The demo's field order, and a timestamp with a millisecond fraction.
    const QList<QByteArray> order = {"\"success\":", "\"command\":",   "\"output\":",
                                     "\"error\":",   "\"exit_code\":", "\"timestamp\":"};
    qsizetype previous = -1;
    for (const QByteArray &key : order) {
        const qsizetype at = raw.indexOf(key);
        QVERIFY2(at > previous, key.constData());
        previous = at;
    }
    QVERIFY(QRegularExpression(QStringLiteral(R"("timestamp":\d{10}\.\d{3}\})"))
                .match(QString::fromUtf8(raw))
                .hasMatch());
}

void TestCommandRunner::failingCommandReportsStderrAndExitCode()
{
    const QJsonObject json = runCommand(QStringLiteral("echo out; echo oops >&2; exit 3"));
    QCOMPARE(json.value(QLatin1String("success")), QJsonValue(false));
    QCOMPARE(json.value(QLatin1String("output")).toString(), QStringLiteral("out\n"));
    QCOMPARE(json.value(QLatin1String("error")).toString(), QStringLiteral("oops\n"));
    QCOMPARE(json.value(QLatin1String("exit_code")), QJsonValue(3));
    QVERIFY(!json.contains(QLatin1String("truncated")));
}

void TestCommandRunner::badInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("not JSON") << QByteArray("{\"command\": ") << QStringLiteral("must be JSON");
    QTest::addRow("form data") << QByteArray("command=ls") << QStringLiteral("must be JSON");
    QTest::addRow("empty body") << QByteArray() << QStringLiteral("must be JSON");
    QTest::addRow("array") << QByteArray("[\"ls\"]") << QStringLiteral("JSON object");
    QTest::addRow("no command") << QByteArray("{\"cmd\":\"ls\"}")
                                << QStringLiteral("command is required");
    QTest::addRow("number") << QByteArray("{\"command\":5}")
                            << QStringLiteral("command must be a string");
    QTest::addRow("null") << QByteArray("{\"command\":null}")
                          << QStringLiteral("command must be a string");
    QTest::addRow("array command")
        << QByteArray("{\"command\":[\"ls\"]}") << QStringLiteral("command must be a string");
    QTest::addRow("empty") << QByteArray("{\"command\":\"\"}")
                           << QStringLiteral("must not be empty");
    QTest::addRow("whitespace") << QByteArray("{\"command\":\"  \\t\\n \"}")
                                << QStringLiteral("must not be empty");
    QTest::addRow("over 8 KiB") << commandBody(QStringLiteral("echo ") +
                                               QString(8188, QLatin1Char('a')))
                                << QStringLiteral("at most 8192 bytes");
    QTest::addRow("NUL") << QByteArray("{\"command\":\"echo a\\u0000b\"}") << QStringLiteral("NUL");
    QTest::addRow("timeout string") << QByteArray("{\"command\":\"ls\",\"timeout\":\"5\"}")
                                    << QStringLiteral("timeout must be a number");
    QTest::addRow("timeout bool") << QByteArray("{\"command\":\"ls\",\"timeout\":true}")
                                  << QStringLiteral("timeout must be a number");
    QTest::addRow("timeout null") << QByteArray("{\"command\":\"ls\",\"timeout\":null}")
                                  << QStringLiteral("timeout must be a number");
    QTest::addRow("timeout zero") << QByteArray("{\"command\":\"ls\",\"timeout\":0}")
                                  << QStringLiteral("timeout must be a number");
    QTest::addRow("timeout negative") << QByteArray("{\"command\":\"ls\",\"timeout\":-5}")
                                      << QStringLiteral("timeout must be a number");
    QTest::addRow("timeout 31") << QByteArray("{\"command\":\"ls\",\"timeout\":31}")
                                << QStringLiteral("timeout must be a number");
}

void TestCommandRunner::badInput()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const QJsonObject json = run(body, 400);
    QCOMPARE(json.keys(), QStringList{QStringLiteral("error")});
    const QJsonObject error = json.value(QLatin1String("error")).toObject();
    QCOMPARE(error.value(QLatin1String("code")).toString(), QStringLiteral("bad_request"));
    QVERIFY2(error.value(QLatin1String("message")).toString().contains(message),
             qPrintable(error.value(QLatin1String("message")).toString()));
}

void TestCommandRunner::dangerousCommands_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("reason");
    const QString rootDelete = QStringLiteral("recursive delete of the root filesystem");
    const QString power = QStringLiteral("shutting down or rebooting the system");
    const QString device = QStringLiteral("writing to a block device");
    const QString bomb = QStringLiteral("fork bomb");
    QTest::addRow("rm -rf /") << QStringLiteral("rm -rf /") << rootDelete;
    QTest::addRow("rm -rf /*") << QStringLiteral("rm -rf /*") << rootDelete;
    QTest::addRow("rm -fr /") << QStringLiteral("rm -fr /") << rootDelete;
    QTest::addRow("rm -r -f /") << QStringLiteral("rm -r -f /") << rootDelete;
    QTest::addRow("rm -Rf //") << QStringLiteral("rm -Rf //") << rootDelete;
    QTest::addRow("no-preserve-root")
        << QStringLiteral("rm -rf --no-preserve-root /") << rootDelete;
    QTest::addRow("sudo /bin/rm") << QStringLiteral("sudo /bin/rm -rf /") << rootDelete;
    QTest::addRow("after a list") << QStringLiteral("echo bye; rm -rf / ") << rootDelete;
    QTest::addRow("quoted") << QStringLiteral("'rm' -rf \"/\"") << rootDelete;
    QTest::addRow("nested sh -c") << QStringLiteral("sh -c 'rm -rf /'") << rootDelete;
    QTest::addRow("mkfs") << QStringLiteral("mkfs -t ext4 /dev/sdb")
                          << QStringLiteral("formatting a filesystem");
    QTest::addRow("mkfs.ext4") << QStringLiteral("mkfs.ext4 /dev/sda1")
                               << QStringLiteral("formatting a filesystem");
    QTest::addRow("shutdown") << QStringLiteral("shutdown -h now") << power;
    QTest::addRow("reboot") << QStringLiteral("reboot") << power;
    QTest::addRow("halt") << QStringLiteral("halt") << power;
    QTest::addRow("poweroff") << QStringLiteral("/sbin/poweroff") << power;
    QTest::addRow("init 0") << QStringLiteral("init 0") << power;
    QTest::addRow("init 6") << QStringLiteral("init 6") << power;
    QTest::addRow("systemctl reboot") << QStringLiteral("systemctl reboot") << power;
    QTest::addRow("classic fork bomb") << QStringLiteral(":(){ :|:& };:") << bomb;
    QTest::addRow("spaced fork bomb") << QStringLiteral(": ( ) { : | : & } ; :") << bomb;
    QTest::addRow("named fork bomb") << QStringLiteral("bomb() { bomb | bomb & }; bomb") << bomb;
    QTest::addRow("perl fork bomb") << QStringLiteral("perl -e 'fork while fork'") << bomb;
    QTest::addRow("dd to disk") << QStringLiteral("dd if=/dev/zero of=/dev/sda bs=1M") << device;
    QTest::addRow("redirect to disk") << QStringLiteral("echo x > /dev/sda") << device;
    QTest::addRow("redirect to nvme") << QStringLiteral("cat /dev/urandom >/dev/nvme0n1") << device;
    QTest::addRow("chmod -R 777 /")
        << QStringLiteral("chmod -R 777 /")
        << QStringLiteral("recursive permission or owner change of the root filesystem");
}

void TestCommandRunner::dangerousCommands()
{
    QFETCH(QString, command);
    QFETCH(QString, reason);
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const QJsonObject json = run(commandBody(command), 403);
    QCOMPARE(sortedKeys(json),
             (QStringList{QStringLiteral("command"), QStringLiteral("error"),
                          QStringLiteral("exit_code"), QStringLiteral("output"),
                          QStringLiteral("success"), QStringLiteral("timestamp")}));
    QCOMPARE(json.value(QLatin1String("success")), QJsonValue(false));
    QCOMPARE(json.value(QLatin1String("command")).toString(), command);
    QCOMPARE(json.value(QLatin1String("output")).toString(), QString());
    QCOMPARE(json.value(QLatin1String("error")).toString(),
             QStringLiteral("Command blocked: ") + reason);
    QCOMPARE(json.value(QLatin1String("exit_code")), QJsonValue(-1));
    QVERIFY(json.value(QLatin1String("timestamp")).toDouble() * 1000 >= double(before) - 1);
}

void TestCommandRunner::harmlessLookalikesRun_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("output");
    QTest::addRow("echo mkfs") << QStringLiteral("echo mkfs") << QStringLiteral("mkfs\n");
    QTest::addRow("echo reboot") << QStringLiteral("echo reboot now")
                                 << QStringLiteral("reboot now\n");
    QTest::addRow("rm in tmp") << QStringLiteral("mkdir -p /tmp/a/b && rm -rf /tmp/a && echo gone")
                               << QStringLiteral("gone\n");
    QTest::addRow("dd to a file")
        << QStringLiteral("dd if=/dev/zero of=/tmp/x bs=1 count=3 2>/dev/null && wc -c < /tmp/x")
        << QStringLiteral("3\n");
    QTest::addRow("ls /") << QStringLiteral("ls / >/dev/null && echo listed")
                          << QStringLiteral("listed\n");
}

void TestCommandRunner::harmlessLookalikesRun()
{
    QFETCH(QString, command);
    QFETCH(QString, output);
    const QJsonObject json = runCommand(command);
    QCOMPARE(json.value(QLatin1String("output")).toString(), output);
    QCOMPARE(json.value(QLatin1String("exit_code")), QJsonValue(0));
}

void TestCommandRunner::methodNotAllowed()
{
    const HttpReply reply = request(m_runner->port(), "DELETE", "/run");
    QCOMPARE(reply.status, 405);
    QCOMPARE(reply.header("allow"), QByteArray("GET, POST"));
    QCOMPARE(reply.json().value(QLatin1String("error")).toObject().value(QLatin1String("code")),
             QJsonValue(QStringLiteral("method_not_allowed")));
    const HttpReply rootPost = request(m_runner->port(), "POST", "/", {}, commandBody("ls"));
    QCOMPARE(rootPost.status, 405);
    QCOMPARE(rootPost.header("allow"), QByteArray("GET"));
}

void TestCommandRunner::notFound()
{
    const HttpReply reply = request(m_runner->port(), "GET", "/exec");
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.json().value(QLatin1String("error")).toObject().value(QLatin1String("code")),
             QJsonValue(QStringLiteral("not_found")));
}

void TestCommandRunner::commandsBeyondTheSlotsWaitThenGet429()
{
    const QString sleeper = QStringLiteral("sleep 4.321");
    QCOMPARE(countHostProcesses(sleeper), 0);
    std::vector<std::unique_ptr<AsyncRequest>> running;
    for (int i = 0; i < 4; ++i)
        running.push_back(
            std::make_unique<AsyncRequest>(m_runner->port(), "POST", "/run", commandBody(sleeper)));
    // All four are running once their sleep processes exist (seen from the host).
    QTRY_COMPARE_WITH_TIMEOUT(countHostProcesses(sleeper), 4, 15000);

    // Four more wait for a slot, as the health answer shows...
    std::vector<std::unique_ptr<AsyncRequest>> waiting;
    for (int i = 0; i < 4; ++i)
        waiting.push_back(std::make_unique<AsyncRequest>(
            m_runner->port(), "POST", "/run", commandBody(QStringLiteral("echo waited %1").arg(i))));
    const auto commands = [this] {
        return request(m_runner->port(), "GET", "/").json().value(QLatin1String("commands"))
            .toObject();
    };
    QTRY_COMPARE_WITH_TIMEOUT(commands().value(QLatin1String("waiting")), QJsonValue(4), 15000);
    QCOMPARE(commands().value(QLatin1String("running")), QJsonValue(4));
    for (const auto &call : waiting)
        QVERIFY(!call->isFinished());

    // ...and the next one is refused.
    const HttpReply refused = request(m_runner->port(), "POST", "/run", {}, commandBody("echo 9"));
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.json().value(QLatin1String("error")).toObject().value(QLatin1String("code")),
             QJsonValue(QStringLiteral("too_many_requests")));

    for (const auto &call : running) {
        QTRY_VERIFY_WITH_TIMEOUT(call->isFinished(), 30000);
        QCOMPARE(call->status(), 200);
        QCOMPARE(QJsonDocument::fromJson(call->body()).object().value(QLatin1String("exit_code")),
                 QJsonValue(0));
    }
    for (int i = 0; i < 4; ++i) {
        QTRY_VERIFY_WITH_TIMEOUT(waiting[size_t(i)]->isFinished(), 30000);
        QCOMPARE(waiting[size_t(i)]->status(), 200);
        QCOMPARE(QJsonDocument::fromJson(waiting[size_t(i)]->body())
                     .object()
                     .value(QLatin1String("output"))
                     .toString(),
                 QStringLiteral("waited %1\n").arg(i));
    }
    // Slots are free again.
    QCOMPARE(runCommand(QStringLiteral("echo again")).value(QLatin1String("output")).toString(),
             QStringLiteral("again\n"));
    QCOMPARE(commands().value(QLatin1String("running")), QJsonValue(0));
}

// Sandboxes are made ahead of their commands, one per slot: still one sandbox per command. None
// sees a file another command wrote, in a row or at once, and a sandbox that ran a command is
// never handed another (its /tmp would still hold the marker).
void TestCommandRunner::everyCommandGetsAFreshSandbox()
{
    const QString command =
        QStringLiteral("ls -A /tmp; touch /tmp/used; echo $(ls /tmp) $(cat /proc/1/comm)");
    for (int round = 0; round < 3; ++round) {
        std::vector<std::unique_ptr<AsyncRequest>> calls;
        for (int i = 0; i < 6; ++i)
            calls.push_back(std::make_unique<AsyncRequest>(m_runner->port(), "POST", "/run",
                                                           commandBody(command)));
        for (const auto &call : calls) {
            QTRY_VERIFY_WITH_TIMEOUT(call->isFinished(), 30000);
            QCOMPARE(call->status(), 200);
            QCOMPARE(QJsonDocument::fromJson(call->body()).object().value(QLatin1String("output")),
                     QJsonValue(QStringLiteral("used bwrap\n")));
        }
        QCOMPARE(runCommand(command).value(QLatin1String("output")),
                 QJsonValue(QStringLiteral("used bwrap\n")));
    }
    // A command's standard input is at its end, as it was when commands got /dev/null.
    QCOMPARE(runCommand(QStringLiteral("cat; echo end")).value(QLatin1String("output")),
             QJsonValue(QStringLiteral("end\n")));
    // Every byte of the command arrives: lines, a last line without newline, backslashes, blanks.
    QCOMPARE(runCommand(QStringLiteral("printf '%s|' \"  a\\\\b \"\nprintf 'x\\n'\n  echo  last"))
                 .value(QLatin1String("output")),
             QJsonValue(QStringLiteral("  a\\b |x\nlast\n")));
}

void TestCommandRunner::timeoutKillsTheWholeSandbox()
{
    const QString foreground = QStringLiteral("sleep 100");
    const QString background = QStringLiteral("sleep 100.5");
    QCOMPARE(countHostProcesses(foreground) + countHostProcesses(background), 0);
    const QJsonObject json = runCommand(QStringLiteral("sleep 100.5 & sleep 100"), 2);
    QCOMPARE(json.value(QLatin1String("success")), QJsonValue(false));
    QCOMPARE(json.value(QLatin1String("exit_code")), QJsonValue(124));
    QCOMPARE(json.value(QLatin1String("error")).toString(),
             QStringLiteral("command timed out after 2 s"));
    QTRY_COMPARE_WITH_TIMEOUT(countHostProcesses(foreground) + countHostProcesses(background), 0,
                              5000);
}

void TestCommandRunner::timeoutKeepsEarlierStderr()
{
    const QJsonObject json =
        runCommand(QStringLiteral("echo partial; echo before >&2; sleep 60"), 2.5);
    QCOMPARE(json.value(QLatin1String("exit_code")), QJsonValue(124));
    QCOMPARE(json.value(QLatin1String("output")).toString(), QStringLiteral("partial\n"));
    QCOMPARE(json.value(QLatin1String("error")).toString(),
             QStringLiteral("before\ncommand timed out after 2.5 s"));
}

void TestCommandRunner::outputIsCappedAt1MiB()
{
    const QJsonObject json = runCommand(QStringLiteral("yes | head -c 3000000"));
    QCOMPARE(json.value(QLatin1String("exit_code")), QJsonValue(0));
    QCOMPARE(json.value(QLatin1String("success")), QJsonValue(true));
    QCOMPARE(json.value(QLatin1String("truncated")), QJsonValue(true));
    const QString output = json.value(QLatin1String("output")).toString();
    QCOMPARE(output.size(), 1024 * 1024);
    QVERIFY(output.startsWith(QLatin1String("y\ny\n")));

    const QJsonObject stderrFlood =
        runCommand(QStringLiteral("head -c 2000000 /dev/zero | tr '\\0' e >&2; echo done"));
    QCOMPARE(stderrFlood.value(QLatin1String("output")).toString(), QStringLiteral("done\n"));
    QCOMPARE(stderrFlood.value(QLatin1String("error")).toString().size(), 1024 * 1024);
    QCOMPARE(stderrFlood.value(QLatin1String("truncated")), QJsonValue(true));
}

void TestCommandRunner::tmpHasASize()
{
    // A command filling /tmp (a tmpfs: host memory) stops at its size, 64 MiB, instead of
    // taking the host's RAM: the sixth 10 MB file does not fit.
    const QJsonObject json = runCommand(QStringLiteral(
        "df -k /tmp | tail -1 | tr -s ' ' | cut -d' ' -f2; i=0; while [ $i -lt 10 ]; do "
        "head -c 10000000 /dev/zero > /tmp/f$i || break; i=$((i+1)); done; echo $i; "
        "du -sk /tmp | cut -f1"));
    const QStringList lines = json.value(QLatin1String("output")).toString().split(
        QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QStringLiteral("65536"));
    QCOMPARE(lines[1], QStringLiteral("6"));
    QVERIFY2(lines[2].toInt() <= 65536, qPrintable(lines[2]));
    QVERIFY2(json.value(QLatin1String("error")).toString().contains(
                 QLatin1String("No space left on device")),
             qPrintable(json.value(QLatin1String("error")).toString()));
    // The next command gets a fresh, empty /tmp.
    QCOMPARE(runCommand(QStringLiteral("ls /tmp | wc -l")).value(QLatin1String("output")).toString(),
             QStringLiteral("0\n"));
}

void TestCommandRunner::containment_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<bool>("succeeds");
    QTest::addColumn<QString>("outputIs");      // exact stdout when not empty
    QTest::addColumn<QString>("outputLacks");   // must not appear in stdout or stderr
    QTest::addColumn<QString>("errorContains"); // must appear in stderr when not empty

    const QString data = m_dataDir.path();
    QTest::addRow("not root") << QStringLiteral("id -u") << true << QStringLiteral("1000\n")
                              << QString() << QString();
    QTest::addRow("user name") << QStringLiteral("whoami") << true << QStringLiteral("sandbox\n")
                               << QString() << QString();
    QTest::addRow("hostname") << QStringLiteral("hostname") << true << QStringLiteral("sandbox\n")
                              << QString() << QString();
    QTest::addRow("read-only /usr") << QStringLiteral("touch /usr/x") << false << QString()
                                    << QString() << QStringLiteral("Read-only file system");
    QTest::addRow("read-only /etc")
        << QStringLiteral("echo x >> /etc/passwd") << false << QString() << QString() << QString();
    QTest::addRow("no /root") << QStringLiteral("ls /root") << false << QString() << QString()
                              << QString();
    QTest::addRow("no data folder") << QStringLiteral("cat %1/marker.txt; ls %1").arg(data) << false
                                    << QString() << QString::fromLatin1(kMarker) << QString();
    QTest::addRow("clean environment") << QStringLiteral("env") << true << QString()
                                       << QStringLiteral("EDGEDESK_DATA_DIR") << QString();
    QTest::addRow("private writable /tmp")
        << QStringLiteral("echo note > /tmp/n && cat /tmp/n && pwd") << true
        << QStringLiteral("note\n/tmp\n") << QString() << QString();
    QTest::addRow("no new privileges")
        << QStringLiteral("grep NoNewPrivs /proc/self/status") << true
        << QStringLiteral("NoNewPrivs:\t1\n") << QString() << QString();
    QTest::addRow("no capabilities")
        << QStringLiteral("grep CapEff /proc/self/status") << true
        << QStringLiteral("CapEff:\t0000000000000000\n") << QString() << QString();
    QTest::addRow("memory over 512 MiB fails")
        << QStringLiteral("python3 -c \"x=' '*600_000_000\"") << false << QString() << QString()
        << QStringLiteral("MemoryError");
    QTest::addRow("file size over 16 MiB fails")
        << QStringLiteral("head -c 20000000 /dev/zero > /tmp/big") << false << QString()
        << QString() << QString();
    QTest::addRow("ps works") << QStringLiteral("ps -e -o comm= | head -1") << true
                              << QStringLiteral("bwrap\n") << QString() << QString();
    QTest::addRow("free works") << QStringLiteral("free -h | head -2 | tail -1 | cut -c1-4") << true
                                << QStringLiteral("Mem:\n") << QString() << QString();
    QTest::addRow("open files limited")
        << QStringLiteral("ulimit -n") << true << QStringLiteral("256\n") << QString() << QString();
    QTest::addRow("pid 1 names no host path")
        << QStringLiteral("tr '\\0' ' ' < /proc/1/cmdline") << true << QString()
        << QStringLiteral("edgedesk-sandbox") << QString();
    QTest::addRow("awk through /etc/alternatives")
        << QStringLiteral("awk 'BEGIN { print 6 * 7 }'") << true << QStringLiteral("42\n")
        << QString() << QString();
}

void TestCommandRunner::containment()
{
    QFETCH(QString, command);
    QFETCH(bool, succeeds);
    QFETCH(QString, outputIs);
    QFETCH(QString, outputLacks);
    QFETCH(QString, errorContains);
    const QJsonObject json = runCommand(command);
    QVERIFY(!json.isEmpty());
    const QString output = json.value(QLatin1String("output")).toString();
    const QString error = json.value(QLatin1String("error")).toString();
    const int exitCode = json.value(QLatin1String("exit_code")).toInt();
    QVERIFY2((exitCode == 0) == succeeds,
             qPrintable(QStringLiteral("exit %1: %2 %3").arg(exitCode).arg(output, error)));
    if (!outputIs.isEmpty())
        QCOMPARE(output, outputIs);
    if (!outputLacks.isEmpty()) {
        QVERIFY(!output.contains(outputLacks));
        QVERIFY(!error.contains(outputLacks));
    }
    if (!errorContains.isEmpty())
        QVERIFY2(error.contains(errorContains), qPrintable(error));
}

void TestCommandRunner::networkIsOffByDefault()
{
    // The runner itself listens on the host's loopback: a sandbox with its own network
    // namespace cannot reach it.
    const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(m_runner->port());
    const QJsonObject viaCurl = runCommand(QStringLiteral("curl -sS -m 3 %1").arg(url));
    QVERIFY(viaCurl.value(QLatin1String("exit_code")).toInt() != 0);
    QVERIFY(!viaCurl.value(QLatin1String("output")).toString().contains(QLatin1String("healthy")));

    const QJsonObject viaPython = runCommand(
        QStringLiteral(
            "python3 -c \"import socket; socket.create_connection(('127.0.0.1', %1), 3); "
            "print('connected')\"")
            .arg(m_runner->port()));
    QVERIFY(viaPython.value(QLatin1String("exit_code")).toInt() != 0);
    QVERIFY(
        !viaPython.value(QLatin1String("output")).toString().contains(QLatin1String("connected")));

    // Only loopback exists in the sandbox.
    const QJsonObject interfaces = runCommand(QStringLiteral(
        "ls /sys/class/net 2>/dev/null || cat /proc/net/dev | tail -n +3 | cut -d: -f1"));
    QCOMPARE(interfaces.value(QLatin1String("output")).toString().simplified(),
             QStringLiteral("lo"));
}

void TestCommandRunner::hostNetworkWhenAskedFor()
{
    ProgramProcess runner(QStringLiteral("command-runner"),
                          {{QStringLiteral("COMMAND_NETWORK"), QStringLiteral("host")},
                           {QStringLiteral("COMMAND_SANDBOX"), QString()}});
    QVERIFY2(runner.start(), qPrintable(runner.error()));
    const QJsonObject health = request(runner.port(), "GET", "/").json();
    QCOMPARE(health.value(QLatin1String("network")), QJsonValue(true));
    // The command reaches the runner's own loopback port, which also shows that the runner
    // keeps serving while a command is running.
    const HttpReply reply = request(
        runner.port(), "POST", "/run", {},
        commandBody(QStringLiteral("curl -sS -m 5 http://127.0.0.1:%1/").arg(runner.port())),
        30000);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value(QLatin1String("exit_code")), QJsonValue(0));
    QVERIFY(reply.json()
                .value(QLatin1String("output"))
                .toString()
                .contains(QLatin1String("\"service\":\"linux-command-container\"")));
    QCOMPARE(runner.terminate(), 0);
}

void TestCommandRunner::processCapHolds()
{
    // Forks until the kernel refuses: the per-command cap (64, a few taken by bwrap, sh and
    // python themselves) must stop it well before 200.
    const QJsonObject json = runCommand(QStringLiteral(
        "python3 -c \"\nimport os, time\nn = 0\nfor i in range(200):\n    try:\n        pid = "
        "os.fork()\n    except OSError:\n        break\n    if pid == 0:\n        time.sleep(3)\n  "
        " "
        "     os._exit(0)\n    n += 1\nprint(n)\n\""));
    QCOMPARE(json.value(QLatin1String("exit_code")), QJsonValue(0));
    const int forks = json.value(QLatin1String("output")).toString().trimmed().toInt();
    QVERIFY2(forks > 10 && forks < 64, qPrintable(QString::number(forks)));
}

void TestCommandRunner::forkBombIsContained()
{
    // A fork bomb that keeps its shell in the foreground, base64-encoded past the first-layer
    // filter: it grows until the process cap refuses forks, and lives until the timeout.
    const QByteArray bomb = QByteArray("b(){ b|b; };b\n").toBase64();
    AsyncRequest call(
        m_runner->port(), "POST", "/run",
        commandBody(QStringLiteral("echo %1 | base64 -d | bash").arg(QString::fromLatin1(bomb)),
                    3));
    QTRY_VERIFY_WITH_TIMEOUT(call.isFinished(), 30000);
    QCOMPARE(call.status(), 200);
    const QJsonObject json = QJsonDocument::fromJson(call.body()).object();
    QCOMPARE(json.value(QLatin1String("exit_code")), QJsonValue(124));
    const QString error = json.value(QLatin1String("error")).toString();
    QVERIFY2(error.contains(QLatin1String("Resource temporarily unavailable")), qPrintable(error));
    QVERIFY(error.endsWith(QLatin1String("command timed out after 3 s")));
    // The runner is still responsive and can run the next command.
    QCOMPARE(request(m_runner->port(), "GET", "/").json().value(QLatin1String("status")).toString(),
             QStringLiteral("healthy"));
    QCOMPARE(
        runCommand(QStringLiteral("echo still here")).value(QLatin1String("output")).toString(),
        QStringLiteral("still here\n"));
}

void TestCommandRunner::sigtermExitsCleanly()
{
    ProgramProcess runner(QStringLiteral("command-runner"));
    QVERIFY2(runner.start(), qPrintable(runner.error()));
    const QString sleeper = QStringLiteral("sleep 30.25");
    AsyncRequest call(runner.port(), "POST", "/run", commandBody(sleeper));
    QTRY_COMPARE_WITH_TIMEOUT(countHostProcesses(sleeper), 1, 15000);
    QCOMPARE(runner.terminate(), 0);
    QCOMPARE(runner.process().exitStatus(), QProcess::NormalExit);
    QTRY_COMPARE_WITH_TIMEOUT(countHostProcesses(sleeper), 0, 5000);
    // The command in flight was answered before the exit.
    QTRY_VERIFY_WITH_TIMEOUT(call.isFinished(), 5000);
    const QJsonObject json = QJsonDocument::fromJson(call.body()).object();
    QCOMPARE(json.value(QLatin1String("success")), QJsonValue(false));
    QVERIFY(json.value(QLatin1String("error")).toString().contains(QLatin1String("shutting down")));
}

// A runner killed with commands in flight (or restarted before its cgroups were gone) leaves
// empty per-command cgroups behind: the next runner removes those of processes that are gone,
// and nothing else.
void TestCommandRunner::emptyCgroupsOfGoneRunnersAreRemovedAtStart()
{
    edgedesk::SandboxHost host;
    const edgedesk::SandboxProbe &probe = host.runProbe();
    QStringList parents;
    for (const QString &parent : {probe.cgroupParent, probe.memoryCgroupParent}) {
        if (!parent.isEmpty() && !parents.contains(parent))
            parents << parent;
    }
    if (parents.isEmpty())
        QSKIP("no cgroup the sandboxes could use here");
    qint64 gone = 4000000; // a pid no process has
    while (::kill(pid_t(gone), 0) == 0 || errno != ESRCH)
        --gone;
    const qint64 alive = QCoreApplication::applicationPid();
    QStringList stale, kept;
    for (const QString &parent : std::as_const(parents)) {
        stale << parent + QStringLiteral("/edgedesk-%1-7").arg(gone)
              << parent + QStringLiteral("/edgedesk-%1-123456789").arg(gone);
        kept << parent + QStringLiteral("/edgedesk-%1-7").arg(alive)
             << parent + QStringLiteral("/unrelated-%1-7").arg(gone);
    }
    const auto cleanup = qScopeGuard([&] {
        for (const QString &path : std::as_const(stale) + std::as_const(kept))
            ::rmdir(QFile::encodeName(path).constData());
    });
    for (const QString &path : std::as_const(stale) + std::as_const(kept))
        QVERIFY2(::mkdir(QFile::encodeName(path).constData(), 0755) == 0, qPrintable(path));

    ProgramProcess runner(QStringLiteral("command-runner"),
                          {{QStringLiteral("COMMAND_SANDBOX"), QString()}});
    QVERIFY2(runner.start(), qPrintable(runner.error()));
    for (const QString &path : std::as_const(stale))
        QVERIFY2(!QFileInfo::exists(path), qPrintable(path));
    for (const QString &path : std::as_const(kept))
        QVERIFY2(QFileInfo(path).isDir(), qPrintable(path));
    QCOMPARE(runner.terminate(), 0);
}

void TestCommandRunner::missingPortExits2()
{
    const FinishedProgram result =
        runProgram(QStringLiteral("command-runner"), {{QStringLiteral("PORT"), QString()}});
    QVERIFY(result.normalExit);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("PORT"), result.err.constData());
}

void TestCommandRunner::failsClosedWithoutBwrap()
{
    ProgramProcess runner(QStringLiteral("command-runner"),
                          {{QStringLiteral("PATH"), QStringLiteral("/nonexistent")},
                           {QStringLiteral("COMMAND_SANDBOX"), QString()}});
    QVERIFY2(runner.start(), qPrintable(runner.error()));
    const QJsonObject health = request(runner.port(), "GET", "/").json();
    QCOMPARE(health.value(QLatin1String("status")).toString(), QStringLiteral("unavailable"));
    QVERIFY(health.value(QLatin1String("reason")).toString().contains(QLatin1String("bwrap")));

    const HttpReply reply = request(runner.port(), "POST", "/run", {}, commandBody("echo hi"));
    QCOMPARE(reply.status, 503);
    QCOMPARE(reply.json().value(QLatin1String("error")).toObject().value(QLatin1String("code")),
             QJsonValue(QStringLiteral("service_unavailable")));
    // The filter still answers first.
    QCOMPARE(request(runner.port(), "POST", "/run", {}, commandBody("reboot")).status, 403);
    QCOMPARE(runner.terminate(), 0);
}

void TestCommandRunner::unsandboxedModeSaysSoLoudly()
{
    ProgramProcess runner(QStringLiteral("command-runner"),
                          {{QStringLiteral("PATH"), QStringLiteral("/nonexistent")},
                           {QStringLiteral("COMMAND_SANDBOX"), QStringLiteral("none")}});
    QVERIFY2(runner.start(), qPrintable(runner.error()));
    QVERIFY(runner.output().contains("UNSANDBOXED"));
    QVERIFY(runner.errorOutput().contains("UNSANDBOXED"));
    const QJsonObject health = request(runner.port(), "GET", "/").json();
    QCOMPARE(health.value(QLatin1String("status")).toString(), QStringLiteral("healthy"));
    QCOMPARE(health.value(QLatin1String("sandbox")).toString(),
             QStringLiteral("none (UNSANDBOXED)"));

    const HttpReply reply =
        request(runner.port(), "POST", "/run", {}, commandBody("echo hi; ulimit -n"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value(QLatin1String("output")).toString(), QStringLiteral("hi\n256\n"));

    // Background children do not outlive the command even without a pid namespace.
    const QString straggler = QStringLiteral("sleep 100.75");
    const HttpReply background =
        request(runner.port(), "POST", "/run", {}, commandBody(straggler + " & echo started"));
    QCOMPARE(background.json().value(QLatin1String("output")).toString(),
             QStringLiteral("started\n"));
    QTRY_COMPARE_WITH_TIMEOUT(countHostProcesses(straggler), 0, 5000);

    const HttpReply timedOut =
        request(runner.port(), "POST", "/run", {}, commandBody(QStringLiteral("sleep 100.5"), 1));
    QCOMPARE(timedOut.json().value(QLatin1String("exit_code")), QJsonValue(124));
    QTRY_COMPARE_WITH_TIMEOUT(countHostProcesses(QStringLiteral("sleep 100.5")), 0, 5000);
    QCOMPARE(runner.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestCommandRunner)
#include "test_commandrunner.moc"
