#pragma once

#include <QObject>
#include <QPointer>

class QAction;
class QMainWindow;

namespace edgedesk {

class AboutDialog;
class CommandCatalog;
class CommandPalette;
class ServerHost;
class ShortcutSheet;

// The Help menu: the command palette (Ctrl+K), the keyboard-shortcut sheet (F1) and About.
// Dialogs open without blocking the window's event loop.
class HelpMenu final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HelpMenu)

public:
    HelpMenu(QMainWindow *window, CommandCatalog *catalog, const ServerHost *host);

    void openPalette();
    void showShortcuts();
    void showAbout();

    // The open dialogs (null when closed).
    CommandPalette *palette() const;
    ShortcutSheet *shortcutSheet() const;
    AboutDialog *about() const;
    QAction *paletteAction() const { return m_paletteAction; }

private:
    QMainWindow *m_window;
    CommandCatalog *m_catalog;
    const ServerHost *m_host;
    QAction *m_paletteAction = nullptr;
    QPointer<CommandPalette> m_palette;
    QPointer<ShortcutSheet> m_sheet;
    QPointer<AboutDialog> m_about;
};

} // namespace edgedesk
