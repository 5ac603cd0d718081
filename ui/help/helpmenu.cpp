#include "help/helpmenu.h"

#include "help/aboutdialog.h"
#include "help/shortcutsheet.h"
#include "palette/commandcatalog.h"
#include "palette/commandpalette.h"

#include <QAction>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

namespace edgedesk {

HelpMenu::HelpMenu(QMainWindow *window, CommandCatalog *catalog, const ServerHost *host)
    : QObject(window), m_window(window), m_catalog(catalog), m_host(host)
{
    QMenu *menu = window->menuBar()->addMenu(tr("&Help"));
    menu->setObjectName(QStringLiteral("helpMenu"));
    m_paletteAction = menu->addAction(tr("Command palette…"), this, &HelpMenu::openPalette);
    m_paletteAction->setObjectName(QStringLiteral("commandPaletteAction"));
    m_paletteAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    QAction *sheet = menu->addAction(tr("Keyboard shortcuts"), this, &HelpMenu::showShortcuts);
    sheet->setObjectName(QStringLiteral("shortcutSheetAction"));
    sheet->setShortcuts(QKeySequence::HelpContents);
    menu->addSeparator();
    QAction *about = menu->addAction(tr("About EdgeDesk"), this, &HelpMenu::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
}

CommandPalette *HelpMenu::palette() const
{
    return m_palette;
}

ShortcutSheet *HelpMenu::shortcutSheet() const
{
    return m_sheet;
}

AboutDialog *HelpMenu::about() const
{
    return m_about;
}

void HelpMenu::openPalette()
{
    if (m_palette) {
        m_palette->raise();
        m_palette->activateWindow();
        return;
    }
    m_palette = new CommandPalette(m_catalog->commands(), m_window);
    m_palette->setAttribute(Qt::WA_DeleteOnClose);
    m_palette->open();
    m_palette->input()->setFocus();
}

void HelpMenu::showShortcuts()
{
    if (!m_sheet) {
        m_sheet = new ShortcutSheet(m_catalog->commands(), m_window);
        m_sheet->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_sheet->show();
    m_sheet->raise();
}

void HelpMenu::showAbout()
{
    if (!m_about) {
        m_about = new AboutDialog(m_host, m_window);
        m_about->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_about->show();
    m_about->raise();
}

} // namespace edgedesk
