#include "asyncrequest.h"
#include "containers/processstats.h"
#include "programprocess.h"
#include "testsupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>

using namespace edgedesk::test;

namespace {

// Waits until a program has spent some CPU time since `since` (clock ticks): a computation it
// received is running.
bool busySince(qint64 pid, quint64 since)
{
    return QTest::qWaitFor(
        [&] { return edgedesk::ProcessStats::sampleTree(pid).cpuTicks >= since + 5; }, 30000);
}

} // namespace

// api-backend as a real process: the demo's backend contract, its errors and its lifecycle.
class TestApiBackend final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void ping();
    void api1();
    void heavyCompute_data();
    void heavyCompute();
    void heavyComputeRejects_data();
    void heavyComputeRejects();
    void pingAnswersWhileComputing();
    void responseHeaders();
    void notFound();
    void methodNotAllowed_data();
    void methodNotAllowed();
    void echo_data();
    void echo();
    void echoIsPostOnly();
    void logsOneJsonLinePerRequest();
    void sigtermExitsCleanly();
    void missingPortExits2_data();
    void missingPortExits2();

private:
    std::unique_ptr<ProgramProcess> m_backend;
};

namespace {

const QString kInstance = QStringLiteral("instance-7");

QStringList sortedKeys(const QJsonObject &object)
{
    QStringList keys = object.keys();
    keys.sort();
    return keys;
}

void verifyError(const HttpReply &reply, int status, const QString &code)
{
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    const QJsonObject error = reply.json().value(QLatin1String("error")).toObject();
    QCOMPARE(reply.json().keys(), QStringList{QStringLiteral("error")});
    QCOMPARE(error.value(QLatin1String("code")).toString(), code);
    QVERIFY(!error.value(QLatin1String("message")).toString().isEmpty());
}

} // namespace

void TestApiBackend::initTestCase()
{
    m_backend = std::make_unique<ProgramProcess>(
        QStringLiteral("api-backend"),
        QMap<QString, QString>{{QStringLiteral("INSTANCE_ID"), kInstance}});
    QVERIFY2(m_backend->start(), qPrintable(m_backend->error()));
    QVERIFY(m_backend->port() > 0);
}

void TestApiBackend::cleanupTestCase()
{
    m_backend.reset();
}

void TestApiBackend::ping()
{
    const HttpReply reply = request(m_backend->port(), "GET", "/ping");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("pong"));
    QVERIFY(reply.header("content-type").startsWith("text/plain"));
}

void TestApiBackend::api1()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const HttpReply reply = request(m_backend->port(), "GET", "/api/api1");
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    const QJsonObject json = reply.json();
    QCOMPARE(sortedKeys(json), (QStringList{QStringLiteral("instance"), QStringLiteral("message"),
                                            QStringLiteral("timestamp")}));
    QCOMPARE(json.value(QLatin1String("message")).toString(), QStringLiteral("Hello from API 1"));
    QCOMPARE(json.value(QLatin1String("instance")).toString(), kInstance);
    const QJsonValue timestamp = json.value(QLatin1String("timestamp"));
    QVERIFY(timestamp.isDouble());
    QCOMPARE(double(timestamp.toInteger()), timestamp.toDouble()); // whole milliseconds
    QVERIFY(timestamp.toInteger() >= before && timestamp.toInteger() <= after);
}

void TestApiBackend::heavyCompute_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<qint64>("result");
    QTest::addRow("n=1") << 1 << qint64(1);
    QTest::addRow("n=2") << 2 << qint64(1);
    QTest::addRow("n=10") << 10 << qint64(55);
    QTest::addRow("n=30") << 30 << qint64(832040);
}

void TestApiBackend::heavyCompute()
{
    QFETCH(int, n);
    QFETCH(qint64, result);
    const HttpReply reply =
        request(m_backend->port(), "GET", "/api/heavycompute?n=" + QByteArray::number(n));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    const QJsonObject json = reply.json();
    QCOMPARE(sortedKeys(json),
             (QStringList{QStringLiteral("duration_ms"), QStringLiteral("instance"),
                          QStringLiteral("n"), QStringLiteral("result")}));
    QCOMPARE(json.value(QLatin1String("n")).toInt(), n);
    QCOMPARE(json.value(QLatin1String("result")).toInteger(), result);
    QVERIFY(json.value(QLatin1String("duration_ms")).isDouble());
    QVERIFY(json.value(QLatin1String("duration_ms")).toDouble() >= 0);
    QCOMPARE(json.value(QLatin1String("instance")).toString(), kInstance);
}

