#include "containertestkit.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace edgedesk;
using namespace edgedesk::test;

// POST /run through the router: commands wait in the class's queue for a slot of an instance
// and are refused (429, Retry-After) only when the queue is full or their wait runs out.
class TestRunQueue final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void sixteenConcurrentCommandsAllSucceed();
    void fillsOneInstanceThenStartsTheNext();
    void fullQueueRefusesWithRetryAfter();
    void waitLimitRefusesWithRetryAfter();
    void badQueueSettingsAreRefused_data();
    void badQueueSettingsAreRefused();

private:
    bool start(const QJsonObject &extra);
    quint16 port() const { return m_server->port(); }
    QJsonObject queue();
    std::unique_ptr<AsyncClient> post(const QString &command);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestServer> m_server;
};

namespace {

QJsonObject runnerClass(int maxInstances, const QJsonObject &extra)
{
    QJsonObject o{{QStringLiteral("class_name"), QStringLiteral("LinuxCommandContainer")},
                  {QStringLiteral("image"), QStringLiteral("command-runner")},
                  {QStringLiteral("max_instances"), maxInstances},
                  {QStringLiteral("command_network"), QStringLiteral("none")}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

// The milliseconds a Server-Timing header gives its "queue" metric, or -1.
double queueMs(const QByteArray &serverTiming)
{
    static const QRegularExpression re(QStringLiteral("^queue;dur=(\\d+\\.\\d{3})$"));
    const QRegularExpressionMatch m = re.match(QString::fromLatin1(serverTiming));
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
}

QString errorCode(const QJsonObject &json)
{
    return json.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString();
}

} // namespace

void TestRunQueue::initTestCase()
{
    if (!bwrapUsable())
        QSKIP("bubblewrap cannot create sandboxes here: command-runner needs it");
}

void TestRunQueue::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestRunQueue::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

bool TestRunQueue::start(const QJsonObject &classJson)
{
    m_server = startServer(m_dir->path(), m_dir->filePath(QStringLiteral("data")),
                           {{QStringLiteral("LINUX_COMMAND"), classJson}});
    return m_server != nullptr;
}

QJsonObject TestRunQueue::queue()
{
    return request(port(), "GET", "/__edgedesk/v1/containers/LINUX_COMMAND")
        .json()
        .value(QLatin1String("queue"))
        .toObject();
}

std::unique_ptr<AsyncClient> TestRunQueue::post(const QString &command)
{
    return std::make_unique<AsyncClient>(
        port(), AsyncClient::requestBytes(port(), "POST", "/run",
                                          {{"Content-Type", "application/json"}},
                                          runBody(command)));
}

// One runner instance has 4 slots: 16 commands at once means 12 wait, and none is refused.
void TestRunQueue::sixteenConcurrentCommandsAllSucceed()
{
    QVERIFY(start(runnerClass(1, {})));
    const QJsonObject settings = queue();
    QCOMPARE(settings.value(QLatin1String("slots_per_instance")), QJsonValue(4));
    QCOMPARE(settings.value(QLatin1String("max_queued_requests")), QJsonValue(64));
    QCOMPARE(settings.value(QLatin1String("queue_timeout_ms")), QJsonValue(5000));

    std::vector<std::unique_ptr<AsyncClient>> calls;
    for (int i = 0; i < 16; ++i)
        calls.push_back(post(QStringLiteral("sleep 0.2; echo command %1").arg(i)));
    int waited = 0;
    for (int i = 0; i < 16; ++i) {
        AsyncClient &call = *calls[size_t(i)];
        QTRY_VERIFY_WITH_TIMEOUT(call.isFinished(), 60000);
        QVERIFY2(call.status() == 200, call.body().constData());
        QCOMPARE(call.json().value(QLatin1String("output")).toString(),
                 QStringLiteral("command %1\n").arg(i));
        QCOMPARE(call.header("x-edgedesk-instance"), QByteArray("instance-0"));
        const double ms = queueMs(call.header("server-timing"));
        QVERIFY2(ms >= 0, call.header("server-timing").constData());
        if (ms > 0)
            ++waited;
    }
    // Four slots for sixteen commands of 200 ms each: most had to wait.
    QVERIFY2(waited >= 8, qPrintable(QString::number(waited)));
    const QJsonObject after = queue();
    QCOMPARE(after.value(QLatin1String("busy")), QJsonValue(0));
    QCOMPARE(after.value(QLatin1String("waiting")), QJsonValue(0));
    QCOMPARE(after.value(QLatin1String("refused_queue_full")), QJsonValue(0));
    QCOMPARE(after.value(QLatin1String("refused_wait_limit")), QJsonValue(0));

    // The traffic log shows the wait of every /run request.
    const QJsonArray records = request(port(), "GET", "/__edgedesk/v1/traffic?limit=100")
                                   .json()
                                   .value(QLatin1String("records"))
                                   .toArray();
    int runRecords = 0;
    for (const QJsonValue &v : records) {
        const QJsonObject r = v.toObject();
        if (r.value(QLatin1String("route")) != QJsonValue(QStringLiteral("run")))
            continue;
        ++runRecords;
        QVERIFY(r.value(QLatin1String("queue_ms")).isDouble());
        QVERIFY(r.value(QLatin1String("queue_ms")).toDouble() <=
                r.value(QLatin1String("duration_ms")).toDouble());
    }
    QCOMPARE(runRecords, 16);
}

// Commands one after another stay on the running instance; a stopped instance is started only
// when every slot of the running ones is taken, and then takes its share.
void TestRunQueue::fillsOneInstanceThenStartsTheNext()
{
    // A generous wait limit: starting the second instance may take seconds on a loaded machine.
    QVERIFY(start(runnerClass(2, {{QStringLiteral("queue_timeout"), QStringLiteral("60s")}})));
    for (int i = 0; i < 3; ++i) {
        const HttpReply reply = request(port(), "POST", "/run", {{"Content-Type", "application/json"}},
                                        runBody(QStringLiteral("echo one")), 30000);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("x-edgedesk-instance"), QByteArray("instance-0"));
    }
    const auto stateOf = [this](const QString &id) {
        return request(port(), "GET",
                       QStringLiteral("/__edgedesk/v1/containers/LINUX_COMMAND/%1").arg(id).toUtf8())
            .json()
            .value(QLatin1String("state"))
            .toString();
    };
    QCOMPARE(stateOf(QStringLiteral("instance-1")), QStringLiteral("stopped"));

    std::vector<std::unique_ptr<AsyncClient>> calls;
    for (int i = 0; i < 8; ++i)
        calls.push_back(post(QStringLiteral("sleep 20; echo at once %1").arg(i)));
    // All eight run at once (4 slots per instance): the second instance was started for them.
    QTRY_COMPARE_WITH_TIMEOUT(queue().value(QLatin1String("busy")), QJsonValue(8), 60000);
    QHash<QByteArray, int> perInstance;
    for (const auto &call : calls) {
        QTRY_VERIFY_WITH_TIMEOUT(call->isFinished(), 60000);
        QCOMPARE(call->status(), 200);
        ++perInstance[call->header("x-edgedesk-instance")];
    }
    QCOMPARE(perInstance.value("instance-0"), 4);
    QCOMPARE(perInstance.value("instance-1"), 4);
}

void TestRunQueue::fullQueueRefusesWithRetryAfter()
{
    QVERIFY(start(runnerClass(1, {{QStringLiteral("max_queued_requests"), 2},
                                  {QStringLiteral("queue_timeout"), QStringLiteral("30s")}})));
    std::vector<std::unique_ptr<AsyncClient>> calls;
    for (int i = 0; i < 4; ++i)
        calls.push_back(post(QStringLiteral("sleep 2; echo slot %1").arg(i)));
    QTRY_COMPARE_WITH_TIMEOUT(queue().value(QLatin1String("busy")), QJsonValue(4), 30000);
    for (int i = 4; i < 6; ++i)
        calls.push_back(post(QStringLiteral("echo queued %1").arg(i)));
    QTRY_COMPARE_WITH_TIMEOUT(queue().value(QLatin1String("waiting")), QJsonValue(2), 30000);

    const HttpReply refused = request(port(), "POST", "/run", {{"Content-Type", "application/json"}},
                                      runBody(QStringLiteral("echo refused")), 30000);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.header("content-type"), QByteArray("application/json"));
    QCOMPARE(refused.header("retry-after"), QByteArray("30"));
    QCOMPARE(queueMs(refused.header("server-timing")), 0.0);
    QCOMPARE(errorCode(refused.json()), QStringLiteral("too_many_requests"));
    QVERIFY(refused.json()
                .value(QLatin1String("error"))
                .toObject()
                .value(QLatin1String("message"))
                .toString()
                .contains(QLatin1String("2 requests are already waiting")));
    QCOMPARE(queue().value(QLatin1String("refused_queue_full")), QJsonValue(1));

