#include "containertestkit.h"
#include "serverhost.h"
#include "testsupport.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <unistd.h>
#include <memory>

using namespace edgedesk;
using namespace edgedesk::test;

// The container manager and the /api/*, /run proxy through a real in-process server, with the
// real api-backend and command-runner programs in real sandboxes.
class TestContainers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void startsOnDemand();
    void backendInstancesHaveNoHostNetworkNorRoot();
    void concurrentColdRequestsAllSucceed();
    void spreadsRequestsAcrossInstances();
    void sleepAfterStopsAnIdleInstance();
    void crashIsReportedAndTheNextRequestRestarts();
    void upstreamFailures_data();
    void upstreamFailures();
    void largeBodiesBothWays();
    void relaysStreamedAnswers_data();
    void relaysStreamedAnswers();
    void headersPassThrough();
    void clientDisconnectCancelsTheUpstreamRequest();
    void runAnswersLikeTheDemo();
    void runSandboxThroughTheRouter();
    void lastRequestTimestampIsDurable();
    void controlApi();
    void requestsDuringAStopAreServedByTheNextStart();
    void controlApiErrors_data();
    void controlApiErrors();
    void logsTailAndStream();
    void hostPublishesContainerChanges();
    void shutdownStopsEveryInstance();
    void stopWithRequestsInFlight();

private:
    bool start(const QList<QPair<QString, QJsonObject>> &classes);
    quint16 port() const { return m_server->port(); }
    QJsonObject containers();
    QJsonObject instance(const QString &cls, const QString &id);
    // The instances of the first configured class, as GET /__edgedesk/v1/containers lists them.
    QJsonArray firstClassInstances()
    {
        return containers()
            .value(QLatin1String("classes"))
            .toArray()
            .first()
            .toObject()
            .value(QLatin1String("instances"))
            .toArray();
    }
    QString state(const QString &cls, const QString &id) // as the control API reports it
    {
        return instance(cls, id).value(QLatin1String("state")).toString();
    }
    QJsonObject post(const QByteArray &target, int expectedStatus = 200);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestServer> m_server;
};

