#include "containertestkit.h"
#include "testsupport.h"

#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk::test;

// No container process outlives a real `edgedesk --headless`: neither a clean stop (SIGTERM)
// nor a kill -9, which leaves no chance to clean up (the children die with their parent).
class TestOrphans final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void noOrphans_data();
    void noOrphans();
};

namespace {

QList<ProcessInfo> containerProcesses(qint64 root)
{
    static const QSet<QByteArray> names{"api-backend", "command-runner", "bwrap", "sleep"};
    QList<ProcessInfo> out;
    for (const ProcessInfo &p : descendants(root)) {
        if (names.contains(p.comm))
            out.append(p);
    }
    return out;
}

int countNamed(const QList<ProcessInfo> &processes, const QByteArray &name)
{
    return int(std::count_if(processes.begin(), processes.end(),
                             [&](const ProcessInfo &p) { return p.comm == name; }));
}

} // namespace

void TestOrphans::initTestCase()
{
    QProcess bwrap;
    bwrap.start(QStringLiteral("bwrap"),
                {QStringLiteral("--ro-bind"), QStringLiteral("/"), QStringLiteral("/"),
                 QStringLiteral("--unshare-pid"), QStringLiteral("/bin/true")});
    if (!bwrap.waitForFinished(10000) || bwrap.exitCode() != 0)
        QSKIP("bubblewrap cannot create sandboxes here: the container instances need it");
}

void TestOrphans::noOrphans_data()
{
    QTest::addColumn<bool>("kill9");
    QTest::addRow("SIGTERM") << false;
    QTest::addRow("kill -9") << true;
}

void TestOrphans::noOrphans()
{
    QFETCH(bool, kill9);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = writeConfig(
        dir.path(),
        {{QStringLiteral("BACKEND"),
          QJsonObject{{QStringLiteral("class_name"), QStringLiteral("GoBackend")},
                      {QStringLiteral("image"), QStringLiteral("api-backend")},
                      {QStringLiteral("max_instances"), 3}}},
         {QStringLiteral("LINUX_COMMAND"),
          QJsonObject{{QStringLiteral("class_name"), QStringLiteral("LinuxCommandContainer")},
                      {QStringLiteral("image"), QStringLiteral("command-runner")},
                      {QStringLiteral("max_instances"), 2}}}});
    EdgedeskProcess edgedesk(dir.filePath(QStringLiteral("data")),
                             {QStringLiteral("--config"), config});
    QVERIFY2(edgedesk.start(), edgedesk.output().constData());
    const quint16 port = edgedesk.port();
    for (const QByteArray &cls : {QByteArray("BACKEND"), QByteArray("LINUX_COMMAND")}) {
        for (int i = 0; i < (cls == "BACKEND" ? 3 : 2); ++i) {
            const HttpReply started = request(port, "POST",
                                              "/__edgedesk/v1/containers/" + cls + "/instance-" +
                                                  QByteArray::number(i) + "/start",
                                              {}, {}, 30000);
            QVERIFY2(started.status == 200, started.body.constData());
        }
    }
    // A command in flight: its sandbox must go too.
    AsyncClient command(port, AsyncClient::requestBytes(port, "POST", "/run",
                                                        {{"Content-Type", "application/json"}},
                                                        "{\"command\":\"sleep 29.25\"}"));
    const qint64 root = edgedesk.process().processId();
    QTRY_COMPARE_WITH_TIMEOUT(countNamed(containerProcesses(root), "sleep"), 1, 10000);
    const QList<ProcessInfo> processes = containerProcesses(root);
    QCOMPARE(countNamed(processes, "api-backend"), 3);
    QCOMPARE(countNamed(processes, "command-runner"), 2);
    QVERIFY(countNamed(processes, "bwrap") >= 3 * 2 + 2); // outer and inner bwrap per sandbox

    if (kill9) {
        edgedesk.kill9();
    } else {
        QVERIFY(edgedesk.terminate(5000));
        QCOMPARE(edgedesk.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(edgedesk.process().exitCode(), 0);
        QVERIFY2(!edgedesk.output().contains("did not stop within"), edgedesk.output().constData());
    }
    for (const ProcessInfo &p : processes)
        QTRY_VERIFY2_WITH_TIMEOUT(!isAlive(p), p.comm.constData(), 5000);
}

QTEST_GUILESS_MAIN(TestOrphans)
#include "test_orphans.moc"
