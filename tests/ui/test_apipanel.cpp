// The API section against a real server: presets, any method/path/headers/body, the answer's
// status, time, size, instance and body, errors in the server's words, "Copy as curl" (run for
// real), bursts spread over the instances, and inputs kept across a restart.
#include "api/apipanel.h"
#include "sectiontest.h"
#include "widgets/burstchart.h"
#include "widgets/curlbar.h"
#include "widgets/displayformat.h"
#include "widgets/jsonview.h"
#include "widgets/messagebanner.h"
#include "widgets/statusbadge.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

using namespace edgedesk;
using namespace edgedesk::test;

class TestApiPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    ApiPanel *m_panel = nullptr;
    QString m_containersMissing;

    template <typename T> T *child(const char *name)
    {
        T *widget = m_panel->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no widget %s", name);
        return widget;
    }

    // Replaces the text of a line edit the way a user does: select all, type.
    static void typeInto(QLineEdit *edit, const QString &text)
    {
        edit->setFocus();
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, text);
    }

    void setRequest(const QString &method, const QString &path, const QString &headers = {},
                    const QString &body = {})
    {
        auto *methodBox = child<QComboBox>("apiMethod");
        methodBox->setCurrentText(method);
        typeInto(child<QLineEdit>("apiPath"), path);
        child<QPlainTextEdit>("apiHeadersEdit")->setPlainText(headers);
        child<QPlainTextEdit>("apiBodyEdit")->setPlainText(body);
    }

    bool sendAndWait(int timeoutMs = 30000)
    {
        QTest::mouseClick(child<QPushButton>("apiSend"), Qt::LeftButton);
        return QTest::qWaitFor([this] { return !m_panel->isSending(); }, timeoutMs);
    }