namespace {

QJsonObject backendClass(int maxInstances = 3, const QJsonObject &extra = {})
{
    QJsonObject o{{QStringLiteral("class_name"), QStringLiteral("GoBackend")},
                  {QStringLiteral("image"), QStringLiteral("api-backend")},
                  {QStringLiteral("max_instances"), maxInstances},
                  {QStringLiteral("instance_type"), QStringLiteral("basic")},
                  {QStringLiteral("sleep_after"), QStringLiteral("10m")}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QJsonObject runnerClass()
{
    return QJsonObject{{QStringLiteral("class_name"), QStringLiteral("LinuxCommandContainer")},
                       {QStringLiteral("image"), QStringLiteral("command-runner")},
                       {QStringLiteral("max_instances"), 2},
                       {QStringLiteral("command_network"), QStringLiteral("none")}};
}

QJsonObject remoteClass(quint16 port, const QString &timeout = QString())
{
    QJsonObject o{{QStringLiteral("class_name"), QStringLiteral("Remote")},
                  {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1").arg(port)},
                  {QStringLiteral("max_instances"), 2}};
    if (!timeout.isEmpty())
        o.insert(QStringLiteral("proxy_timeout"), timeout);
    return o;
}

QStringList sortedKeys(const QJsonObject &object)
{
    QStringList keys = object.keys();
    keys.sort();
    return keys;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The namespace of kind ("net", "pid"...) process pid is in, e.g. "net:[4026531992]".
QByteArray namespaceOf(qint64 pid, const char *kind)
{
    char target[128] = {};
    const QByteArray link = QStringLiteral("/proc/%1/ns/%2").arg(pid).arg(QLatin1String(kind)).toLocal8Bit();
    const ssize_t length = ::readlink(link.constData(), target, sizeof target - 1);
    return length > 0 ? QByteArray(target, length) : QByteArray();
}

QList<ProcessInfo> containerProcesses()
{
    static const QSet<QByteArray> names{"api-backend", "command-runner", "bwrap", "sleep"};
    QList<ProcessInfo> out;
    for (const ProcessInfo &p : descendants(QCoreApplication::applicationPid())) {
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

void TestContainers::initTestCase()
{
    if (!bwrapUsable())
        QSKIP("bubblewrap cannot create sandboxes here: the container instances need it");
    QVERIFY(QFileInfo(program(QStringLiteral("api-backend"))).isExecutable());
    QVERIFY(QFileInfo(program(QStringLiteral("command-runner"))).isExecutable());
}

void TestContainers::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestContainers::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

bool TestContainers::start(const QList<QPair<QString, QJsonObject>> &classes)
{
    m_server = startServer(m_dir->path(), m_dir->filePath(QStringLiteral("data")), classes);
    return m_server != nullptr;
}

QJsonObject TestContainers::containers()
{
    const HttpReply reply = request(port(), "GET", "/__edgedesk/v1/containers");
    if (reply.status != 200)
        qWarning() << "GET /__edgedesk/v1/containers:" << reply.status << reply.body;
    return reply.json();
}

QJsonObject TestContainers::instance(const QString &cls, const QString &id)
{
    return request(port(), "GET",
                   QStringLiteral("/__edgedesk/v1/containers/%1/%2").arg(cls, id).toUtf8())
        .json();
}

QJsonObject TestContainers::post(const QByteArray &target, int expectedStatus)
{
    const HttpReply reply = request(port(), "POST", target, {}, {}, 30000);
    if (reply.status != expectedStatus)
        qWarning() << "POST" << target << reply.status << reply.body;
    return reply.status == expectedStatus ? reply.json() : QJsonObject();
}

void TestContainers::startsOnDemand()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass()}}));
    const QJsonObject before = containers();
    const QJsonArray classes = before.value(QLatin1String("classes")).toArray();
    QCOMPARE(classes.size(), 1);
    const QJsonObject cls = classes.first().toObject();
    QCOMPARE(cls.value(QLatin1String("class_name")).toString(), QStringLiteral("GoBackend"));
    QCOMPARE(cls.value(QLatin1String("binding")).toString(), QStringLiteral("BACKEND"));
    QCOMPARE(cls.value(QLatin1String("image")).toString(), QStringLiteral("api-backend"));
    QCOMPARE(cls.value(QLatin1String("max_instances")).toInt(), 3);
    QCOMPARE(cls.value(QLatin1String("instance_type")).toString(), QStringLiteral("basic"));
    QCOMPARE(cls.value(QLatin1String("sleep_after_ms")).toInteger(), 600000);
    const QJsonArray instances = cls.value(QLatin1String("instances")).toArray();
    QCOMPARE(instances.size(), 3);
    for (int i = 0; i < 3; ++i) {
        const QJsonObject o = instances[i].toObject();
        QCOMPARE(sortedKeys(o),
                 (QStringList{"cpu_percent", "exit_code", "id", "in_flight", "last_error",
                              "last_request", "pid", "port", "requests", "rss_bytes", "state",
                              "storage", "uptime_s"}));
        QCOMPARE(o.value(QLatin1String("id")).toString(), QStringLiteral("instance-%1").arg(i));
        QCOMPARE(o.value(QLatin1String("state")).toString(), QStringLiteral("stopped"));
        QVERIFY(o.value(QLatin1String("pid")).isNull());
        QVERIFY(o.value(QLatin1String("port")).isNull());
        QVERIFY(o.value(QLatin1String("last_request")).isNull());
        QCOMPARE(o.value(QLatin1String("requests")).toInt(), 0);
        QCOMPARE(o.value(QLatin1String("storage")).toObject(), QJsonObject());
    }
    QVERIFY(containerProcesses().isEmpty());

    const qint64 sentAt = QDateTime::currentMSecsSinceEpoch();
    const HttpReply reply = request(port(), "GET", "/api/api1", {}, {}, 30000);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    const QString served = QString::fromUtf8(reply.header("x-edgedesk-instance"));
    QVERIFY2(QRegularExpression(QStringLiteral("^instance-[0-2]$")).match(served).hasMatch(),
             qPrintable(served));
    QCOMPARE(reply.json().value(QLatin1String("message")).toString(),
             QStringLiteral("Hello from API 1"));
    QCOMPARE(reply.json().value(QLatin1String("instance")).toString(), served);

    // The pid shown is the program's, not bwrap's, once the sampler has seen it.
    QJsonObject o;
    QTRY_VERIFY_WITH_TIMEOUT(
        (o = instance(QStringLiteral("BACKEND"), served),
         processInfo(o.value(QLatin1String("pid")).toInteger()).comm == "api-backend"),
        5000);
    QCOMPARE(o.value(QLatin1String("state")).toString(), QStringLiteral("healthy"));
    QVERIFY(o.value(QLatin1String("port")).toInt() > 0);
    QCOMPARE(o.value(QLatin1String("requests")).toInt(), 1);
    QCOMPARE(o.value(QLatin1String("in_flight")).toInt(), 0);
    QVERIFY(o.value(QLatin1String("exit_code")).isNull());
    const QDateTime last =
        QDateTime::fromString(o.value(QLatin1String("last_request")).toString(), Qt::ISODateWithMs);
    QVERIFY(last.isValid());
    QVERIFY(last.toMSecsSinceEpoch() >= sentAt - 1 &&
            last.toMSecsSinceEpoch() <= QDateTime::currentMSecsSinceEpoch());
    QVERIFY(o.value(QLatin1String("uptime_s")).toDouble() >= 0);
    QTRY_VERIFY(
        instance(QStringLiteral("BACKEND"), served).value(QLatin1String("rss_bytes")).toDouble() >
        1024 * 1024);

    // In its own pid namespace (bubblewrap).
    const qint64 pid = o.value(QLatin1String("pid")).toInteger();
    const QByteArray status = readFile(QStringLiteral("/proc/%1/status").arg(pid));
    const QByteArray nspid = status.mid(status.indexOf("NSpid:"));
    QCOMPARE(nspid.left(nspid.indexOf('\n')).simplified().split(' ').size(), 3);
    QVERIFY(containers()
                .value(QLatin1String("classes"))
                .toArray()
                .first()
                .toObject()
                .value(QLatin1String("containment"))
                .toString()
                .startsWith(QLatin1String("bubblewrap")));

    // The other instances were not started.
    int stopped = 0;
    for (const QJsonValue &v : firstClassInstances())
        stopped +=
            v.toObject().value(QLatin1String("state")).toString() == QLatin1String("stopped");
    QCOMPARE(stopped, 2);
    QCOMPARE(countNamed(containerProcesses(), "api-backend"), 1);

    // The traffic record names the instance.
    const QJsonArray records = request(port(), "GET", "/__edgedesk/v1/traffic?limit=50")
                                   .json()
                                   .value(QLatin1String("records"))
                                   .toArray();
    bool found = false;
    for (const QJsonValue &v : records) {
        const QJsonObject r = v.toObject();
        if (r.value(QLatin1String("path")).toString() == QLatin1String("/api/api1")) {
            QCOMPARE(r.value(QLatin1String("instance")).toString(), served);
            QCOMPARE(r.value(QLatin1String("binding")).toString(), QStringLiteral("BACKEND"));
            found = true;
        }
    }
    QVERIFY(found);
}

// Like every /run sandbox, every api-backend instance has a network namespace of its own (the
// proxy reaches it through its Unix socket) and, when EdgeDesk runs as root, a host uid of its
// own instead of root.
void TestContainers::backendInstancesHaveNoHostNetworkNorRoot()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(2)}}));
    QSet<qint64> uids;
    for (const QString &id : {QStringLiteral("instance-0"), QStringLiteral("instance-1")}) {
        QCOMPARE(post("/__edgedesk/v1/containers/BACKEND/" + id.toLatin1() + "/start")
                     .value(QLatin1String("instance"))
                     .toObject()
                     .value(QLatin1String("state"))
                     .toString(),
                 QStringLiteral("healthy"));
        QJsonObject o;
        QTRY_VERIFY_WITH_TIMEOUT(
            (o = instance(QStringLiteral("BACKEND"), id),
             processInfo(o.value(QLatin1String("pid")).toInteger()).comm == "api-backend"),
            5000);
        const qint64 pid = o.value(QLatin1String("pid")).toInteger();
        const QByteArray net = namespaceOf(pid, "net");
        QVERIFY(!net.isEmpty());
        QVERIFY2(net != namespaceOf(QCoreApplication::applicationPid(), "net"), net.constData());
        const qint64 uid = hostUidOf(pid);
        if (::geteuid() == 0)
            QVERIFY2(uid >= 3998000 && uid < 3999000, qPrintable(QString::number(uid)));
        else
            QCOMPARE(uid, qint64(::getuid()));
        uids.insert(uid);
        // The port it listens on exists only in its own namespace.
        QCOMPARE(request(o.value(QLatin1String("port")).toInt(), "GET", "/ping", {}, {}, 2000).status,
                 0);
    }
    if (::geteuid() == 0)
        QCOMPARE(uids.size(), 2);
    for (int i = 0; i < 6; ++i) {
        const HttpReply reply = request(port(), "GET", "/api/api1", {}, {}, 30000);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QLatin1String("instance")).toString(),
                 QString::fromUtf8(reply.header("x-edgedesk-instance")));
    }
}