void TestApiBackend::heavyComputeRejects_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addRow("zero") << QByteArray("/api/heavycompute?n=0");
    QTest::addRow("46") << QByteArray("/api/heavycompute?n=46");
    QTest::addRow("abc") << QByteArray("/api/heavycompute?n=abc");
    QTest::addRow("empty") << QByteArray("/api/heavycompute?n=");
    QTest::addRow("missing") << QByteArray("/api/heavycompute");
    QTest::addRow("negative") << QByteArray("/api/heavycompute?n=-1");
    QTest::addRow("fraction") << QByteArray("/api/heavycompute?n=1.5");
    QTest::addRow("plus sign") << QByteArray("/api/heavycompute?n=%2B3");
    QTest::addRow("trailing space") << QByteArray("/api/heavycompute?n=3%20");
    QTest::addRow("huge") << QByteArray("/api/heavycompute?n=99999999999999999999");
}

void TestApiBackend::heavyComputeRejects()
{
    QFETCH(QByteArray, target);
    const HttpReply reply = request(m_backend->port(), "GET", target);
    QCOMPARE(reply.status, 400);
    QCOMPARE(
        reply.body,
        QByteArray(R"({"error":{"code":"bad_request","message":"n must be an integer 1..45"}})"));
}

void TestApiBackend::pingAnswersWhileComputing()
{
    const qint64 pid = m_backend->process().processId();
    const quint64 idle = edgedesk::ProcessStats::sampleTree(pid).cpuTicks;
    AsyncRequest heavy(m_backend->port(), "GET", "/api/heavycompute?n=42");
    // The computation runs before /ping goes out.
    QVERIFY(busySince(pid, idle));
    QVERIFY(!heavy.isFinished());
    const HttpReply ping = request(m_backend->port(), "GET", "/ping");
    QCOMPARE(ping.status, 200);
    QCOMPARE(ping.body, QByteArray("pong"));
    // Had the computation run on the I/O thread, /ping would have waited for it to finish.
    QVERIFY(!heavy.isFinished());
    QTRY_VERIFY_WITH_TIMEOUT(heavy.isFinished(), 60000);
    QCOMPARE(heavy.status(), 200);
    const QJsonObject json = QJsonDocument::fromJson(heavy.body()).object();
    QCOMPARE(json.value(QLatin1String("result")).toInteger(), qint64(267914296));
}

void TestApiBackend::responseHeaders()
{
    const HttpReply reply = request(m_backend->port(), "GET", "/api/responseheaders",
                                    {{"X-Custom-Test", "hello world"},
                                     {"User-Agent", "edgedesk-test"},
                                     {"X-Repeat", "a"},
                                     {"x-repeat", "b"}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    const QJsonObject json = reply.json();
    QCOMPARE(json.value(QLatin1String("x-custom-test")).toString(), QStringLiteral("hello world"));
    QCOMPARE(json.value(QLatin1String("user-agent")).toString(), QStringLiteral("edgedesk-test"));
    QCOMPARE(json.value(QLatin1String("x-repeat")).toString(), QStringLiteral("a, b"));
    QCOMPARE(json.value(QLatin1String("host")).toString(),
             QStringLiteral("127.0.0.1:%1").arg(m_backend->port()));
    for (const QString &key : json.keys())
        QCOMPARE(key, key.toLower());
}

void TestApiBackend::notFound()
{
    verifyError(request(m_backend->port(), "GET", "/api/nope"), 404, QStringLiteral("not_found"));
    verifyError(request(m_backend->port(), "GET", "/"), 404, QStringLiteral("not_found"));
}

void TestApiBackend::methodNotAllowed_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addRow("POST api1") << QByteArray("POST") << QByteArray("/api/api1");
    QTest::addRow("DELETE ping") << QByteArray("DELETE") << QByteArray("/ping");
    QTest::addRow("PUT heavycompute") << QByteArray("PUT") << QByteArray("/api/heavycompute?n=3");
    QTest::addRow("POST responseheaders")
        << QByteArray("POST") << QByteArray("/api/responseheaders");
}

void TestApiBackend::methodNotAllowed()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    const HttpReply reply = request(m_backend->port(), method, target, {}, "{}");
    verifyError(reply, 405, QStringLiteral("method_not_allowed"));
    QCOMPARE(reply.header("allow"), QByteArray("GET"));
}

