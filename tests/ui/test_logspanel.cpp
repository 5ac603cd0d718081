// Logs: the initial fill, live lines from the hub, level/sources/text filters with highlight,
// regular expressions and case, several sources at once, long lines wrapped, JSON shown parsed,
// timestamps toggled, follow, clear, export, and inputs that survive a restart — on the real
// window and server.
#include "logging/loghub.h"
#include "logs/logspanel.h"
#include "logs/sourcepicker.h"
#include "opsguihelpers.h"
#include "widgets/logdelegate.h"
#include "widgets/logfiltermodel.h"
#include "widgets/logmodel.h"
#include "widgets/logsearch.h"
#include "widgets/logview.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QToolButton>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

const QString kBulk = QStringLiteral("test/bulk");

bool modelContains(const LogModel *model, const QString &text)
{
    for (int i = 0; i < model->size(); ++i) {
        if (model->entry(i).message.contains(text))
            return true;
    }
    return false;
}

} // namespace

class TestLogsPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    LogsPanel *m_panel = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        m_panel = m_gui->panel<LogsPanel>(QStringLiteral("logs"));
        QVERIFY(m_panel);
        QVERIFY(m_gui->show(QStringLiteral("logs")));
        m_gui->window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_gui->window()));
    }
    void cleanupTestCase() { m_gui.reset(); }

    void fillsAndFollowsLiveLines()
    {
        QTRY_VERIFY(m_panel->isLoaded());
        m_gui->host().logHub().append(QStringLiteral("server"), QStringLiteral("info"),
                                      QStringLiteral("edgedesk.test"),
                                      QStringLiteral("hello from the logs test"));
        QTRY_VERIFY(
            modelContains(m_panel->view()->logModel(), QStringLiteral("hello from the logs test")));
        auto *count = child<QLabel>(m_panel, "logsCount");
        const int total = m_panel->view()->logModel()->size();
        QCOMPARE(count->text(), total == 1 ? QStringLiteral("1 line")
                                           : QStringLiteral("%1 lines").arg(QLocale().toString(total)));
        auto *source = child<SourcePicker>(m_panel, "logsSource");
        QVERIFY(source->sources().contains(QStringLiteral("server")));
        QVERIFY(source->actionFor(QStringLiteral("server")));
    }

    void filtersThousandsOfLines()
    {
        static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                                        QStringLiteral("warning"), QStringLiteral("error")};
        for (int i = 0; i < 6000; ++i)
            m_gui->host().logHub().append(kBulk, levels[i % 4], QStringLiteral("stdout"),
                                          QStringLiteral("bulk-%1; payload").arg(i));
        auto *source = child<SourcePicker>(m_panel, "logsSource");
        QTRY_VERIFY(source->actionFor(kBulk));
        source->actionFor(kBulk)->trigger();
        QCOMPARE(source->text(), kBulk);
        LogFilterModel *filter = m_panel->view()->filterModel();
        QTRY_COMPARE(filter->rowCount(), 6000);

        // "Errors only" is three steps down the level list.
        auto *level = child<QComboBox>(m_panel, "logsLevel");
        level->setFocus();
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(level, Qt::Key_Down);
        QCOMPARE(level->currentIndex(), 3);
        QCOMPARE(filter->rowCount(), 1500);

        auto *search = child<QLineEdit>(m_panel, "logsSearch");
        m_panel->view()->setFocus();
        QTest::keyClick(m_panel->view(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(search->hasFocus());
        QTest::keyClicks(search, QStringLiteral("BULK-1235;"));
        QCOMPARE(filter->rowCount(), 1);
        QCOMPARE(m_panel->view()->logDelegate()->highlight(), QStringLiteral("BULK-1235;"));
        const QModelIndex only = filter->index(0, 0);
        QCOMPARE(only.data(LogModel::MessageRole).toString(), QStringLiteral("bulk-1235; payload"));
        QCOMPARE(child<QLabel>(m_panel, "logsCount")->text(),
                 QStringLiteral("1 of %1 lines")
                     .arg(QLocale().toString(m_panel->view()->logModel()->size())));
        m_gui->screenshot(QStringLiteral("logs-search"));

        QTest::keyClick(search, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(search, Qt::Key_Delete);
        QCOMPARE(filter->rowCount(), 1500);
        QTest::keyClicks(search, QStringLiteral("no such line anywhere"));
        QCOMPARE(filter->rowCount(), 0);
        auto *empty = child<QLabel>(m_panel, "logsEmpty");
        QTRY_VERIFY(empty->isVisible());
        QVERIFY(empty->text().contains(QStringLiteral("No line matches")));
        search->clear();
        level->setCurrentIndex(0);
        QCOMPARE(filter->rowCount(), 6000);
    }

    void followStopsAndResumes()
    {
        LogView *view = m_panel->view();
        auto *follow = child<QToolButton>(m_panel, "logsFollow");
        QVERIFY(follow->isChecked());
        QScrollBar *bar = view->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 0);
        QTRY_COMPARE(bar->value(), bar->maximum());

        click(follow);
        QVERIFY(!view->follow());
        bar->setValue(0);
        m_gui->host().logHub().append(kBulk, QStringLiteral("info"), QStringLiteral("stdout"),
                                      QStringLiteral("while not following"));
        QTRY_VERIFY(modelContains(view->logModel(), QStringLiteral("while not following")));
        QCOMPARE(bar->value(), 0);

        view->setFocus();
        QTest::keyClick(view, Qt::Key_End);
        QVERIFY(follow->isChecked());
        QVERIFY(view->follow());
        QTRY_COMPARE(bar->value(), bar->maximum());
        m_gui->host().logHub().append(kBulk, QStringLiteral("info"), QStringLiteral("stdout"),
                                      QStringLiteral("following again"));
        QTRY_VERIFY(modelContains(view->logModel(), QStringLiteral("following again")));
        QTRY_COMPARE(bar->value(), bar->maximum());

        // Dragging the bar away from the bottom stops following; back at the bottom it resumes.
        bar->triggerAction(QAbstractSlider::SliderToMinimum);
        QVERIFY(!follow->isChecked());
        bar->triggerAction(QAbstractSlider::SliderToMaximum);
        QVERIFY(follow->isChecked());
    }

    void exportsTheVisibleLines()
    {
        auto *level = child<QComboBox>(m_panel, "logsLevel");
        level->setCurrentIndex(3);
        const int rows = m_panel->view()->filterModel()->rowCount();
        QCOMPARE(rows, 1500);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("export.log"));
        QString error;
        QVERIFY2(m_panel->exportTo(path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), rows + 1); // the last line ends with a newline too
        QVERIFY(lines.first().contains("error"));
        QVERIFY(lines.first().contains("test/bulk"));
        QVERIFY(lines.first().contains("bulk-3; payload"));
        QVERIFY(lines.at(rows - 1).contains("bulk-5999; payload"));
        QVERIFY(!m_panel->exportTo(dir.filePath(QStringLiteral("missing/dir/export.log")), &error));
        QVERIFY(!error.isEmpty());
        level->setCurrentIndex(0);
    }

    void clearEmptiesTheViewOnly()
    {
        m_panel->view()->setFocus();
        QTest::keyClick(m_panel->view(), Qt::Key_L, Qt::ControlModifier);
        QCOMPARE(m_panel->view()->logModel()->size(), 0);
        QTRY_VERIFY(child<QLabel>(m_panel, "logsEmpty")->isVisible());
        QVERIFY(child<QLabel>(m_panel, "logsMessage")->text().contains(QStringLiteral("cleared")));
        m_gui->host().logHub().append(kBulk, QStringLiteral("warning"), QStringLiteral("stderr"),
                                      QStringLiteral("after the clear"));
        QTRY_COMPARE(m_panel->view()->logModel()->size(), 1);
        QTRY_VERIFY(m_panel->view()->isVisible());
        // The server still has every line.
        const HttpReply reply = httpGet(*m_gui, "/__edgedesk/v1/logs?tail=10&source=test/bulk");
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.body.contains("after the clear"));
        QVERIFY(reply.body.contains("following again"));

        click(child<QToolButton>(m_panel, "logsClear"));
        QCOMPARE(m_panel->view()->logModel()->size(), 0);
        for (int i = 0; i < 40; ++i)
            m_gui->host().logHub().append(
                kBulk, i % 5 ? QStringLiteral("info") : QStringLiteral("error"),
                QStringLiteral("stdout"),
                QStringLiteral("GET /api/api1 answered by instance-%1").arg(i % 3));
        QTRY_COMPARE(m_panel->view()->logModel()->size(), 40);
        QTest::keyClicks(child<QLineEdit>(m_panel, "logsSearch"), QStringLiteral("instance-1"));
        m_gui->screenshot(QStringLiteral("logs"));
    }

    void searchTakesRegexAndCase()
    {
        auto *search = child<QLineEdit>(m_panel, "logsSearch");
        auto *regex = child<QToolButton>(m_panel, "logsRegex");
        auto *matchCase = child<QToolButton>(m_panel, "logsCase");
        LogFilterModel *filter = m_panel->view()->filterModel();
        search->clear();
        child<SourcePicker>(m_panel, "logsSource")->setChosen({QStringLiteral("test/regex")});
        for (int i = 0; i < 30; ++i)
            m_gui->host().logHub().append(QStringLiteral("test/regex"), QStringLiteral("info"),
                                          QStringLiteral("stdout"),
                                          i % 3 ? QStringLiteral("Request %1 took %2 ms").arg(i).arg(i * 7)
                                                : QStringLiteral("request %1 queued").arg(i));
        QTRY_VERIFY(modelContains(m_panel->view()->logModel(), QStringLiteral("Request 29 took")));
        QTest::keyClicks(search, QStringLiteral("Request [12]\\d took"));
        QCOMPARE(filter->rowCount(), 0); // plain text: the brackets are literal
        click(regex);
        QVERIFY(regex->isChecked());
        // Request 10..29 that took: 10, 11, 13, 14, 16, 17, 19, 20, 22, 23, 25, 26, 28, 29.
        QCOMPARE(filter->rowCount(), 14);
        QVERIFY(filter->search().isRegex());
        const QList<LogSearch::Range> marks = m_panel->view()->logDelegate()->search().ranges(
            QStringLiteral("Request 13 took 91 ms"));
        QCOMPARE(marks.size(), 1);
        QCOMPARE(marks.first().start, 0);
        QCOMPARE(marks.first().length, 15);

        // Case: "request" alone finds both spellings until case counts.
        search->setText(QStringLiteral("^request \\d+"));
        QCOMPARE(filter->rowCount(), 30);
        click(matchCase);
        QVERIFY(matchCase->isChecked());
        QCOMPARE(filter->rowCount(), 10);

        // A pattern that does not compile says why and shows nothing.
        search->setText(QStringLiteral("took ("));
        QCOMPARE(filter->rowCount(), 0);
        auto *message = child<QLabel>(m_panel, "logsMessage");
        QVERIFY(message->property("error").toBool());
        QVERIFY2(message->text().contains(QStringLiteral("not valid")), qPrintable(message->text()));
        search->clear();
        QVERIFY(!message->property("error").toBool());
        click(regex);
        click(matchCase);
        QVERIFY(!regex->isChecked() && !matchCase->isChecked());
    }

    void sourceFilterTakesSeveralSources()
    {
        auto *source = child<SourcePicker>(m_panel, "logsSource");
        LogFilterModel *filter = m_panel->view()->filterModel();
        for (const QString &name : {QStringLiteral("test/a"), QStringLiteral("test/b"),
                                    QStringLiteral("test/c")})
            m_gui->host().logHub().append(name, QStringLiteral("info"), QStringLiteral("stdout"),
                                          QStringLiteral("line from %1").arg(name));
        QTRY_VERIFY(source->actionFor(QStringLiteral("test/c")));
        source->allAction()->trigger();
        QVERIFY(source->chosen().isEmpty());
        source->actionFor(QStringLiteral("test/a"))->trigger();
        source->actionFor(QStringLiteral("test/c"))->trigger();
        QCOMPARE(source->chosen(),
                 (QSet<QString>{QStringLiteral("test/a"), QStringLiteral("test/c")}));
        QCOMPARE(source->text(), QStringLiteral("2 sources"));
        QCOMPARE(filter->rowCount(), 2);
        QStringList shown;
        for (int row = 0; row < filter->rowCount(); ++row)
            shown.append(filter->index(row, 0).data(LogModel::SourceRole).toString());
        shown.sort();
        QCOMPARE(shown, (QStringList{QStringLiteral("test/a"), QStringLiteral("test/c")}));
        // Unticking one leaves the other; "All sources" clears the choice.
        source->actionFor(QStringLiteral("test/a"))->trigger();
        QCOMPARE(filter->rowCount(), 1);
        source->allAction()->trigger();
        QVERIFY(source->chosen().isEmpty());
        QCOMPARE(source->text(), QStringLiteral("All sources"));
        QCOMPARE(filter->rowCount(), m_panel->view()->logModel()->size());
    }

    void longLinesWrapAndJsonShowsParsed()
    {
        LogView *view = m_panel->view();
        auto *wrap = child<QToolButton>(m_panel, "logsWrap");
        auto *json = child<QToolButton>(m_panel, "logsJson");
        auto *time = child<QToolButton>(m_panel, "logsTime");
        QVERIFY(wrap->isChecked()); // the default: nothing is cut off
        QString longLine = QStringLiteral("{\"level\":\"info\",\"msg\":\"");
        for (int i = 0; i < 40; ++i)
            longLine += QStringLiteral("word%1 ").arg(i);
        longLine += QStringLiteral("END-OF-LINE\",\"status\":200,\"path\":\"/api/api1\"}");
        m_gui->host().logHub().append(QStringLiteral("test/json"), QStringLiteral("info"),
                                      QStringLiteral("stdout"), longLine);
        QTRY_VERIFY(modelContains(view->logModel(), QStringLiteral("END-OF-LINE")));
        child<SourcePicker>(m_panel, "logsSource")->setChosen({QStringLiteral("test/json")});
        QCOMPARE(view->filterModel()->rowCount(), 1);
        const QModelIndex index = view->filterModel()->index(0, 0);
        const int oneLine = view->fontMetrics().height() + 4;

        // Wrapped: the row is as tall as the lines the message needs, on the real view.
        QTRY_VERIFY(view->visualRect(index).height() >= 2 * view->fontMetrics().height());
        const int wrapped = view->visualRect(index).height();
        m_gui->screenshot(QStringLiteral("logs-wrapped"));

        // One line: the row shrinks back.
        click(wrap);
        QVERIFY(!view->wrap());
        QTRY_COMPARE(view->visualRect(index).height(), oneLine);
        click(wrap);
        QTRY_COMPARE(view->visualRect(index).height(), wrapped);

        // Parsed JSON: one member a line, indented.
        QCOMPARE(view->logDelegate()->displayedMessage(longLine), longLine);
        click(json);
        QVERIFY(view->parseJson());
        const QString parsed = view->logDelegate()->displayedMessage(longLine);
        QVERIFY2(parsed.startsWith(QStringLiteral("{\n    \"")), qPrintable(parsed));
        QVERIFY(parsed.contains(QStringLiteral("\n    \"status\": 200")));
        QCOMPARE(parsed.count(QLatin1Char('\n')), 5);
        QTRY_VERIFY(view->visualRect(index).height() > wrapped);
        // Text that is not JSON is left as written.
        QCOMPARE(view->logDelegate()->displayedMessage(QStringLiteral("{not json")),
                 QStringLiteral("{not json"));
        m_gui->screenshot(QStringLiteral("logs-json"));
        click(json);
        QVERIFY(!view->parseJson());

        // Timestamps: off moves the message left, on brings them back.
        QVERIFY(time->isChecked());
        click(time);
        QVERIFY(!view->showTime());
        const QString exported = view->visibleLines().first();
        QVERIFY(exported.contains(QStringLiteral("END-OF-LINE"))); // export keeps the whole line
        click(time);
        QVERIFY(view->showTime());
        // What the restart test below expects to find again.
        child<SourcePicker>(m_panel, "logsSource")->setChosen({kBulk});
        child<QLineEdit>(m_panel, "logsSearch")->setText(QStringLiteral("instance-1"));
    }

    void inputsSurviveARestart()
    {
        m_panel->saveState();
        LogsPanel again(m_panel->context(), nullptr);
        QCOMPARE(child<QLineEdit>(&again, "logsSearch")->text(), QStringLiteral("instance-1"));
        QCOMPARE(child<SourcePicker>(&again, "logsSource")->chosen(), QSet<QString>{kBulk});
        QCOMPARE(again.view()->filterModel()->sources(), QSet<QString>{kBulk});
        QCOMPARE(again.view()->filterModel()->search().text(), QStringLiteral("instance-1"));
        QVERIFY(child<QToolButton>(&again, "logsFollow")->isChecked());
        QVERIFY(child<QToolButton>(&again, "logsWrap")->isChecked());
        QVERIFY(again.view()->wrap());
        QVERIFY(again.view()->showTime());
    }
};

QTEST_MAIN(TestLogsPanel)
#include "test_logspanel.moc"