void TestContainers::concurrentColdRequestsAllSucceed()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(3)}}));
    std::vector<std::unique_ptr<AsyncClient>> clients;
    for (int i = 0; i < 20; ++i)
        clients.push_back(std::make_unique<AsyncClient>(
            port(), AsyncClient::requestBytes(port(), "GET", "/api/api1")));
    // Never more processes than max_instances, even while they all start at once.
    int mostProcesses = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        (mostProcesses = qMax(mostProcesses, countNamed(containerProcesses(), "api-backend")),
         std::all_of(clients.begin(), clients.end(), [](auto &c) { return c->isFinished(); })),
        30000);
    QSet<QByteArray> used;
    for (const auto &c : clients) {
        QCOMPARE(c->status(), 200);
        QCOMPARE(c->json().value(QLatin1String("message")).toString(),
                 QStringLiteral("Hello from API 1"));
        used.insert(c->header("x-edgedesk-instance"));
    }
    QVERIFY(mostProcesses <= 3);
    QCOMPARE(countNamed(containerProcesses(), "api-backend"), int(used.size()));
    int requests = 0;
    for (const QJsonValue &v : firstClassInstances())
        requests += v.toObject().value(QLatin1String("requests")).toInt();
    QCOMPARE(requests, 20);
}

void TestContainers::spreadsRequestsAcrossInstances()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(3)}}));
    QHash<QByteArray, int> counts;
    for (int i = 0; i < 300; ++i) {
        const HttpReply reply = request(port(), "GET", "/api/api1", {}, {}, 30000);
        QCOMPARE(reply.status, 200);
        ++counts[reply.header("x-edgedesk-instance")];
    }
    QCOMPARE(counts.size(), 3);
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        QVERIFY2(it.value() <= 150, qPrintable(QStringLiteral("%1 served %2 of 300")
                                                   .arg(QString::fromUtf8(it.key()))
                                                   .arg(it.value())));
    QCOMPARE(countNamed(containerProcesses(), "api-backend"), 3);
}

void TestContainers::sleepAfterStopsAnIdleInstance()
{
    QVERIFY(start({{QStringLiteral("BACKEND"),
                    backendClass(1, {{QStringLiteral("sleep_after"), QStringLiteral("2s")}})}}));
    QCOMPARE(request(port(), "GET", "/api/api1", {}, {}, 30000).status, 200);
    const QJsonObject running = instance(QStringLiteral("BACKEND"), QStringLiteral("instance-0"));
    QCOMPARE(running.value(QLatin1String("state")).toString(), QStringLiteral("healthy"));
    const QList<ProcessInfo> processes = containerProcesses();
    QCOMPARE(countNamed(processes, "api-backend"), 1);

    QTRY_COMPARE_WITH_TIMEOUT(state(QStringLiteral("BACKEND"), QStringLiteral("instance-0")),
                              QStringLiteral("stopped"), 15000);
    const QJsonObject asleep = instance(QStringLiteral("BACKEND"), QStringLiteral("instance-0"));
    QVERIFY(asleep.value(QLatin1String("pid")).isNull());
    QCOMPARE(asleep.value(QLatin1String("exit_code")).toInt(), 0); // SIGTERM: a clean exit
    for (const ProcessInfo &p : processes)
        QTRY_VERIFY(!isAlive(p));
    const QJsonArray lines =
        request(port(), "GET", "/__edgedesk/v1/containers/BACKEND/instance-0/logs?tail=50")
            .json()
            .value(QLatin1String("lines"))
            .toArray();
    bool noted = false;
    for (const QJsonValue &v : lines)
        noted = noted || v.toObject()
                             .value(QLatin1String("message"))
                             .toString()
                             .contains(QLatin1String("sleep_after"));
    QVERIFY(noted);

    // The next request starts it again.
    QCOMPARE(request(port(), "GET", "/api/api1", {}, {}, 30000).status, 200);
    QCOMPARE(state(QStringLiteral("BACKEND"), QStringLiteral("instance-0")),
             QStringLiteral("healthy"));
}

