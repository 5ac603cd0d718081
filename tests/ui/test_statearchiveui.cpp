// File → Export state… / Import state… in a real window over a real server: the export runs
// while serving; the import stops the server, swaps the folder and starts it again.
#include "archivetestutil.h"
#include "guifixture.h"
#include "archive/statearchiveactions.h"
#include "testsupport.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

class TestStateArchiveUi final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<GuiFixture> m_gui;

    StateArchiveActions *actions() const { return m_gui->window()->stateArchiveActions(); }
    void closeResultBox()
    {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (auto *box = qobject_cast<QMessageBox *>(w))
                box->close();
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
    }
    void cleanupTestCase() { m_gui.reset(); }

    void fileMenuHasTheActions()
    {
        QMenu *file = m_gui->window()->menuBar()->findChild<QMenu *>(QStringLiteral("fileMenu"));
        QVERIFY(file);
        QStringList names;
        for (const QAction *action : file->actions())
            names << action->objectName();
        // Export then import, next to each other (the project actions come first).
        const qsizetype exportAt = names.indexOf(QStringLiteral("exportStateAction"));
        QVERIFY2(exportAt >= 0, qPrintable(names.join(u',')));
        QCOMPARE(names.value(exportAt + 1), QStringLiteral("importStateAction"));
        QCOMPARE(actions()->dataDir(), m_gui->host().dataDir());
    }

    void exportThenImportRestartsTheServer()
    {
        const quint16 port = m_gui->port();
        QCOMPARE(
            request(port, "PUT", "/__edgedesk/v1/kv/MY_KV/keys/kept", {}, "in the archive").status,
            200);
        const QString archive = m_dir.filePath(QStringLiteral("ui.zip"));
        QSignalSpy finished(actions(), &StateArchiveActions::finished);
        actions()->exportTo(archive, false);
        QVERIFY(actions()->isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QVERIFY(finished.first().at(1).toString().contains(QStringLiteral("Exported to")));
        QVERIFY(m_gui->host().isServing());
        closeResultBox();

        QCOMPARE(request(port, "PUT", "/__edgedesk/v1/kv/MY_KV/keys/later", {}, "not in it").status,
                 200);
        QSignalSpy serving(&m_gui->host(), &ServerHost::serving);
        actions()->importFrom(archive, true);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        QVERIFY2(finished.at(1).at(0).toBool(), qPrintable(finished.at(1).at(1).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(m_gui->host().isServing(), 20000);
        QVERIFY(serving.size() >= 1);
        const quint16 again = m_gui->host().port();
        QCOMPARE(request(again, "GET", "/__edgedesk/v1/kv/MY_KV/keys/kept").body,
                 QByteArray("in the archive"));
        QCOMPARE(request(again, "GET", "/__edgedesk/v1/kv/MY_KV/keys/later").status, 404);
        closeResultBox();
    }

    void aDamagedArchiveChangesNothing()
    {
        const QString archive = m_dir.filePath(QStringLiteral("hostile.zip"));
        writeFile(archive, hostileArchives().first().bytes);
        QSignalSpy finished(actions(), &StateArchiveActions::finished);
        actions()->importFrom(archive, true);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY(finished.first().at(1).toString().contains(QStringLiteral("'../evil.jpg'")));
        QTRY_VERIFY_WITH_TIMEOUT(m_gui->host().isServing(), 20000);
        QCOMPARE(request(m_gui->host().port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/kept").body,
                 QByteArray("in the archive"));
        closeResultBox();
    }
};

QTEST_MAIN(TestStateArchiveUi)
#include "test_statearchiveui.moc"