    // Nothing that was admitted is lost: the four running and the two waiting all answer.
    for (int i = 0; i < 6; ++i) {
        AsyncClient &call = *calls[size_t(i)];
        QTRY_VERIFY_WITH_TIMEOUT(call.isFinished(), 60000);
        QCOMPARE(call.status(), 200);
        QCOMPARE(call.json().value(QLatin1String("output")).toString(),
                 (i < 4 ? QStringLiteral("slot %1\n") : QStringLiteral("queued %1\n")).arg(i));
    }
    QCOMPARE(queue().value(QLatin1String("waiting")), QJsonValue(0));
}

void TestRunQueue::waitLimitRefusesWithRetryAfter()
{
    QVERIFY(start(runnerClass(1, {{QStringLiteral("queue_timeout"), QStringLiteral("300ms")}})));
    std::vector<std::unique_ptr<AsyncClient>> sleepers;
    for (int i = 0; i < 4; ++i)
        sleepers.push_back(post(QStringLiteral("sleep 3; echo slept")));
    QTRY_COMPARE_WITH_TIMEOUT(queue().value(QLatin1String("busy")), QJsonValue(4), 30000);

    std::unique_ptr<AsyncClient> late = post(QStringLiteral("echo too late"));
    QTRY_VERIFY_WITH_TIMEOUT(late->isFinished(), 30000);
    QCOMPARE(late->status(), 429);
    QCOMPARE(late->header("content-type"), QByteArray("application/json"));
    QCOMPARE(late->header("retry-after"), QByteArray("1"));
    QCOMPARE(errorCode(late->json()), QStringLiteral("too_many_requests"));
    QVERIFY2(queueMs(late->header("server-timing")) >= 300,
             late->header("server-timing").constData());
    QCOMPARE(queue().value(QLatin1String("refused_wait_limit")), QJsonValue(1));
    QCOMPARE(queue().value(QLatin1String("waiting")), QJsonValue(0));

    for (const auto &call : sleepers) {
        QTRY_VERIFY_WITH_TIMEOUT(call->isFinished(), 60000);
        QCOMPARE(call->status(), 200);
        QCOMPARE(call->json().value(QLatin1String("output")).toString(), QStringLiteral("slept\n"));
    }
}