void TestContainers::crashIsReportedAndTheNextRequestRestarts()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(1)}}));
    QCOMPARE(request(port(), "GET", "/api/api1", {}, {}, 30000).status, 200);
    qint64 pid = 0;
    QTRY_VERIFY((pid = instance(QStringLiteral("BACKEND"), QStringLiteral("instance-0"))
                           .value(QLatin1String("pid"))
                           .toInteger(),
                 processInfo(pid).comm == "api-backend"));
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);

    QTRY_COMPARE_WITH_TIMEOUT(state(QStringLiteral("BACKEND"), QStringLiteral("instance-0")),
                              QStringLiteral("stopped_with_code"), 10000);
    const QJsonObject crashed = instance(QStringLiteral("BACKEND"), QStringLiteral("instance-0"));
    QCOMPARE(crashed.value(QLatin1String("exit_code")).toInt(), 128 + SIGKILL);
    QVERIFY(crashed.value(QLatin1String("pid")).isNull());
    QVERIFY(crashed.value(QLatin1String("last_error")).toString().contains(QLatin1String("137")));
    QTRY_VERIFY([&] {
        const QJsonArray lines =
            request(port(), "GET", "/__edgedesk/v1/containers/BACKEND/instance-0/logs?tail=20")
                .json()
                .value(QLatin1String("lines"))
                .toArray();
        for (const QJsonValue &v : lines) {
            const QJsonObject line = v.toObject();
            if (line.value(QLatin1String("message"))
                    .toString()
                    .contains(QLatin1String("exited unexpectedly with code 137")))
                return line.value(QLatin1String("level")).toString() == QLatin1String("error");
        }
        return false;
    }());

    const HttpReply again = request(port(), "GET", "/api/api1", {}, {}, 30000);
    QCOMPARE(again.status, 200);
    const QJsonObject restarted = instance(QStringLiteral("BACKEND"), QStringLiteral("instance-0"));
    QCOMPARE(restarted.value(QLatin1String("state")).toString(), QStringLiteral("healthy"));
    QVERIFY(restarted.value(QLatin1String("exit_code")).isNull());
    QVERIFY(restarted.value(QLatin1String("pid")).toInteger() != pid);
}

void TestContainers::upstreamFailures_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("state");
    QTest::addRow("refused: url on a closed port")
        << QStringLiteral("refused") << 502 << QStringLiteral("bad_gateway")
        << QStringLiteral("refused the connection") << QStringLiteral("running");
    QTest::addRow("silent: url that never answers, proxy_timeout 1s")
        << QStringLiteral("silent") << 504 << QStringLiteral("gateway_timeout")
        << QStringLiteral("did not answer within 1000 ms") << QStringLiteral("running");
    QTest::addRow("missing program")
        << QStringLiteral("missing") << 503 << QStringLiteral("service_unavailable")
        << QStringLiteral("not found") << QStringLiteral("stopped");
    QTest::addRow("program that exits at once")
        << QStringLiteral("exits") << 503 << QStringLiteral("service_unavailable")
        << QStringLiteral("exited with code 1") << QStringLiteral("stopped_with_code");
}

void TestContainers::upstreamFailures()
{
    QFETCH(QString, kind);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QString, state);
    std::unique_ptr<TestUpstream> silent;
    QJsonObject cls;
    if (kind == QLatin1String("refused")) {
        cls = remoteClass(freePort());
    } else if (kind == QLatin1String("silent")) {
        silent = std::make_unique<TestUpstream>(TestUpstream::Mode::Silent);
        cls = remoteClass(silent->port(), QStringLiteral("1s"));
    } else if (kind == QLatin1String("missing")) {
        cls = backendClass(1, {{QStringLiteral("image"), m_dir->filePath("no/such/program")}});
    } else {
        cls = backendClass(1, {{QStringLiteral("image"), QStringLiteral("/bin/false")}});
    }
    QVERIFY(start({{QStringLiteral("BACKEND"), cls}}));

    const HttpReply reply = request(port(), "GET", "/api/anything?x=1", {}, {}, 30000);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    const QString served = QString::fromUtf8(reply.header("x-edgedesk-instance"));
    QVERIFY(served.startsWith(QLatin1String("instance-")));
    const QJsonObject error = reply.json().value(QLatin1String("error")).toObject();
    QCOMPARE(sortedKeys(error), (QStringList{"code", "instance", "message"}));
    QCOMPARE(error.value(QLatin1String("code")).toString(), code);
    QCOMPARE(error.value(QLatin1String("instance")).toString(), served);
    QVERIFY2(error.value(QLatin1String("message")).toString().contains(served) &&
                 error.value(QLatin1String("message")).toString().contains(message),
             qPrintable(error.value(QLatin1String("message")).toString()));
    QCOMPARE(this->state(QStringLiteral("BACKEND"), served), state);
    QCOMPARE(instance(QStringLiteral("BACKEND"), served).value(QLatin1String("in_flight")).toInt(),
             0);
    if (silent)
        QCOMPARE(silent->requestsSeen(), 1);
}

void TestContainers::largeBodiesBothWays()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(1)}}));
    QByteArray body(512 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < body.size(); ++i)
        body[i] = char((i * 131 + i / 7) % 256);
    const HttpReply reply =
        request(port(), "POST", "/api/echo", {{"Content-Type", "application/x-test"}}, body, 30000);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/x-test"));
    QCOMPARE(reply.header("content-length"), QByteArray::number(body.size()));
    QCOMPARE(reply.body.size(), body.size());
    QVERIFY(reply.body == body);
    // Over the route's limit: refused before it reaches the instance.
    const HttpReply tooBig =
        request(port(), "POST", "/api/echo", {}, QByteArray(1024 * 1024 + 1, 'x'), 30000);
    QCOMPARE(tooBig.status, 413);
}

void TestContainers::relaysStreamedAnswers_data()
{
    QTest::addColumn<int>("mode");
    QTest::addRow("chunked") << int(TestUpstream::Mode::Chunked);
    QTest::addRow("close-delimited") << int(TestUpstream::Mode::CloseDelimited);
    QTest::addRow("content-length") << int(TestUpstream::Mode::Echo);
}

void TestContainers::relaysStreamedAnswers()
{
    QFETCH(int, mode);
    TestUpstream upstream{TestUpstream::Mode(mode)};
    QVERIFY(start({{QStringLiteral("BACKEND"), remoteClass(upstream.port())}}));
    QByteArray body(300 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < body.size(); ++i)
        body[i] = char('A' + i % 23);
    const HttpReply reply = request(port(), "POST", "/api/stream?q=a%20b",
                                    {{"Content-Type", "text/plain"}}, body, 30000);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("text/plain"));
    QCOMPARE(reply.header("x-upstream-method"), QByteArray("POST"));
    QCOMPARE(reply.header("x-upstream-target"), QByteArray("/api/stream?q=a%20b"));
    QVERIFY(reply.header("x-edgedesk-instance").startsWith("instance-"));
    QCOMPARE(reply.body.size(), body.size());
    QVERIFY(reply.body == body);
    // A length known upstream is passed on; an unknown one is streamed in chunks.
    if (mode == int(TestUpstream::Mode::Echo))
        QCOMPARE(reply.header("content-length"), QByteArray::number(body.size()));
    else
        QCOMPARE(reply.header("transfer-encoding"), QByteArray("chunked"));
}

