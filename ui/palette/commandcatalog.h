#pragma once

#include <QKeySequence>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>

class QMainWindow;
class QMenu;
class QShortcut;

namespace edgedesk {

class ApiClient;
class Panel;
class ServerHost;

// One thing the command palette can run and the shortcut sheet lists.
struct PaletteCommand
{
    QString group; // "Go to", a menu's title, a section's title, "Containers"
    QString text;
    QList<QKeySequence> keys;
    std::function<void()> run;

    QString label() const { return group + QStringLiteral(": ") + text; }
};

// Every command of the window, gathered when asked from what is registered: the window's own
// actions (sections, palette, help), its menus' actions, each section's shortcuts and a restart
// per container instance of the running configuration. Nothing here is a hand-kept list, so a
// new menu item or section shortcut shows up in the palette and the sheet by itself.
class CommandCatalog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommandCatalog)

public:
    CommandCatalog(QMainWindow *window, ServerHost *host, ApiClient *api,
                   std::function<QList<Panel *>()> panels,
                   std::function<void(const QString &)> showSection);

    QList<PaletteCommand> commands();

    // What a section's shortcut does: the text it was registered with, else the tooltip of the
    // control that names the same keys, else the standard action's name.
    static QString describe(const QShortcut *shortcut, const QWidget *within);
    static QString plainText(QString text); // "&Export state…" → "Export state…"

Q_SIGNALS:
    // A result to show in the status bar.
    void message(const QString &text);

private:
    void addMenu(QList<PaletteCommand> &out, const QMenu *menu, const QString &group) const;
    void addPanelShortcuts(QList<PaletteCommand> &out, Panel *panel);
    void addInstanceCommands(QList<PaletteCommand> &out);
    void restartInstance(const QString &className, const QString &instance);

    QMainWindow *m_window;
    ServerHost *m_host;
    ApiClient *m_api;
    std::function<QList<Panel *>()> m_panels;
    std::function<void(const QString &)> m_showSection;
};

} // namespace edgedesk
