// The main window's frame: sections, shortcuts, the header strip, the command palette, restart.
#include "guifixture.h"
#include "palette/commandcatalog.h"
#include "palette/commandpalette.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

class TestMainWindow final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;

private Q_SLOTS:
    void initTestCase()
    {
        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
    }
    void cleanupTestCase() { m_gui.reset(); }

    void headerShowsServingAndUrl()
    {
        MainWindow *w = m_gui->window();
        QTRY_COMPARE(w->statePill()->text(), QStringLiteral("serving"));
        QCOMPARE(w->urlLabel()->text(), QStringLiteral("http://127.0.0.1:%1").arg(m_gui->port()));
    }

    void everySectionIsListed()
    {
        MainWindow *w = m_gui->window();
        QStringList titles;
        for (Panel *p : w->panels())
            titles.append(p->title());
        qInfo("sections: %s", qPrintable(titles.join(QStringLiteral(", "))));
        QCOMPARE(w->sidebar()->count(), w->panels().size());
    }

    void ctrlNumberSwitches()
    {
        MainWindow *w = m_gui->window();
        if (w->panels().size() < 2)
            QSKIP("fewer than two sections");
        QTest::keyClick(w, Qt::Key_2, Qt::ControlModifier);
        QTRY_COMPARE(w->currentSection(), w->panels().at(1)->id());
        QTest::keyClick(w, Qt::Key_1, Qt::ControlModifier);
        QTRY_COMPARE(w->currentSection(), w->panels().at(0)->id());
    }

    void paletteFiltersAndRuns()
    {
        MainWindow *w = m_gui->window();
        if (w->panels().isEmpty())
            QSKIP("no sections");
        Panel *last = w->panels().last();
        CommandPalette palette(w->commandCatalog()->commands(), w);
        palette.show();
        QTest::keyClicks(palette.input(), QStringLiteral("go ") + last->title());
        QCOMPARE(palette.currentLabel(), QStringLiteral("Go to: ") + last->title());
        QTest::keyClick(palette.input(), Qt::Key_Return);
        QTRY_COMPARE(w->currentSection(), last->id());
    }

    void restartKeepsServing()
    {
        MainWindow *w = m_gui->window();
        QSignalSpy serving(&m_gui->host(), &ServerHost::serving);
        w->startServer();
        QTRY_VERIFY_WITH_TIMEOUT(!serving.isEmpty(), 10000);
        QTRY_COMPARE(w->statePill()->text(), QStringLiteral("serving"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_mainwindow.moc"