void TestContainers::headersPassThrough()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(1)}}));
    const HttpReply reply = request(port(), "GET", "/api/responseheaders",
                                    {{"X-Custom-Test", "edge value"},
                                     {"Connection", "keep-alive, X-Hop"},
                                     {"X-Hop", "dropped"},
                                     {"Keep-Alive", "timeout=5"},
                                     {"Proxy-Authorization", "Basic c2VjcmV0"},
                                     {"X-Forwarded-For", "10.1.2.3"},
                                     {"User-Agent", "containers-test"}},
                                    {}, 30000);
    QCOMPARE(reply.status, 200);
    const QJsonObject seen = reply.json();
    QCOMPARE(seen.value(QLatin1String("x-custom-test")).toString(), QStringLiteral("edge value"));
    QCOMPARE(seen.value(QLatin1String("user-agent")).toString(), QStringLiteral("containers-test"));
    QCOMPARE(seen.value(QLatin1String("x-forwarded-for")).toString(),
             QStringLiteral("10.1.2.3, 127.0.0.1"));
    QCOMPARE(seen.value(QLatin1String("x-forwarded-proto")).toString(), QStringLiteral("http"));
    QCOMPARE(seen.value(QLatin1String("x-forwarded-host")).toString(),
             QStringLiteral("127.0.0.1:%1").arg(port()));
    const int instancePort = instance(QStringLiteral("BACKEND"), QStringLiteral("instance-0"))
                                 .value(QLatin1String("port"))
                                 .toInt();
    QCOMPARE(seen.value(QLatin1String("host")).toString(),
             QStringLiteral("127.0.0.1:%1").arg(instancePort));
    for (const char *hop : {"connection", "keep-alive", "x-hop", "proxy-authorization"})
        QVERIFY2(!seen.contains(QLatin1String(hop)), hop);
    QCOMPARE(reply.header("x-edgedesk-instance"), QByteArray("instance-0"));
}

void TestContainers::clientDisconnectCancelsTheUpstreamRequest()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(1)}}));
    QCOMPARE(request(port(), "GET", "/api/api1", {}, {}, 30000).status, 200);
    auto client = std::make_unique<AsyncClient>(
        port(), AsyncClient::requestBytes(port(), "GET", "/api/heavycompute?n=45"));
    QTRY_COMPARE(instance(QStringLiteral("BACKEND"), QStringLiteral("instance-0"))
                     .value(QLatin1String("in_flight"))
                     .toInt(),
                 1);
    client->abort();
    QTRY_COMPARE(instance(QStringLiteral("BACKEND"), QStringLiteral("instance-0"))
                     .value(QLatin1String("in_flight"))
                     .toInt(),
                 0);
    // The router closed its upstream connection: api-backend finds its client gone when the
    // computation ends and logs 499 instead of answering.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QJsonArray lines =
                request(port(), "GET", "/__edgedesk/v1/containers/BACKEND/instance-0/logs?tail=20")
                    .json()
                    .value(QLatin1String("lines"))
                    .toArray();
            for (const QJsonValue &v : lines) {
                const QString m = v.toObject().value(QLatin1String("message")).toString();
                if (m.contains(QLatin1String("/api/heavycompute")) &&
                    m.contains(QLatin1String("\"status\":499")))
                    return true;
            }
            return false;
        }(),
        30000);
    // The instance still serves.
    QCOMPARE(request(port(), "GET", "/api/api1", {}, {}, 30000).status, 200);
}

void TestContainers::runAnswersLikeTheDemo()
{
    QVERIFY(start({{QStringLiteral("LINUX_COMMAND"), runnerClass()}}));
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const HttpReply reply = request(port(), "POST", "/run", {{"Content-Type", "application/json"}},
                                    runBody(QStringLiteral("echo hi")), 60000);
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    QVERIFY(reply.header("x-edgedesk-instance") == "instance-0" ||
            reply.header("x-edgedesk-instance") == "instance-1");
    const QJsonObject json = reply.json();
    QCOMPARE(sortedKeys(json),
             (QStringList{"command", "error", "exit_code", "output", "success", "timestamp"}));
    QCOMPARE(json.value(QLatin1String("success")), QJsonValue(true));
    QCOMPARE(json.value(QLatin1String("command")).toString(), QStringLiteral("echo hi"));
    QCOMPARE(json.value(QLatin1String("output")).toString(), QStringLiteral("hi\n"));
    QCOMPARE(json.value(QLatin1String("error")).toString(), QString());
    QCOMPARE(json.value(QLatin1String("exit_code")), QJsonValue(0));
    const double timestamp = json.value(QLatin1String("timestamp")).toDouble();
    QVERIFY(timestamp * 1000 >= double(before) - 1 && timestamp * 1000 <= double(after) + 1);
    // The demo's field order, byte for byte through the proxy.
    const QList<QByteArray> order = {"\"success\":", "\"command\":",   "\"output\":",
                                     "\"error\":",   "\"exit_code\":", "\"timestamp\":"};
    qsizetype previous = -1;
    for (const QByteArray &key : order) {
        const qsizetype at = reply.body.indexOf(key);
        QVERIFY2(at > previous, key.constData());
        previous = at;
    }

    // GET /run: the runner's health document; the class shows its containment.
    const HttpReply health = request(port(), "GET", "/run", {}, {}, 60000);
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(QLatin1String("service")).toString(),
             QStringLiteral("linux-command-container"));
    QTRY_VERIFY(!containers()
                     .value(QLatin1String("classes"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("containment"))
                     .toString()
                     .isEmpty());
    const QString containment = containers()
                                    .value(QLatin1String("classes"))
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value(QLatin1String("containment"))
                                    .toString();
    QCOMPARE(containment, health.json().value(QLatin1String("containment")).toString());

    // Errors of the runner pass through unchanged.
    const HttpReply bad = request(port(), "POST", "/run", {{"Content-Type", "application/json"}},
                                  "{\"cmd\":1}", 60000);
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json().value(QLatin1String("error")).toObject().value(QLatin1String("code")),
             QJsonValue(QStringLiteral("bad_request")));
}

