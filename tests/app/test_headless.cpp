// `edgedesk --headless` as a user runs it, driven by the real curl binary.
#include "edgedesk/version.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk::test;

class TestHeadless final : public QObject
{
    Q_OBJECT

    QString url(quint16 port, const QString &path)
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path);
    }

private Q_SLOTS:
    void servesWithCurl()
    {
        QTemporaryDir dir;
        EdgedeskProcess edgedesk(dir.path());
        QVERIFY2(edgedesk.start(), edgedesk.output().constData());
        QVERIFY(edgedesk.output().contains("EdgeDesk serving on http://127.0.0.1:" +
                                           QByteArray::number(edgedesk.port())));
        // Containers keep off the host's loopback unless asked (said before "serving").
        QVERIFY(!edgedesk.output().contains("--containers-reach-host"));

        ProcessResult kv =
            run(QStringLiteral("curl"), {QStringLiteral("-sS"), QStringLiteral("-i"),
                                         url(edgedesk.port(), QStringLiteral("/kv"))});
        QCOMPARE(kv.exitCode, 0);
        QVERIFY(kv.out.startsWith("HTTP/1.1 200 OK"));
        QVERIFY(kv.out.contains("MY_KV"));

        ProcessResult echo =
            run(QStringLiteral("curl"),
                {QStringLiteral("-sS"), QStringLiteral("-d"), QStringLiteral("hi there"),
                 url(edgedesk.port(), QStringLiteral("/worker/echo?q=1"))});
        const QJsonObject e = QJsonDocument::fromJson(echo.out).object();
        QCOMPARE(e.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
        QCOMPARE(e.value(QStringLiteral("body")).toString(), QStringLiteral("hi there"));
        QCOMPARE(e.value(QStringLiteral("headers"))
                     .toObject()
                     .value(QStringLiteral("user-agent"))
                     .toString()
                     .left(5),
                 QStringLiteral("curl/"));

        ProcessResult health = run(
            QStringLiteral("curl"),
            {QStringLiteral("-sS"), url(edgedesk.port(), QStringLiteral("/__edgedesk/v1/health"))});
        QCOMPARE(
            QJsonDocument::fromJson(health.out).object().value(QStringLiteral("status")).toString(),
            QStringLiteral("ok"));

        ProcessResult missing =
            run(QStringLiteral("curl"),
                {QStringLiteral("-s"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                 QStringLiteral("-w"), QStringLiteral("%{http_code}"),
                 url(edgedesk.port(), QStringLiteral("/nothing-here"))});
        QCOMPARE(missing.out, QByteArray("404"));

        QElapsedTimer timer;
        timer.start();
        QVERIFY(edgedesk.terminate(5000));
        QCOMPARE(edgedesk.process().exitCode(), 0);
        qInfo("SIGTERM to exit: %lld ms", timer.elapsed());
    }

    void curlUploadOf5MiBGetsContinue()
    {
        QTemporaryDir dir;
        EdgedeskProcess edgedesk(dir.path());
        QVERIFY(edgedesk.start());
        const QString file = dir.filePath(QStringLiteral("five.bin"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(5 * 1024 * 1024, 'z'));
        f.close();
        ProcessResult put =
            run(QStringLiteral("curl"),
                {QStringLiteral("-sS"), QStringLiteral("-v"), QStringLiteral("-T"), file,
                 QStringLiteral("-w"), QStringLiteral("\n%{time_total}"),
                 url(edgedesk.port(), QStringLiteral("/__edgedesk/v1/kv/MY_KV/keys/five"))});
        QCOMPARE(put.exitCode, 0);
        // curl sent Expect: 100-continue and got the interim answer instead of waiting a second.
        QVERIFY2(put.err.contains("> Expect: 100-continue"), put.err.constData());
        QVERIFY2(put.err.contains("< HTTP/1.1 100 Continue"), put.err.constData());
        qInfo("5 MiB upload with curl: %s s", put.out.split('\n').last().constData());
        ProcessResult size =
            run(QStringLiteral("curl"),
                {QStringLiteral("-s"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                 QStringLiteral("-w"), QStringLiteral("%{size_download}"),
                 url(edgedesk.port(), QStringLiteral("/__edgedesk/v1/kv/MY_KV/keys/five"))});
        QCOMPARE(size.out, QByteArray::number(5 * 1024 * 1024));
    }

    void busyPortFailsClearly()
    {
        QTemporaryDir dir1;
        QTemporaryDir dir2;
        EdgedeskProcess first(dir1.path());
        QVERIFY(first.start());
        ProcessResult second =
            run(program(QStringLiteral("edgedesk")),
                {QStringLiteral("--headless"), QStringLiteral("--port"),
                 QString::number(first.port()), QStringLiteral("--persist-to"), dir2.path()},
                10000);
        QVERIFY(second.finished);
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(
            second.err.contains("cannot listen on 127.0.0.1:" + QByteArray::number(first.port())),
            second.err.constData());
    }

    void nonLoopbackNeedsToken()
    {
        QTemporaryDir dir;
        ProcessResult refused =
            run(program(QStringLiteral("edgedesk")),
                {QStringLiteral("--headless"), QStringLiteral("--bind"), QStringLiteral("0.0.0.0"),
                 QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--persist-to"),
                 dir.path()},
                10000);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("--token"), refused.err.constData());

        EdgedeskProcess withToken(dir.path(),
                                  {QStringLiteral("--bind"), QStringLiteral("0.0.0.0"),
                                   QStringLiteral("--token"), QStringLiteral("tok-123")});
        QVERIFY2(withToken.start(), withToken.output().constData());
        auto code = [&](const QStringList &extra, const QString &path) {
            QStringList args{QStringLiteral("-s"), QStringLiteral("-o"),
                             QStringLiteral("/dev/null"), QStringLiteral("-w"),
                             QStringLiteral("%{http_code}")};
            return run(QStringLiteral("curl"),
                       args + extra + QStringList{url(withToken.port(), path)})
                .out;
        };
        QCOMPARE(code({}, QStringLiteral("/kv")), QByteArray("200"));
        QCOMPARE(code({}, QStringLiteral("/__edgedesk/v1/health")), QByteArray("401"));
        QCOMPARE(code({QStringLiteral("-H"), QStringLiteral("Authorization: Bearer tok-123")},
                      QStringLiteral("/__edgedesk/v1/health")),
                 QByteArray("200"));
        QCOMPARE(code({QStringLiteral("-H"), QStringLiteral("Authorization: Bearer nope")},
                      QStringLiteral("/__edgedesk/v1/health")),
                 QByteArray("401"));
        QCOMPARE(code({QStringLiteral("-d"), QStringLiteral("x")}, QStringLiteral("/worker/echo")),
                 QByteArray("401"));
    }

    void configErrorsSayWhere()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("bad.jsonc"));
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\n  // a comment\n  \"name\": \"x\",\n  \"kv_namespaces\": [ { \"binding\": } "
                "]\n}\n");
        f.close();
        ProcessResult r =
            run(program(QStringLiteral("edgedesk")),
                {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"),
                 QStringLiteral("--config"), config, QStringLiteral("--persist-to"), dir.path()},
                10000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad.jsonc: line 4, column"), r.err.constData());
    }

    void usageErrorsAndInfo()
    {
        QCOMPARE(
            run(program(QStringLiteral("edgedesk")), {QStringLiteral("--version")}).out.trimmed(),
            QByteArray("edgedesk " EDGEDESK_VERSION));
        ProcessResult help = run(program(QStringLiteral("edgedesk")), {QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        for (const char *option :
             {"--headless", "--port", "--bind", "--token", "--config", "--persist-to", "--data-dir",
              "--log-level", "--containers-reach-host"})
            QVERIFY2(help.out.contains(option), option);
        // What --containers-reach-host costs is said where it is offered.
        QVERIFY2(help.out.simplified().contains("also exposes EdgeDesk's own port"),
                 help.out.constData());
        ProcessResult badPort =
            run(program(QStringLiteral("edgedesk")),
                {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("99999")});
        QCOMPARE(badPort.exitCode, 2);
        QVERIFY(badPort.err.contains("--port"));
        ProcessResult badLevel = run(
            program(QStringLiteral("edgedesk")),
            {QStringLiteral("--headless"), QStringLiteral("--log-level"), QStringLiteral("loud")});
        QCOMPARE(badLevel.exitCode, 2);
        // A switch: a value is a usage error, not a way to turn it on or off.
        ProcessResult reachHostValue =
            run(program(QStringLiteral("edgedesk")),
                {QStringLiteral("--headless"), QStringLiteral("--containers-reach-host=no")});
        QCOMPARE(reachHostValue.exitCode, 2);
        QVERIFY2(reachHostValue.err.contains("containers-reach-host"),
                 reachHostValue.err.constData());
    }

    void containersReachHostIsSaidAtStart()
    {
        QTemporaryDir dir;
        EdgedeskProcess edgedesk(dir.path(), {QStringLiteral("--containers-reach-host")});
        QVERIFY2(edgedesk.start(), edgedesk.output().constData());
        // Logged before "serving", so present once start() has seen that line.
        QVERIFY2(edgedesk.output().contains(
                     "containers with enable_internet reach this machine's loopback through "
                     "their gateway address, this server's port included "
                     "(--containers-reach-host)"),
                 edgedesk.output().constData());
        QVERIFY(edgedesk.terminate(5000));
        QCOMPARE(edgedesk.process().exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHeadless)
#include "test_headless.moc"