void TestApiBackend::echo_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("expectedType");
    QTest::addRow("json") << QByteArray("application/json") << QByteArray("{\"a\":1}")
                          << QByteArray("application/json");
    QTest::addRow("empty") << QByteArray("text/plain") << QByteArray() << QByteArray("text/plain");
    QByteArray binary(300 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < binary.size(); ++i)
        binary[i] = char((i * 7919) % 251);
    QTest::addRow("300 KiB binary, no type")
        << QByteArray() << binary << QByteArray("application/octet-stream");
}

void TestApiBackend::echo()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, expectedType);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    const HttpReply reply = request(m_backend->port(), "POST", "/api/echo", headers, body);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), expectedType);
    QCOMPARE(reply.body.size(), body.size());
    QVERIFY(reply.body == body);
}

void TestApiBackend::echoIsPostOnly()
{
    const HttpReply reply = request(m_backend->port(), "GET", "/api/echo");
    verifyError(reply, 405, QStringLiteral("method_not_allowed"));
    QCOMPARE(reply.header("allow"), QByteArray("POST"));
}

void TestApiBackend::logsOneJsonLinePerRequest()
{
    QCOMPARE(request(m_backend->port(), "GET", "/api/api1?marker=log").status, 200);
    QCOMPARE(request(m_backend->port(), "GET", "/api/log-marker-404").status, 404);
    QTRY_VERIFY(m_backend->output().contains("/api/log-marker-404"));

    bool sawOk = false;
    bool sawMissing = false;
    const QList<QByteArray> lines = m_backend->output().split('\n');
    for (const QByteArray &line : lines) {
        if (!line.startsWith('{'))
            continue;
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(line, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
        if (!json.contains(QLatin1String("path")))
            continue;
        QCOMPARE(sortedKeys(json),
                 (QStringList{QStringLiteral("duration_ms"), QStringLiteral("level"),
                              QStringLiteral("method"), QStringLiteral("path"),
                              QStringLiteral("status"), QStringLiteral("time")}));
        QVERIFY(
            QDateTime::fromString(json.value(QLatin1String("time")).toString(), Qt::ISODateWithMs)
                .isValid());
        QVERIFY(json.value(QLatin1String("duration_ms")).isDouble());
        if (json.value(QLatin1String("path")).toString() == QLatin1String("/api/api1") &&
            json.value(QLatin1String("status")).toInt() == 200 &&
            json.value(QLatin1String("method")).toString() == QLatin1String("GET"))
            sawOk = true;
        if (json.value(QLatin1String("path")).toString() == QLatin1String("/api/log-marker-404") &&
            json.value(QLatin1String("status")).toInt() == 404)
            sawMissing = true;
    }
    QVERIFY(sawOk);
    QVERIFY(sawMissing);
}

void TestApiBackend::sigtermExitsCleanly()
{
    ProgramProcess backend(QStringLiteral("api-backend"));
    QVERIFY2(backend.start(), qPrintable(backend.error()));
    QCOMPARE(request(backend.port(), "GET", "/ping").status, 200);
    // A computation in flight must not hold up the exit.
    const qint64 pid = backend.process().processId();
    const quint64 idle = edgedesk::ProcessStats::sampleTree(pid).cpuTicks;
    AsyncRequest heavy(backend.port(), "GET", "/api/heavycompute?n=45");
    QVERIFY(busySince(pid, idle));
    QVERIFY(!heavy.isFinished());
    QCOMPARE(backend.terminate(), 0);
    QCOMPARE(backend.process().exitStatus(), QProcess::NormalExit);
}

void TestApiBackend::missingPortExits2_data()
{
    QTest::addColumn<QString>("port");
    QTest::addRow("unset") << QString();
    QTest::addRow("empty") << QStringLiteral("");
    QTest::addRow("not a number") << QStringLiteral("http");
    QTest::addRow("too large") << QStringLiteral("70000");
}

void TestApiBackend::missingPortExits2()
{
    QFETCH(QString, port);
    const FinishedProgram result =
        runProgram(QStringLiteral("api-backend"), {{QStringLiteral("PORT"), port}});
    QVERIFY(result.normalExit);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("PORT"), result.err.constData());
    QVERIFY(!result.out.contains("listening on"));
}

QTEST_GUILESS_MAIN(TestApiBackend)
#include "test_apibackend.moc"