void TestContainers::runSandboxThroughTheRouter()
{
    QVERIFY(start({{QStringLiteral("LINUX_COMMAND"), runnerClass()}}));
    const QJsonObject uid = request(port(), "POST", "/run", {{"Content-Type", "application/json"}},
                                    runBody(QStringLiteral("id -u")), 60000)
                                .json();
    QCOMPARE(uid.value(QLatin1String("exit_code")).toInt(), 0);
    QVERIFY(!uid.value(QLatin1String("output")).toString().trimmed().isEmpty());
    QVERIFY(uid.value(QLatin1String("output")).toString().trimmed() != QLatin1String("0"));

    const QJsonObject interfaces =
        request(
            port(), "POST", "/run", {{"Content-Type", "application/json"}},
            runBody(QStringLiteral(
                "ls /sys/class/net 2>/dev/null || cat /proc/net/dev | tail -n +3 | cut -d: -f1")),
            60000)
            .json();
    QCOMPARE(interfaces.value(QLatin1String("output")).toString().simplified(),
             QStringLiteral("lo"));
    // Not even EdgeDesk's own port on the host's loopback is reachable.
    const QJsonObject reach =
        request(port(), "POST", "/run", {{"Content-Type", "application/json"}},
                runBody(QStringLiteral("curl -sS -m 3 http://127.0.0.1:%1/__edgedesk/v1/health")
                            .arg(port())),
                60000)
            .json();
    QVERIFY(reach.value(QLatin1String("exit_code")).toInt() != 0);
    QVERIFY(!reach.value(QLatin1String("output")).toString().contains(QLatin1String("ok")));
}

void TestContainers::lastRequestTimestampIsDurable()
{
    QVERIFY(start({{QStringLiteral("LINUX_COMMAND"), runnerClass()}}));
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const HttpReply reply = request(port(), "POST", "/run", {{"Content-Type", "application/json"}},
                                    runBody(QStringLiteral("true")), 60000);
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(reply.status, 200);
    const QString served = QString::fromUtf8(reply.header("x-edgedesk-instance"));
    const QJsonObject storage = instance(QStringLiteral("LINUX_COMMAND"), served)
                                    .value(QLatin1String("storage"))
                                    .toObject();
    QCOMPARE(storage.keys(), QStringList{QStringLiteral("lastRequestTimestamp")});
    const qint64 stored = storage.value(QLatin1String("lastRequestTimestamp")).toInteger();
    QVERIFY(stored >= before && stored <= after);
    QVERIFY(
        QFileInfo(m_dir->filePath(
                      QStringLiteral("data/durable/LinuxCommandContainer/%1.sqlite").arg(served)))
            .isFile());
    // Only the instance that served the request has one.
    const QString other = served == QLatin1String("instance-0") ? QStringLiteral("instance-1")
                                                                : QStringLiteral("instance-0");
    QVERIFY(instance(QStringLiteral("LINUX_COMMAND"), other)
                .value(QLatin1String("storage"))
                .toObject()
                .isEmpty());

    // A restart of EdgeDesk keeps it, before any new request.
    m_server->stop();
    m_server.reset();
    QVERIFY(start({{QStringLiteral("LINUX_COMMAND"), runnerClass()}}));
    const QJsonObject again = instance(QStringLiteral("LINUX_COMMAND"), served);
    QCOMPARE(again.value(QLatin1String("state")).toString(), QStringLiteral("stopped"));
    QCOMPARE(again.value(QLatin1String("storage"))
                 .toObject()
                 .value(QLatin1String("lastRequestTimestamp"))
                 .toInteger(),
             stored);
}

void TestContainers::controlApi()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(2)}}));
    const QJsonObject started = post("/__edgedesk/v1/containers/BACKEND/instance-1/start");
    QCOMPARE(started.keys(), QStringList{QStringLiteral("instance")});
    QJsonObject o = started.value(QLatin1String("instance")).toObject();
    QCOMPARE(o.value(QLatin1String("id")).toString(), QStringLiteral("instance-1"));
    QCOMPARE(o.value(QLatin1String("state")).toString(), QStringLiteral("healthy"));
    QCOMPARE(o.value(QLatin1String("requests")).toInt(), 0);
    QCOMPARE(state(QStringLiteral("BACKEND"), QStringLiteral("instance-0")),
             QStringLiteral("stopped"));
    QList<ProcessInfo> first = containerProcesses();
    QCOMPARE(countNamed(first, "api-backend"), 1);

    // By class_name as well as by binding.
    o = post("/__edgedesk/v1/containers/GoBackend/instance-1/stop")
            .value(QLatin1String("instance"))
            .toObject();
    QCOMPARE(o.value(QLatin1String("state")).toString(), QStringLiteral("stopped"));
    QCOMPARE(o.value(QLatin1String("exit_code")).toInt(), 0);
    for (const ProcessInfo &p : first)
        QTRY_VERIFY(!isAlive(p));
    // Stopping what is stopped is fine.
    QCOMPARE(post("/__edgedesk/v1/containers/BACKEND/instance-1/stop")
                 .value(QLatin1String("instance"))
                 .toObject()
                 .value(QLatin1String("state"))
                 .toString(),
             QStringLiteral("stopped"));

    o = post("/__edgedesk/v1/containers/BACKEND/instance-1/restart")
            .value(QLatin1String("instance"))
            .toObject();
    QCOMPARE(o.value(QLatin1String("state")).toString(), QStringLiteral("healthy"));
    first = containerProcesses();
    o = post("/__edgedesk/v1/containers/BACKEND/instance-1/restart")
            .value(QLatin1String("instance"))
            .toObject();
    QCOMPARE(o.value(QLatin1String("state")).toString(), QStringLiteral("healthy"));
    for (const ProcessInfo &p : first)
        QTRY_VERIFY(!isAlive(p)); // a new process, the old one gone
    QCOMPARE(countNamed(containerProcesses(), "api-backend"), 1);

    const QJsonObject cls =
        request(port(), "GET", "/__edgedesk/v1/containers/LINUX_COMMAND_NOPE").json();
    QCOMPARE(cls.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString(),
             QStringLiteral("not_found"));
    QCOMPARE(request(port(), "GET", "/__edgedesk/v1/containers/BACKEND")
                 .json()
                 .value(QLatin1String("class_name"))
                 .toString(),
             QStringLiteral("GoBackend"));
}