private Q_SLOTS:
    void initTestCase()
    {
        applyPaletteFromEnvironment();
        m_gui = std::make_unique<GuiFixture>(sectionServerOptions());
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        applyWindowSize(*m_gui);
        QVERIFY(m_gui->show(QStringLiteral("api")));
        m_panel = m_gui->panel<ApiPanel>(QStringLiteral("api"));
        QVERIFY(m_panel);
        m_gui->window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_gui->window()));
        m_containersMissing = containerRouteUnavailable(m_gui->port(), "GET", "/api/api1");
    }
    void cleanupTestCase()
    {
        m_panel = nullptr;
        m_gui.reset();
    }

    void emptyStateTellsWhatToDo()
    {
        QVERIFY(child<JsonView>("apiBody")->placeholderText().contains(QStringLiteral("Send")));
        QVERIFY(!child<MessageBanner>("apiError")->isVisible());
        QCOMPARE(child<CurlBar>("apiCurl")->command(),
                 m_gui->window()->api()->curlCommand("GET", QStringLiteral("/api/api1")));
    }

    void api1ShowsStatusInstanceSizeAndBody()
    {
        if (!m_containersMissing.isEmpty())
            QSKIP(qPrintable(m_containersMissing));
        setRequest(QStringLiteral("GET"), QStringLiteral("/api/api1"));
        QCOMPARE(child<QComboBox>("apiPreset")->currentIndex(), 0); // recognised as the preset
        QVERIFY(sendAndWait());
        const ApiResponse &r = m_panel->lastResponse();
        QCOMPARE(r.status, 200);
        QCOMPARE(child<StatusBadge>("apiStatus")->text(), QStringLiteral("200 OK"));
        QCOMPARE(child<StatusBadge>("apiStatus")->tone(), StatusBadge::Tone::Good);
        const QString instance = QString::fromUtf8(r.header("X-EdgeDesk-Instance"));
        QVERIFY2(!instance.isEmpty(), "the router names the instance");
        QCOMPARE(child<QLabel>("apiInstance")->text(), instance);
        QCOMPARE(child<QLabel>("apiSize")->text(), DisplayFormat::bytes(r.body.size()));
        QCOMPARE(child<QLabel>("apiTime")->text(), DisplayFormat::duration(double(r.elapsedMs)));
        auto *body = child<JsonView>("apiBody");
        QCOMPARE(body->kind(), JsonView::Kind::Json);
        QCOMPARE(body->toPlainText(), JsonView::prettyJson(r.body));
        QVERIFY(body->toPlainText().contains(QStringLiteral("\"message\": \"Hello from API 1\"")));
        auto *headers = child<QTreeWidget>("apiResponseHeaders");
        QCOMPARE(headers->topLevelItemCount(), r.headers.size());
        QVERIFY(!m_gui->screenshot(screenshotName(QStringLiteral("api-panel"))).isEmpty());
    }

    void heavyComputeFromThePresetWithN()
    {
        if (!m_containersMissing.isEmpty())
            QSKIP(qPrintable(m_containersMissing));
        setRequest(QStringLiteral("GET"), QStringLiteral("/api/api1"));
        auto *preset = child<QComboBox>("apiPreset");
        preset->setFocus();
        QTest::keyClick(preset, Qt::Key_Down); // api1 → heavycompute
        QCOMPARE(preset->currentIndex(), 1);
        auto *n = child<QSpinBox>("apiN");
        QVERIFY(n->isVisible());
        n->setFocus();
        n->selectAll();
        QTest::keyClicks(n, QStringLiteral("20"));
        QCOMPARE(child<QLineEdit>("apiPath")->text(), QStringLiteral("/api/heavycompute?n=20"));
        QTest::keyClick(n, Qt::Key_Return, Qt::ControlModifier); // Ctrl+Enter sends
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->lastResponse().body.contains("\"n\":20"), 30000);
        const QJsonObject json = m_panel->lastResponse().json();
        QCOMPARE(json.value(QStringLiteral("result")).toInteger(), 6765);
        QCOMPARE(child<StatusBadge>("apiStatus")->text(), QStringLiteral("200 OK"));
    }

    void serverErrorIsShownInItsOwnWords()
    {
        const HttpReply direct = request(m_gui->port(), "GET", "/__edgedesk/v1/traffic?limit=0");
        QCOMPARE(direct.status, 400);
        const QString message = direct.json()
                                    .value(QStringLiteral("error"))
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toString();
        QVERIFY(!message.isEmpty());

        setRequest(QStringLiteral("GET"), QStringLiteral("/__edgedesk/v1/traffic?limit=0"));
        QCOMPARE(child<QComboBox>("apiPreset")->currentIndex(), 3); // custom
        QVERIFY(!child<QSpinBox>("apiN")->isVisible());
        QVERIFY(sendAndWait());
        QCOMPARE(child<StatusBadge>("apiStatus")->text(), QStringLiteral("400 Bad Request"));
        QCOMPARE(child<StatusBadge>("apiStatus")->tone(), StatusBadge::Tone::Warning);
        auto *banner = child<MessageBanner>("apiError");
        QVERIFY(banner->isVisible());
        QCOMPARE(banner->message(), QStringLiteral("400 — %1").arg(message));
    }

    void putThenGetAndCopyAsCurl()
    {
        const QString path = QStringLiteral("/__edgedesk/v1/kv/MY_KV/keys/gui-api-test");
        setRequest(QStringLiteral("PUT"), path, QStringLiteral("Content-Type: text/plain"),
                   QStringLiteral("hello from the panel"));
        QVERIFY(sendAndWait());
        QVERIFY2(m_panel->lastResponse().ok(), qPrintable(m_panel->lastResponse().describeError()));
        // The value really is stored.
        const HttpReply stored = request(m_gui->port(), "GET", path.toLatin1());
        QCOMPARE(stored.status, 200);
        QCOMPARE(stored.body, QByteArray("hello from the panel"));

        setRequest(QStringLiteral("GET"), path);
        QVERIFY(sendAndWait());
        auto *body = child<JsonView>("apiBody");
        QCOMPARE(body->kind(), JsonView::Kind::Text);
        QCOMPARE(body->toPlainText(), QStringLiteral("hello from the panel"));

        auto *curl = child<CurlBar>("apiCurl");
        QApplication::clipboard()->clear();
        QTest::mouseClick(curl->copyButton(), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), curl->command());
        QCOMPARE(curl->command(),
                 QStringLiteral("curl -s 'http://127.0.0.1:%1%2'").arg(m_gui->port()).arg(path));
        if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
            QSKIP("curl is not installed: the copied command was not run");
        const ProcessResult run = edgedesk::test::run(
            QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QApplication::clipboard()->text()});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("hello from the panel"));
    }

    void largeBodiesShowTheirStartOnly()
    {
        const QByteArray big(700 * 1024, 'x');
        const HttpReply put = request(m_gui->port(), "PUT", "/__edgedesk/v1/kv/MY_KV/keys/big",
                                      {{"Content-Type", "text/plain"}}, big);
        QVERIFY2(put.status >= 200 && put.status < 300, put.body.constData());
        setRequest(QStringLiteral("GET"), QStringLiteral("/__edgedesk/v1/kv/MY_KV/keys/big"));
        QVERIFY(sendAndWait());
        QCOMPARE(m_panel->lastResponse().body, big);
        QCOMPARE(child<QLabel>("apiSize")->text(), QStringLiteral("700 KiB"));
        const QString text = child<JsonView>("apiBody")->toPlainText();
        QVERIFY(text.startsWith(QString(512 * 1024, QLatin1Char('x'))));
        QVERIFY(text.endsWith(QStringLiteral("… %1 more bytes not shown (the body is 700 KiB; "
                                             "Copy as curl gets all of it)")
                                  .arg(188 * 1024)));
    }

    void malformedHeaderLineIsRefusedBeforeSending()
    {
        const int before = m_panel->lastResponse().status;
        const QByteArray beforeBody = m_panel->lastResponse().body;
        setRequest(QStringLiteral("GET"), QStringLiteral("/api/api1"),
                   QStringLiteral("Accept: application/json\nthis is not a header"));
        QTest::mouseClick(child<QPushButton>("apiSend"), Qt::LeftButton);
        QVERIFY(!m_panel->isSending());
        auto *banner = child<MessageBanner>("apiError");
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->message().contains(QStringLiteral("line 2")),
                 qPrintable(banner->message()));
        QCOMPARE(m_panel->lastResponse().status, before);
        QCOMPARE(m_panel->lastResponse().body, beforeBody);
        QVERIFY(child<CurlBar>("apiCurl")->command().isEmpty());
        child<QPlainTextEdit>("apiHeadersEdit")->clear();
    }

    void burstSpreadsOverTheInstances()
    {
        if (!m_containersMissing.isEmpty())
            QSKIP(qPrintable(m_containersMissing));
        setRequest(QStringLiteral("GET"), QStringLiteral("/api/api1"));
        child<QSpinBox>("apiBurstCount")->setValue(12);
        auto *burst = child<QPushButton>("apiBurst");
        QTest::mouseClick(burst, Qt::LeftButton);
        QVERIFY(m_panel->isBursting());
        QCOMPARE(burst->text(), QStringLiteral("Stop"));
        auto *chart = child<BurstChart>("apiBurstChart");
        QTRY_VERIFY_WITH_TIMEOUT(!m_panel->isBursting(), 60000);
        QCOMPARE(chart->expected(), 12);
        QCOMPARE(chart->answered(), 12);
        QCOMPARE(chart->failures(), 0);
        int sum = 0;
        for (int c : chart->counts())
            sum += c;
        QCOMPARE(sum, 12);
        const int instances = int(chart->counts().size());
        QVERIFY2(instances >= 1 && instances <= 3, qPrintable(QString::number(instances)));
        for (const QString &name : chart->instances())
            QVERIFY(name.startsWith(QStringLiteral("instance-")));
        QVERIFY(child<QLabel>("apiBurstSummary")
                    ->text()
                    .startsWith(QStringLiteral("12 of 12 requests answered by")));
        QCOMPARE(child<QTabWidget>("apiResponseTabs")->currentWidget(), chart->parentWidget());
        QCOMPARE(burst->text(), QStringLiteral("Burst"));
        QVERIFY(!m_gui->screenshot(screenshotName(QStringLiteral("api-panel-burst"))).isEmpty());
    }

    void inputsSurviveARestart()
    {
        setRequest(QStringLiteral("POST"), QStringLiteral("/api/responseheaders"),
                   QStringLiteral("X-Trace: 42"), QStringLiteral("{}"));
        child<QSpinBox>("apiBurstCount")->setValue(33);
        m_panel->saveState();
        ApiPanel restored(m_panel->context(), nullptr);
        auto find = [&](const char *name) {
            return restored.findChild<QWidget *>(QString::fromLatin1(name));
        };
        QCOMPARE(qobject_cast<QComboBox *>(find("apiMethod"))->currentText(),
                 QStringLiteral("POST"));
        QCOMPARE(qobject_cast<QLineEdit *>(find("apiPath"))->text(),
                 QStringLiteral("/api/responseheaders"));
        QCOMPARE(qobject_cast<QPlainTextEdit *>(find("apiHeadersEdit"))->toPlainText(),
                 QStringLiteral("X-Trace: 42"));
        QCOMPARE(qobject_cast<QPlainTextEdit *>(find("apiBodyEdit"))->toPlainText(),
                 QStringLiteral("{}"));
        QCOMPARE(qobject_cast<QSpinBox *>(find("apiBurstCount"))->value(), 33);
        QCOMPARE(qobject_cast<QComboBox *>(find("apiPreset"))->currentIndex(), 3);
    }
};

QTEST_MAIN(TestApiPanel)
#include "test_apipanel.moc"
