// The section panels' building blocks and pure helpers: the command history line, the burst
// chart, header parsing, the /run and /ai bodies, and image decoding.
#include "ai/aipanel.h"
#include "api/apipanel.h"
#include "command/commandpanel.h"
#include "image/decodedimage.h"
#include "widgets/burstchart.h"
#include "widgets/historylineedit.h"

#include <QBuffer>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace edgedesk;

class TestSectionWidgets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void historyWalksLikeAShell()
    {
        HistoryLineEdit edit;
        edit.setHistory({QStringLiteral("ls"), QStringLiteral("id"), QStringLiteral("")});
        QCOMPARE(edit.history(), QStringList({QStringLiteral("ls"), QStringLiteral("id")}));
        edit.setText(QStringLiteral("draft"));
        QTest::keyClick(&edit, Qt::Key_Up);
        QCOMPARE(edit.text(), QStringLiteral("id"));
        QTest::keyClick(&edit, Qt::Key_Up);
        QCOMPARE(edit.text(), QStringLiteral("ls"));
        QTest::keyClick(&edit, Qt::Key_Up); // stays at the oldest
        QCOMPARE(edit.text(), QStringLiteral("ls"));
        QTest::keyClick(&edit, Qt::Key_Down);
        QCOMPARE(edit.text(), QStringLiteral("id"));
        QTest::keyClick(&edit, Qt::Key_Down); // back to what was being typed
        QCOMPARE(edit.text(), QStringLiteral("draft"));
        QTest::keyClick(&edit, Qt::Key_Down);
        QCOMPARE(edit.text(), QStringLiteral("draft"));
    }

    void historySkipsRepeatsAndKeepsTheNewest()
    {
        HistoryLineEdit edit;
        edit.setMaxEntries(3);
        for (const char *entry : {"a", "b", "b", "c", "d"})
            edit.addToHistory(QString::fromLatin1(entry));
        QCOMPARE(edit.history(),
                 QStringList({QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")}));
        edit.addToHistory(QStringLiteral("   "));
        QCOMPARE(edit.history().size(), 3);
    }

    void burstChartCountsPerInstance()
    {
        BurstChart chart;
        chart.reset(6);
        for (const char *name : {"instance-10", "instance-2", "instance-2", "instance-0"})
            chart.addAnswer(QString::fromLatin1(name));
        chart.addFailure();
        QCOMPARE(chart.expected(), 6);
        QCOMPARE(chart.answered(), 5);
        QCOMPARE(chart.failures(), 1);
        QCOMPARE(chart.counts().value(QStringLiteral("instance-2")), 2);
        // Numbers inside names sort as numbers.
        QCOMPARE(chart.instances(),
                 QStringList({QStringLiteral("instance-0"), QStringLiteral("instance-2"),
                              QStringLiteral("instance-10")}));
        chart.resize(400, 200);
        QImage image(chart.size(), QImage::Format_ARGB32);
        image.fill(Qt::transparent);
        chart.render(&image); // paints without asserting
        chart.reset(3);
        QCOMPARE(chart.answered(), 0);
        QVERIFY(chart.counts().isEmpty());
    }

    void headerLines_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("count");
        QTest::addRow("empty") << QString() << true << 0;
        QTest::addRow("one") << QStringLiteral("Accept: application/json") << true << 1;
        QTest::addRow("blank lines and spaces")
            << QStringLiteral("\n  X-A: 1 \n\nX-B:two words\n") << true << 2;
        QTest::addRow("value with a colon") << QStringLiteral("X-Time: 12:30") << true << 1;
        QTest::addRow("no colon") << QStringLiteral("Accept application/json") << false << 0;
        QTest::addRow("empty name") << QStringLiteral(": value") << false << 0;
        QTest::addRow("space in name") << QStringLiteral("X Bad: 1") << false << 0;
    }
    void headerLines()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(int, count);
        const auto parsed = ApiPanel::parseHeaderLines(text);
        QCOMPARE(parsed.ok(), ok);
        if (ok)
            QCOMPARE(parsed->size(), count);
        else
            QVERIFY(parsed.error().message.contains(QStringLiteral("line")));
    }

    void headerValuesAreTrimmed()
    {
        const auto parsed = ApiPanel::parseHeaderLines(QStringLiteral("X-Time:  12:30  "));
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->first().first, QByteArray("X-Time"));
        QCOMPARE(parsed->first().second, QByteArray("12:30"));
    }

    void instanceFromHeaderOrBody()
    {
        ApiResponse r;
        r.status = 200;
        r.body = R"({"instance":"instance-1"})";
        QCOMPARE(ApiPanel::instanceOf(r), QStringLiteral("instance-1"));
        r.headers.append(qMakePair(QByteArray("X-EdgeDesk-Instance"), QByteArray("instance-2")));
        QCOMPARE(ApiPanel::instanceOf(r), QStringLiteral("instance-2"));
        r.headers.clear();
        r.body = "not json";
        QCOMPARE(ApiPanel::instanceOf(r), QString());
    }

    void runOutcome_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("hasExit");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<bool>("timedOut");
        QTest::addColumn<bool>("truncated");
        QTest::addColumn<QString>("failure");
        QTest::addRow("success")
            << 200
            << QByteArray(R"({"success":true,"command":"echo hi","output":"hi\n","error":"",)"
                          R"("exit_code":0,"timestamp":1.5})")
            << true << 0 << false << false << QString();
        QTest::addRow("failure exit")
            << 200
            << QByteArray(R"({"success":false,"command":"ls /x","output":"","error":"ls: )"
                          R"(cannot access","exit_code":2,"timestamp":1.5})")
            << true << 2 << false << false << QString();
        QTest::addRow("timed out")
            << 200
            << QByteArray(R"({"success":false,"command":"sleep 9","output":"","error":"command )"
                          R"(timed out after 1 s","exit_code":124,"timestamp":1.5})")
            << true << 124 << true << false << QString();
        QTest::addRow("exit 124 of its own")
            << 200
            << QByteArray(R"({"success":false,"command":"exit 124","output":"","error":"",)"
                          R"("exit_code":124,"timestamp":1.5})")
            << true << 124 << false << false << QString();
        QTest::addRow("truncated")
            << 200
            << QByteArray(R"({"success":true,"command":"yes","output":"y\n","error":"",)"
                          R"("exit_code":0,"timestamp":1.5,"truncated":true})")
            << true << 0 << false << true << QString();
        QTest::addRow("blocked")
            << 403
            << QByteArray(R"({"success":false,"command":"rm -rf /","output":"","error":"Command )"
                          R"(blocked: dangerous","exit_code":-1,"timestamp":1.5})")
            << true << -1 << false << false << QStringLiteral("403 — Command blocked: dangerous");
        QTest::addRow("router error")
            << 503
            << QByteArray(R"({"error":{"code":"service_unavailable","message":"no sandbox"}})")
            << false << 0 << false << false << QStringLiteral("503 — no sandbox");
    }
    void runOutcome()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(bool, hasExit);
        QFETCH(int, exitCode);
        QFETCH(bool, timedOut);
        QFETCH(bool, truncated);
        QFETCH(QString, failure);
        ApiResponse r;
        r.status = status;
        r.body = body;
        if (status >= 300) {
            const QJsonObject error =
                QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
            r.errorCode = error.value(QStringLiteral("code")).toString();
            r.errorMessage = error.value(QStringLiteral("message")).toString();
        }
        const CommandPanel::Outcome o = CommandPanel::outcomeFrom(QStringLiteral("cmd"), r);
        QCOMPARE(o.hasExitCode, hasExit);
        QCOMPARE(o.exitCode, exitCode);
        QCOMPARE(o.timedOut, timedOut);
        QCOMPARE(o.truncated, truncated);
        QCOMPARE(o.failure, failure);
    }

    void runBodyCarriesTheLimitOnlyBelowTheDefault()
    {
        QCOMPARE(CommandPanel::requestBody(QStringLiteral("echo \"hi\""), 30),
                 QByteArray("{\"command\":\"echo \\\"hi\\\"\"}"));
        QCOMPARE(CommandPanel::requestBody(QStringLiteral("sleep 5"), 2),
                 QByteArray(R"({"command":"sleep 5","timeout":2})"));
    }

    void aiBody()
    {
        QCOMPARE(AiPanel::requestBody(QStringLiteral("Hi"), QString()),
                 QByteArray(R"({"prompt":"Hi","stream":true})"));
        QCOMPARE(AiPanel::requestBody(QStringLiteral("Hi"), QStringLiteral(" llama3.2 ")),
                 QByteArray(R"({"model":"llama3.2","prompt":"Hi","stream":true})"));
    }

    void decodeReportsSizeAndScalesLargeImages()
    {
        QImage source(640, 480, QImage::Format_RGB32);
        source.fill(Qt::darkCyan);
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        QVERIFY(source.save(&buffer, "PNG"));
        const DecodedImage whole = DecodedImage::decode(png, 2048);
        QCOMPARE(whole.size, QSize(640, 480));
        QCOMPARE(whole.image.size(), QSize(640, 480));
        const DecodedImage scaled = DecodedImage::decode(png, 320);
        QCOMPARE(scaled.size, QSize(640, 480)); // the image's own size
        QCOMPARE(scaled.image.size(), QSize(320, 240));
        const DecodedImage junk = DecodedImage::decode("not an image", 320);
        QVERIFY(junk.image.isNull());
        QVERIFY(!junk.error.isEmpty());
    }
};

QTEST_MAIN(TestSectionWidgets)
#include "test_sectionwidgets.moc"