void TestContainers::requestsDuringAStopAreServedByTheNextStart()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(1)}}));
    QCOMPARE(request(port(), "GET", "/api/api1", {}, {}, 30000).status, 200);
    const QList<ProcessInfo> before = containerProcesses();
    // api-backend leaves within milliseconds of SIGTERM: hold it stopped (SIGSTOP) so that the
    // instance stays "stopping" until the requests below have arrived, then let it go.
    QList<qint64> frozen;
    for (const ProcessInfo &p : before) {
        if (p.comm == "api-backend" && ::kill(pid_t(p.pid), SIGSTOP) == 0)
            frozen.append(p.pid);
    }
    QCOMPARE(frozen.size(), 1);
    auto thaw = qScopeGuard([&frozen] {
        for (qint64 pid : frozen)
            ::kill(pid_t(pid), SIGCONT);
    });
    AsyncClient stop(
        port(), AsyncClient::requestBytes(port(), "POST",
                                          "/__edgedesk/v1/containers/BACKEND/instance-0/stop"));
    QTRY_COMPARE(state(QStringLiteral("BACKEND"), QStringLiteral("instance-0")),
                 QStringLiteral("stopping"));
    std::vector<std::unique_ptr<AsyncClient>> clients;
    for (int i = 0; i < 5; ++i)
        clients.push_back(std::make_unique<AsyncClient>(
            port(), AsyncClient::requestBytes(port(), "GET", "/api/api1")));
    // They wait: counted in flight by the instance (so they reached it), not failed, not answered
    // by the stopping process.
    QTRY_COMPARE(instance(QStringLiteral("BACKEND"), QStringLiteral("instance-0"))
                     .value(QLatin1String("in_flight"))
                     .toInt(),
                 5);
    for (const auto &c : clients)
        QVERIFY(!c->isFinished());
    QCOMPARE(state(QStringLiteral("BACKEND"), QStringLiteral("instance-0")),
             QStringLiteral("stopping"));
    thaw.dismiss();
    for (qint64 pid : frozen)
        ::kill(pid_t(pid), SIGCONT);
    QTRY_VERIFY_WITH_TIMEOUT(
        stop.isFinished() &&
            std::all_of(clients.begin(), clients.end(), [](auto &c) { return c->isFinished(); }),
        30000);
    QCOMPARE(stop.status(), 200);
    for (const auto &c : clients)
        QCOMPARE(c->status(), 200);
    for (const ProcessInfo &p : before)
        QTRY_VERIFY(!isAlive(p));
    // One new process, not one per waiting request.
    QCOMPARE(countNamed(containerProcesses(), "api-backend"), 1);
    QCOMPARE(state(QStringLiteral("BACKEND"), QStringLiteral("instance-0")),
             QStringLiteral("healthy"));
}

void TestContainers::controlApiErrors_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("allow");
    QTest::addRow("unknown class")
        << QByteArray("POST") << QByteArray("/__edgedesk/v1/containers/Nope/instance-0/start")
        << 404 << QByteArray();
    QTest::addRow("instance beyond max_instances")
        << QByteArray("POST") << QByteArray("/__edgedesk/v1/containers/BACKEND/instance-2/start")
        << 404 << QByteArray();
    QTest::addRow("unknown action")
        << QByteArray("POST") << QByteArray("/__edgedesk/v1/containers/BACKEND/instance-0/explode")
        << 404 << QByteArray();
    QTest::addRow("GET on an action")
        << QByteArray("GET") << QByteArray("/__edgedesk/v1/containers/BACKEND/instance-0/start")
        << 405 << QByteArray("POST");
    QTest::addRow("tail out of range")
        << QByteArray("GET")
        << QByteArray("/__edgedesk/v1/containers/BACKEND/instance-0/logs?tail=0") << 400
        << QByteArray();
    QTest::addRow("logs of an unknown instance")
        << QByteArray("GET") << QByteArray("/__edgedesk/v1/containers/BACKEND/instance-7/logs")
        << 404 << QByteArray();
}

void TestContainers::controlApiErrors()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QByteArray, allow);
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(2)}}));
    const HttpReply reply = request(port(), method, target);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json().keys(), QStringList{QStringLiteral("error")});
    if (!allow.isEmpty())
        QCOMPARE(reply.header("allow"), allow);
    QVERIFY(containerProcesses().isEmpty()); // nothing was started by a refused request
}

