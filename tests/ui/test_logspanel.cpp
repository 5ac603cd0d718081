// Logs: the initial fill, live lines from the hub, level/source/text filters with highlight,
// follow, clear, export, and inputs that survive a restart — on the real window and server.
#include "logging/loghub.h"
#include "logs/logspanel.h"
#include "opsguihelpers.h"
#include "widgets/logdelegate.h"
#include "widgets/logfiltermodel.h"
#include "widgets/logmodel.h"
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
        QVERIFY(count->text().endsWith(QStringLiteral("lines")));
        auto *source = child<QComboBox>(m_panel, "logsSource");
        QVERIFY(source->findData(QStringLiteral("server")) > 0);
    }

    void filtersThousandsOfLines()
    {
        static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                                        QStringLiteral("warning"), QStringLiteral("error")};
        for (int i = 0; i < 6000; ++i)
            m_gui->host().logHub().append(kBulk, levels[i % 4], QStringLiteral("stdout"),
                                          QStringLiteral("bulk-%1; payload").arg(i));
        auto *source = child<QComboBox>(m_panel, "logsSource");
        QTRY_VERIFY(source->findData(kBulk) > 0);
        source->setCurrentIndex(source->findData(kBulk));
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

    void inputsSurviveARestart()
    {
        m_panel->saveState();
        LogsPanel again(m_panel->context(), nullptr);
        QCOMPARE(child<QLineEdit>(&again, "logsSearch")->text(), QStringLiteral("instance-1"));
        QCOMPARE(child<QComboBox>(&again, "logsSource")->currentData().toString(), kBulk);
        QCOMPARE(again.view()->filterModel()->source(), kBulk);
        QCOMPARE(again.view()->filterModel()->search(), QStringLiteral("instance-1"));
        QVERIFY(child<QToolButton>(&again, "logsFollow")->isChecked());
    }
};

QTEST_MAIN(TestLogsPanel)
#include "test_logspanel.moc"
