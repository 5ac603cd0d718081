// The command palette, the Help menu and the section keys on the real window: Ctrl+K runs
// actions by name (go to a section, send from the API section, restart an instance), every
// section has its keys, the shortcut sheet lists what is registered, About tells the version,
// Qt, data folder and project.
#include "api/apipanel.h"
#include "help/aboutdialog.h"
#include "help/helpmenu.h"
#include "help/shortcutsheet.h"
#include "kv/valueeditor.h"
#include "opsguihelpers.h"
#include "palette/commandcatalog.h"
#include "palette/commandpalette.h"
#include "sectiontest.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QStatusBar>
#include <QTreeWidget>

using namespace edgedesk;
using namespace edgedesk::test;

class TestCommandPalette final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;

    MainWindow *window() const { return m_gui->window(); }

    // Without a window manager nothing activates windows: do it as the fixture does (the web
    // view's helper process may take the activation away).
    static bool activate(QWidget *w)
    {
        QApplication::setActiveWindow(w);
        return QTest::qWaitFor([w] { return QApplication::activeWindow() == w; }, 5000);
    }

    // Ctrl+K, type `query`, Enter: what a user does.
    bool runFromPalette(const QString &query, QString *label = nullptr)
    {
        if (!activate(window()))
            return false;
        QTest::keyClick(window(), Qt::Key_K, Qt::ControlModifier);
        if (!QTest::qWaitFor(
                [&] {
                    return window()->helpMenu()->palette() &&
                           window()->helpMenu()->palette()->isVisible();
                },
                5000))
            return false;
        CommandPalette *palette = window()->helpMenu()->palette();
        if (!activate(palette))
            return false;
        QTest::keyClicks(palette->input(), query);
        if (label)
            *label = palette->currentLabel();
        if (palette->currentLabel().isEmpty())
            return false;
        QTest::keyClick(palette->input(), Qt::Key_Return);
        return QTest::qWaitFor([&] { return !window()->helpMenu()->palette(); }, 5000);
    }

    // The shortcut sheet's row for `text` under `group`: its keys, or empty.
    static QString keysIn(const ShortcutSheet *sheet, const QString &group, const QString &text)
    {
        const QTreeWidget *tree = sheet->tree();
        for (int g = 0; g < tree->topLevelItemCount(); ++g) {
            const QTreeWidgetItem *groupItem = tree->topLevelItem(g);
            if (groupItem->text(0) != group)
                continue;
            for (int i = 0; i < groupItem->childCount(); ++i) {
                if (groupItem->child(i)->text(1) == text)
                    return groupItem->child(i)->text(0);
            }
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_gui = std::make_unique<GuiFixture>(sectionServerOptions());
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
    }
    void cleanupTestCase() { m_gui.reset(); }

    void everySectionHasItsKeys()
    {
        const QList<Panel *> panels = window()->panels();
        QVERIFY(panels.size() > 10); // the keys past Ctrl+9 are exercised
        for (int i = panels.size() - 1; i >= 0; --i) {
            const QKeySequence keys = MainWindow::sectionKeys(i);
            const QKeyCombination combo = keys[0];
            QVERIFY(activate(window()));
            QTest::keyClick(window(), combo.key(), combo.keyboardModifiers());
            QTRY_COMPARE(window()->currentSection(), panels[i]->id());
            QVERIFY(window()->sidebar()->item(i)->toolTip().contains(
                keys.toString(QKeySequence::NativeText)));
        }
        // No two sections share keys.
        QSet<QString> seen;
        for (int i = 0; i < panels.size(); ++i)
            seen.insert(MainWindow::sectionKeys(i).toString());
        QCOMPARE(seen.size(), panels.size());
    }

    void paletteGoesToASection()
    {
        QVERIFY(m_gui->show(QStringLiteral("overview")));
        QString label;
        QVERIFY(runFromPalette(QStringLiteral("go traffic"), &label));
        QCOMPARE(label, QStringLiteral("Go to: Traffic"));
        QTRY_COMPARE(window()->currentSection(), QStringLiteral("traffic"));
    }

    void paletteSendsFromTheApiSection()
    {
        QVERIFY(m_gui->show(QStringLiteral("overview")));
        auto *api = m_gui->panel<ApiPanel>(QStringLiteral("api"));
        api->openRequest("GET", QStringLiteral("/worker/echo?from=palette"), {}, {});
        const qsizetype before = api->history().entries().size();
        QString label;
        QVERIFY(runFromPalette(QStringLiteral("send the request"), &label));
        QCOMPARE(label, QStringLiteral("API: Send the request"));
        QTRY_COMPARE(window()->currentSection(), QStringLiteral("api"));
        QTRY_COMPARE(api->history().entries().size(), before + 1);
        QCOMPARE(api->history().entries().first().path,
                 QStringLiteral("/worker/echo?from=palette"));
        QCOMPARE(api->lastResponse().status, 200);
    }

    void paletteRestartsAnInstance()
    {
        if (m_gui->host().config().containers.isEmpty())
            QSKIP("no container class in this configuration");
        const QString missing = containerRouteUnavailable(m_gui->port(), "GET", "/api/api1");
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        const QString className = m_gui->host().config().containers.first().className;
        QString label;
        QVERIFY(runFromPalette(QStringLiteral("restart %1 instance-0").arg(className), &label));
        QCOMPARE(label, QStringLiteral("Containers: Restart %1 instance-0").arg(className));
        QTRY_COMPARE_WITH_TIMEOUT(window()->statusBar()->currentMessage(),
                                  QStringLiteral("%1 instance-0 restarted").arg(className), 30000);
    }

    void paletteStartsANewKvKey()
    {
        QVERIFY(m_gui->show(QStringLiteral("kv")));
        auto *editor = window()->panel(QStringLiteral("kv"))->findChild<ValueEditor *>();
        QVERIFY(editor);
        QVERIFY(m_gui->show(QStringLiteral("overview")));
        QString label;
        QVERIFY(runFromPalette(QStringLiteral("kv add key"), &label));
        QCOMPARE(label, QStringLiteral("KV: Add a key"));
        QTRY_COMPARE(window()->currentSection(), QStringLiteral("kv"));
        QTRY_VERIFY(editor->isNew());
    }

    void paletteListsMenusAndSectionActions()
    {
        const QList<PaletteCommand> commands = window()->commandCatalog()->commands();
        QStringList labels;
        for (const PaletteCommand &c : commands)
            labels.append(c.label());
        qInfo("%d commands: %s", int(labels.size()),
              qPrintable(labels.join(QStringLiteral(" | "))));
        for (const QString &expected :
             {QStringLiteral("Help: Keyboard shortcuts"), QStringLiteral("Help: About EdgeDesk"),
              QStringLiteral("Traffic: Pause or resume the table"),
              QStringLiteral("Logs: Save the lines shown to a file"),
              QStringLiteral("Go to: Settings")})
            QVERIFY2(labels.contains(expected), qPrintable(expected));
        // Every File menu item is there too, whoever added it.
        for (QAction *top : window()->menuBar()->actions()) {
            if (!top->menu() ||
                CommandCatalog::plainText(top->menu()->title()) != QStringLiteral("File"))
                continue;
            for (QAction *a : top->menu()->actions()) {
                if (!a->isSeparator() && !a->menu() && !a->text().isEmpty())
                    QVERIFY2(labels.contains(QStringLiteral("File: ") +
                                             CommandCatalog::plainText(a->text())),
                             qPrintable(a->text()));
            }
        }
        QVERIFY(CommandPalette::matches(QStringLiteral("API: Send the request"),
                                        QStringLiteral("send api")));
        QVERIFY(!CommandPalette::matches(QStringLiteral("API: Send the request"),
                                         QStringLiteral("send kv")));
    }

    void paletteWithNoMatchRunsNothing()
    {
        const QString before = window()->currentSection();
        QVERIFY(activate(window()));
        QTest::keyClick(window(), Qt::Key_K, Qt::ControlModifier);
        QTRY_VERIFY(window()->helpMenu()->palette() &&
                    window()->helpMenu()->palette()->isVisible());
        CommandPalette *palette = window()->helpMenu()->palette();
        QVERIFY(activate(palette));
        QTest::keyClicks(palette->input(), QStringLiteral("zzz nothing like this"));
        QCOMPARE(palette->currentLabel(), QString());
        QTest::keyClick(palette->input(), Qt::Key_Return);
        QVERIFY(palette->isVisible()); // nothing to run: it stays open
        QTest::keyClick(palette->input(), Qt::Key_Escape);
        QTRY_VERIFY(!window()->helpMenu()->palette());
        QCOMPARE(window()->currentSection(), before);
    }

    void shortcutSheetListsTheRegisteredKeys()
    {
        QVERIFY(activate(window()));
        QTest::keyClick(window(), Qt::Key_F1);
        QTRY_VERIFY(window()->helpMenu()->shortcutSheet() &&
                    window()->helpMenu()->shortcutSheet()->isVisible());
        const ShortcutSheet *sheet = window()->helpMenu()->shortcutSheet();
        const QList<Panel *> panels = window()->panels();
        for (int i = 0; i < panels.size(); ++i)
            QCOMPARE(keysIn(sheet, QStringLiteral("Go to"), panels[i]->title()),
                     MainWindow::sectionKeys(i).toString(QKeySequence::NativeText));
        QCOMPARE(keysIn(sheet, QStringLiteral("Help"), QStringLiteral("Command palette…")),
                 QKeySequence(Qt::CTRL | Qt::Key_K).toString(QKeySequence::NativeText));
        QCOMPARE(keysIn(sheet, QStringLiteral("API"), QStringLiteral("Send the request")),
                 QStringLiteral("%1, %2").arg(
                     QKeySequence(Qt::CTRL | Qt::Key_Return).toString(QKeySequence::NativeText),
                     QKeySequence(Qt::CTRL | Qt::Key_Enter).toString(QKeySequence::NativeText)));
        // Every command with keys is in the sheet: it is generated, not kept by hand.
        int rows = 0;
        for (int g = 0; g < sheet->tree()->topLevelItemCount(); ++g)
            rows += sheet->tree()->topLevelItem(g)->childCount();
        int withKeys = 0;
        for (const PaletteCommand &c : window()->commandCatalog()->commands())
            withKeys += c.keys.isEmpty() ? 0 : 1;
        QCOMPARE(rows, withKeys);
        window()->helpMenu()->shortcutSheet()->close();
    }

    void aboutTellsVersionQtDataAndProject()
    {
        window()->helpMenu()->showAbout();
        QTRY_VERIFY(window()->helpMenu()->about() && window()->helpMenu()->about()->isVisible());
        const QString text = window()->helpMenu()->about()->details()->text();
        QVERIFY(!AboutDialog::version().isEmpty());
        QVERIFY2(text.contains(QStringLiteral("EdgeDesk ") + AboutDialog::version()),
                 qPrintable(text));
        QVERIFY2(text.contains(QString::fromLatin1(qVersion())), qPrintable(text));
        QVERIFY2(text.contains(QDir::toNativeSeparators(m_gui->host().dataDir()).toHtmlEscaped()),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("the built-in demo")), qPrintable(text));
        window()->helpMenu()->about()->close();
    }
};

QTEST_MAIN(TestCommandPalette)
#include "test_commandpalette.moc"