void TestContainers::logsTailAndStream()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(1)}}));
    QCOMPARE(request(port(), "GET", "/api/api1", {}, {}, 30000).status, 200);
    QTRY_VERIFY([&] {
        const QJsonObject tail =
            request(port(), "GET", "/__edgedesk/v1/containers/BACKEND/instance-0/logs?tail=3")
                .json();
        const QJsonArray lines = tail.value(QLatin1String("lines")).toArray();
        return tail.value(QLatin1String("source")).toString() ==
                   QLatin1String("BACKEND/instance-0") &&
               lines.size() == 3 &&
               lines.last()
                   .toObject()
                   .value(QLatin1String("message"))
                   .toString()
                   .contains(QLatin1String("\"path\":\"/api/api1\""));
    }());
    const QJsonObject line =
        request(port(), "GET", "/__edgedesk/v1/containers/BACKEND/instance-0/logs?tail=1")
            .json()
            .value(QLatin1String("lines"))
            .toArray()
            .first()
            .toObject();
    QCOMPARE(line.value(QLatin1String("source")).toString(), QStringLiteral("BACKEND/instance-0"));
    QCOMPARE(line.value(QLatin1String("category")).toString(), QStringLiteral("stdout"));
    QCOMPARE(line.value(QLatin1String("level")).toString(), QStringLiteral("info"));
    QVERIFY(QDateTime::fromString(line.value(QLatin1String("time")).toString(), Qt::ISODateWithMs)
                .isValid());

    AsyncClient stream(
        port(),
        AsyncClient::requestBytes(
            port(), "GET", "/__edgedesk/v1/containers/BACKEND/instance-0/logs/stream?tail=0"));
    QTRY_COMPARE(stream.status(), 200);
    QCOMPARE(stream.header("content-type"), QByteArray("text/event-stream; charset=utf-8"));
    QCOMPARE(stream.header("transfer-encoding"), QByteArray("chunked"));
    QTRY_VERIFY(stream.body().startsWith(": following BACKEND/instance-0"));
    QVERIFY(!stream.body().contains("data: "));

    // A new line of the instance arrives live.
    QCOMPARE(request(port(), "GET", "/api/sse-marker-7c1", {}, {}, 30000).status, 404);
    QTRY_VERIFY(stream.body().contains("sse-marker-7c1"));
    QJsonObject event;
    for (const QByteArray &l : stream.body().split('\n')) {
        if (l.startsWith("data: ") && l.contains("sse-marker-7c1"))
            event = QJsonDocument::fromJson(l.mid(6)).object();
    }
    QCOMPARE(event.value(QLatin1String("source")).toString(), QStringLiteral("BACKEND/instance-0"));
    QCOMPARE(event.value(QLatin1String("category")).toString(), QStringLiteral("stdout"));
    QVERIFY(
        event.value(QLatin1String("message")).toString().contains(QLatin1String("\"status\":404")));
    QVERIFY(!stream.isFinished());

    // The client goes; the server carries on.
    stream.abort();
    QCOMPARE(request(port(), "GET", "/api/api1", {}, {}, 30000).status, 200);
    QCOMPARE(request(port(), "GET", "/__edgedesk/v1/health").status, 200);
}

void TestContainers::hostPublishesContainerChanges()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(1)}}));
    QSignalSpy spy(&m_server->host(), &ServerHost::containersChanged);
    QCOMPARE(request(port(), "GET", "/api/api1", {}, {}, 30000).status, 200);
    QTRY_VERIFY(!spy.isEmpty() && spy.last()
                                          .first()
                                          .toJsonObject()
                                          .value(QLatin1String("classes"))
                                          .toArray()
                                          .first()
                                          .toObject()
                                          .value(QLatin1String("instances"))
                                          .toArray()
                                          .first()
                                          .toObject()
                                          .value(QLatin1String("state"))
                                          .toString() == QLatin1String("healthy"));
    const QJsonObject status = spy.last().first().toJsonObject();
    QCOMPARE(sortedKeys(status), QStringList{QStringLiteral("classes")});
}

void TestContainers::shutdownStopsEveryInstance()
{
    QVERIFY(start({{QStringLiteral("BACKEND"), backendClass(3)},
                   {QStringLiteral("LINUX_COMMAND"), runnerClass()}}));
    for (const char *target : {"/__edgedesk/v1/containers/BACKEND/instance-0/start",
                               "/__edgedesk/v1/containers/BACKEND/instance-1/start",
                               "/__edgedesk/v1/containers/BACKEND/instance-2/start",
                               "/__edgedesk/v1/containers/LINUX_COMMAND/instance-0/start",
                               "/__edgedesk/v1/containers/LINUX_COMMAND/instance-1/start"})
        QVERIFY(!post(target).isEmpty());
    // A command that is still running when EdgeDesk stops.
    AsyncClient command(port(), AsyncClient::requestBytes(port(), "POST", "/run",
                                                          {{"Content-Type", "application/json"}},
                                                          runBody(QStringLiteral("sleep 29.5"))));
    QTRY_COMPARE(countNamed(containerProcesses(), "sleep"), 1);
    const QList<ProcessInfo> processes = containerProcesses();
    QCOMPARE(countNamed(processes, "api-backend"), 3);
    QCOMPARE(countNamed(processes, "command-runner"), 2);

    QVERIFY(m_server->host().stopAndWait(2000));
    for (const ProcessInfo &p : processes)
        QTRY_VERIFY2_WITH_TIMEOUT(!isAlive(p), p.comm.constData(), 3000);
}

// Every /run request stores lastRequestTimestamp on the worker pool before it is proxied; a stop
// that lands while such writes are finishing must drop their completions while the router and
// the traffic log still exist (they once ran after both were gone and corrupted the heap).
void TestContainers::stopWithRequestsInFlight()
{
    for (int round = 0; round < 5; ++round) {
        QVERIFY(start({{QStringLiteral("LINUX_COMMAND"), runnerClass()}}));
        QCOMPARE(request(port(), "GET", "/run", {}, {}, 30000).status, 200);
        std::vector<std::unique_ptr<AsyncClient>> clients;
        for (int i = 0; i < 40; ++i)
            clients.push_back(std::make_unique<AsyncClient>(
                port(), AsyncClient::requestBytes(port(), "GET", "/run")));
        QTest::qWait(2 + round * 3); // let some arrive; stop at a different moment each round
        QVERIFY(m_server->host().stopAndWait(3000));
        QTRY_VERIFY(
            std::all_of(clients.begin(), clients.end(), [](auto &c) { return c->isFinished(); }));
        for (const auto &c : clients) { // answered, refused as the instance stops, or cut off
            const int status = c->status();
            QVERIFY2(status == 0 || status == 200 || status == 502 || status == 503,
                     qPrintable(QString::number(status)));
        }
        m_server.reset();
    }
}

QTEST_GUILESS_MAIN(TestContainers)
#include "test_containers.moc"