void TestRunQueue::badQueueSettingsAreRefused_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addRow("negative queue size") << QStringLiteral("max_queued_requests") << QJsonValue(-1);
    QTest::addRow("fractional queue size") << QStringLiteral("max_queued_requests") << QJsonValue(2.5);
    QTest::addRow("queue size as text")
        << QStringLiteral("max_queued_requests") << QJsonValue(QStringLiteral("64"));
    QTest::addRow("zero timeout") << QStringLiteral("queue_timeout") << QJsonValue(QStringLiteral("0s"));
    QTest::addRow("timeout not a duration")
        << QStringLiteral("queue_timeout") << QJsonValue(QStringLiteral("soon"));
}

// A bad value keeps the class from serving with a JSON error that names the key; it never
// silently falls back to a default.
void TestRunQueue::badQueueSettingsAreRefused()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QVERIFY(start(runnerClass(1, {{key, value}})));
    const HttpReply reply = request(port(), "POST", "/run", {{"Content-Type", "application/json"}},
                                    runBody(QStringLiteral("echo hi")), 30000);
    QCOMPARE(reply.status, 503);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    QVERIFY2(reply.json()
                 .value(QLatin1String("error"))
                 .toObject()
                 .value(QLatin1String("message"))
                 .toString()
                 .contains(key),
             reply.body.constData());
}

QTEST_GUILESS_MAIN(TestRunQueue)
#include "test_runqueue.moc"
