// The Web section: the embedded Chromium is created only when the section is first shown, loads
// the frontend from the running server, reloads, and follows the server when it restarts.
#include "sectiontest.h"
#include "web/webpanel.h"
#include "webscript.h"

#include <QApplication>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QWebEngineView>

using namespace edgedesk;
using namespace edgedesk::test;

class TestWebPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    WebPanel *m_panel = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        m_gui = std::make_unique<GuiFixture>(sectionServerOptions());
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        applyWindowSize(*m_gui);
        m_panel = m_gui->panel<WebPanel>(QStringLiteral("web"));
        QVERIFY(m_panel);
    }
    void cleanupTestCase()
    {
        m_panel = nullptr;
        m_gui.reset();
    }

    void viewIsCreatedOnlyWhenShown()
    {
        QVERIFY(m_gui->window()->currentSection() != QStringLiteral("web"));
        QVERIFY(m_panel->view() == nullptr);
        QCOMPARE(m_panel->findChild<QLabel *>(QStringLiteral("webPlaceholder"))->text(),
                 QStringLiteral("The page loads when the server is serving."));
    }

    void showsTheFrontendOfTheRunningServer()
    {
        QSignalSpy loaded(m_panel, &WebPanel::pageLoaded);
        QVERIFY(m_gui->show(QStringLiteral("web")));
        QVERIFY(m_panel->view());
        // One "Open in browser" here: the section's own, for the page it shows.
        auto *headerOpen = m_gui->window()->findChild<QToolButton *>(QStringLiteral("headerOpen"));
        QVERIFY(headerOpen);
        QTRY_VERIFY(m_panel->findChild<QToolButton *>(QStringLiteral("webOpen"))->isVisible());
        QVERIFY(!headerOpen->isVisible());
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loaded.first().first().toBool(), true);
        const QUrl expected = QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_gui->port()));
        QCOMPARE(m_panel->view()->url(), expected);
        QCOMPARE(m_panel->findChild<QLabel *>(QStringLiteral("webUrl"))->text(),
                 expected.toString());
        QTRY_COMPARE(m_panel->view()->title(), QStringLiteral("EdgeDesk"));
        QVERIFY(waitForScript(m_panel->view()->page(),
                              QStringLiteral("document.documentElement.dataset.ready === 'true'")));
        QCOMPARE(runScript(m_panel->view()->page(),
                           QStringLiteral("document.getElementById('server-origin').textContent"))
                     .toString(),
                 QStringLiteral("127.0.0.1:%1").arg(m_gui->port()));
        // A real action on the page: the API card's first button.
        QVERIFY(runScript(m_panel->view()->page(),
                          QStringLiteral("document.getElementById('api-api1-btn').click(); true"))
                    .toBool());
        QVERIFY(waitForScript(m_panel->view()->page(),
                              QStringLiteral("['done','error'].includes(document.getElementById("
                                             "'api-result').dataset.state)")));
        QTest::qWait(300); // let the compositor paint before the screenshot
        QVERIFY(!m_gui->screenshot(screenshotName(QStringLiteral("web-panel"))).isEmpty());
    }

    void reloadLoadsAgain()
    {
        QVERIFY(runScript(m_panel->view()->page(), QStringLiteral("window.__marker = 42; 1"))
                    .isValid());
        QSignalSpy loaded(m_panel, &WebPanel::pageLoaded);
        QTest::mouseClick(m_panel->findChild<QToolButton *>(QStringLiteral("webReload")),
                          Qt::LeftButton);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loaded.first().first().toBool(), true);
        // A fresh document: the marker from before the reload is gone.
        QCOMPARE(
            runScript(m_panel->view()->page(), QStringLiteral("typeof window.__marker")).toString(),
            QStringLiteral("undefined"));
    }

    void followsTheServerWhenItRestarts()
    {
        QSignalSpy loaded(m_panel, &WebPanel::pageLoaded);
        QSignalSpy serving(&m_gui->host(), &ServerHost::serving);
        m_gui->window()->startServer();
        QVERIFY(serving.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
        QCOMPARE(loaded.last().first().toBool(), true);
        QCOMPARE(m_panel->view()->url().port(), int(m_gui->port()));
    }
};

int main(int argc, char **argv)
{
    // Qt WebEngine shares OpenGL contexts with the widgets; this must be set before the
    // application object exists.
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    TestWebPanel test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_webpanel.moc"
