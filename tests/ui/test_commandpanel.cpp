// The Linux command section against a real server and the real command-runner: the sandbox's
// mode from GET /run, a command typed and run with Enter, stdout and stderr told apart, the exit
// code badge, the time limit and "timed out", truncated output, Stop, and the command history
// (Up/Down) kept across a restart.
#include "command/commandpanel.h"
#include "sectiontest.h"
#include "widgets/curlbar.h"
#include "widgets/elapsedindicator.h"
#include "widgets/historylineedit.h"
#include "widgets/messagebanner.h"
#include "widgets/statusbadge.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>

using namespace edgedesk;
using namespace edgedesk::test;

class TestCommandPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    CommandPanel *m_panel = nullptr;
    QString m_missing;

    template <typename T> T *child(const char *name)
    {
        T *widget = m_panel->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no widget %s", name);
        return widget;
    }

    // Types the command and presses Enter, as a user does; waits for the answer.
    bool runTyped(const QString &command, int timeoutMs = 40000)
    {
        auto *input = child<HistoryLineEdit>("cmdInput");
        input->setFocus();
        input->clear();
        QTest::keyClicks(input, command);
        QSignalSpy finished(m_panel, &CommandPanel::finished);
        QTest::keyClick(input, Qt::Key_Return);
        return finished.wait(timeoutMs) || !finished.isEmpty();
    }

    // The role ("stdout", "stderr", "prompt", "meta") the transcript gave the line `text`.
    QString roleOfLine(const QString &text)
    {
        const QTextDocument *doc = child<QPlainTextEdit>("cmdTerminal")->document();
        for (QTextBlock block = doc->lastBlock(); block.isValid(); block = block.previous()) {
            if (block.text() == text && block.begin() != block.end())
                return block.begin()
                    .fragment()
                    .charFormat()
                    .property(QTextFormat::UserProperty)
                    .toString();
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        applyPaletteFromEnvironment();
        m_gui = std::make_unique<GuiFixture>(sectionServerOptions());
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        applyWindowSize(*m_gui);
        m_panel = m_gui->panel<CommandPanel>(QStringLiteral("command"));
        QVERIFY(m_panel);
        // GET /run is sent when the section is first shown (it wakes a container instance).
        QSignalSpy health(m_panel, &CommandPanel::healthLoaded);
        QVERIFY(m_panel->health().isEmpty());
        QVERIFY(m_gui->show(QStringLiteral("command")));
        QTRY_VERIFY_WITH_TIMEOUT(!health.isEmpty(), 30000);
        m_gui->window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_gui->window()));
        m_missing =
            containerRouteUnavailable(m_gui->port(), "POST", "/run", R"({"command":"true"})");
    }
    void cleanupTestCase()
    {
        m_panel = nullptr;
        m_gui.reset();
    }

    void emptyStateAndSandboxMode()
    {
        QVERIFY(child<QPlainTextEdit>("cmdTerminal")
                    ->placeholderText()
                    .contains(QStringLiteral("press Enter")));
        const HttpReply health = request(m_gui->port(), "GET", "/run", {}, {}, 30000);
        if (health.status != 200) {
            QCOMPARE(child<StatusBadge>("cmdSandbox")->text(), QStringLiteral("unavailable"));
            QVERIFY(child<MessageBanner>("cmdError")->isVisible());
            QSKIP(qPrintable(QStringLiteral("GET /run answers %1").arg(health.status)));
        }
        const QJsonObject json = health.json();
        QCOMPARE(
            child<StatusBadge>("cmdSandbox")->text(),
            QStringLiteral("sandbox: %1").arg(json.value(QStringLiteral("sandbox")).toString()));
        QCOMPARE(child<StatusBadge>("cmdNetwork")->text(),
                 json.value(QStringLiteral("network")).toBool() ? QStringLiteral("network on")
                                                                : QStringLiteral("network off"));
        QCOMPARE(child<QLabel>("cmdContainment")->text(),
                 QStringLiteral("Containment: %1")
                     .arg(json.value(QStringLiteral("containment")).toString()));
    }

    void echoPrintsItsOutputAndExitZero()
    {
        if (!m_missing.isEmpty())
            QSKIP(qPrintable(m_missing));
        QVERIFY(runTyped(QStringLiteral("echo hi")));
        const CommandPanel::Outcome &o = m_panel->lastOutcome();
        QVERIFY2(o.failure.isEmpty(), qPrintable(o.failure));
        QCOMPARE(o.output, QStringLiteral("hi\n"));
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(child<StatusBadge>("cmdExit")->text(), QStringLiteral("exit 0"));
        QCOMPARE(child<StatusBadge>("cmdExit")->tone(), StatusBadge::Tone::Good);
        QVERIFY(child<QLabel>("cmdDuration")->text() != QStringLiteral("—"));
        QVERIFY(child<StatusBadge>("cmdTimedOut")->isHidden());
        QVERIFY(child<StatusBadge>("cmdTruncated")->isHidden());
        QVERIFY(m_panel->transcript().contains(QStringLiteral("$ echo hi\nhi\n[exit 0 · ")));
        QCOMPARE(roleOfLine(QStringLiteral("hi")), QStringLiteral("stdout"));
        QCOMPARE(roleOfLine(QStringLiteral("$ echo hi")), QStringLiteral("prompt"));
        QVERIFY(child<HistoryLineEdit>("cmdInput")->text().isEmpty());
    }

    void stderrIsToldApartAndTheExitCodeIsBad()
    {
        if (!m_missing.isEmpty())
            QSKIP(qPrintable(m_missing));
        QVERIFY(runTyped(QStringLiteral("echo out; echo oops >&2; exit 3")));
        const CommandPanel::Outcome &o = m_panel->lastOutcome();
        QCOMPARE(o.output, QStringLiteral("out\n"));
        QCOMPARE(o.error, QStringLiteral("oops\n"));
        QCOMPARE(o.exitCode, 3);
        QCOMPARE(child<StatusBadge>("cmdExit")->text(), QStringLiteral("exit 3"));
        QCOMPARE(child<StatusBadge>("cmdExit")->tone(), StatusBadge::Tone::Bad);
        QCOMPARE(roleOfLine(QStringLiteral("out")), QStringLiteral("stdout"));
        QCOMPARE(roleOfLine(QStringLiteral("oops")), QStringLiteral("stderr"));
        QVERIFY(!m_gui->screenshot(screenshotName(QStringLiteral("command-panel"))).isEmpty());
    }

    void timeLimitEndsWithTimedOut()
    {
        if (!m_missing.isEmpty())
            QSKIP(qPrintable(m_missing));
        auto *limit = child<QSpinBox>("cmdTimeLimit");
        limit->setValue(1);
        QVERIFY(child<CurlBar>("cmdCurl")->command().contains(QStringLiteral("\"timeout\":1")));
        QVERIFY(runTyped(QStringLiteral("sleep 5")));
        limit->setValue(30);
        const CommandPanel::Outcome &o = m_panel->lastOutcome();
        QVERIFY(o.timedOut);
        QCOMPARE(o.exitCode, 124);
        QCOMPARE(child<StatusBadge>("cmdTimedOut")->text(), QStringLiteral("timed out"));
        QVERIFY(child<StatusBadge>("cmdTimedOut")->isVisible());
        QVERIFY(o.elapsedMs < 5000);
    }

    void largeOutputIsFlaggedTruncated()
    {
        if (!m_missing.isEmpty())
            QSKIP(qPrintable(m_missing));
        QVERIFY(runTyped(QStringLiteral("head -c 3000000 /dev/zero | tr '\\000' a")));
        const CommandPanel::Outcome &o = m_panel->lastOutcome();
        QVERIFY(o.truncated);
        QVERIFY(o.output.size() <= 1024 * 1024);
        QVERIFY(o.output.size() > 1000);
        QCOMPARE(child<StatusBadge>("cmdTruncated")->text(), QStringLiteral("output truncated"));
        // The view shows the start; the rest is named, not laid out.
        QVERIFY(m_panel->transcript().contains(
            QStringLiteral("… %1 more characters of stdout not shown here")
                .arg(o.output.size() - 64 * 1024)));
        QVERIFY(m_panel->transcript().size() < 80 * 1024);
        QVERIFY(child<StatusBadge>("cmdTruncated")->isVisible());
        QTest::keyClick(child<HistoryLineEdit>("cmdInput"), Qt::Key_L, Qt::ControlModifier);
        QVERIFY(m_panel->transcript().isEmpty());
    }

    void stopShowsElapsedThenEndsTheRun()
    {
        if (!m_missing.isEmpty())
            QSKIP(qPrintable(m_missing));
        auto *input = child<HistoryLineEdit>("cmdInput");
        input->clear();
        QTest::keyClicks(input, QStringLiteral("sleep 20"));
        QTest::keyClick(input, Qt::Key_Return);
        QVERIFY(m_panel->isRunning());
        auto *busy = child<ElapsedIndicator>("cmdBusy");
        QVERIFY(busy->isVisible());
        QTRY_VERIFY(busy->elapsedMs() >= 300);
        QVERIFY(busy->text().startsWith(QStringLiteral("Running… ")));
        QCOMPARE(child<StatusBadge>("cmdExit")->text(), QStringLiteral("running"));
        QTest::mouseClick(child<QPushButton>("cmdStop"), Qt::LeftButton);
        QVERIFY(!m_panel->isRunning());
        QVERIFY(!busy->isVisible());
        QVERIFY(m_panel->lastOutcome().stopped);
        QCOMPARE(child<StatusBadge>("cmdExit")->text(), QStringLiteral("stopped"));
        QVERIFY(m_panel->transcript().contains(QStringLiteral("[stopped after ")));
        // The runner frees its slot: the next command runs at once.
        QVERIFY(runTyped(QStringLiteral("echo again")));
        QCOMPARE(m_panel->lastOutcome().output, QStringLiteral("again\n"));
    }

    void historyWalksBackAndSurvivesARestart()
    {
        if (!m_missing.isEmpty())
            QSKIP(qPrintable(m_missing));
        QVERIFY(runTyped(QStringLiteral("echo first")));
        QVERIFY(runTyped(QStringLiteral("echo second")));
        auto *input = child<HistoryLineEdit>("cmdInput");
        QTest::keyClick(input, Qt::Key_Up);
        QCOMPARE(input->text(), QStringLiteral("echo second"));
        QTest::keyClick(input, Qt::Key_Up);
        QCOMPARE(input->text(), QStringLiteral("echo first"));
        QTest::keyClick(input, Qt::Key_Down);
        QTest::keyClick(input, Qt::Key_Down);
        QCOMPARE(input->text(), QString());
        // Saved as soon as a command runs, not only when the window closes.
        const QStringList saved =
            m_gui->settings()
                .panelValue(QStringLiteral("command"), QStringLiteral("history"))
                .toStringList();
        QCOMPARE(saved.mid(saved.size() - 2),
                 QStringList({QStringLiteral("echo first"), QStringLiteral("echo second")}));
        CommandPanel restored(m_panel->context(), nullptr);
        auto *restoredInput = restored.findChild<HistoryLineEdit *>(QStringLiteral("cmdInput"));
        QCOMPARE(restoredInput->history(), input->history());
        QTest::keyClick(restoredInput, Qt::Key_Up);
        QCOMPARE(restoredInput->text(), QStringLiteral("echo second"));
    }
};

QTEST_MAIN(TestCommandPanel)
#include "test_commandpanel.moc"
