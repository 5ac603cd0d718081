#pragma once

#include "apiclient.h"
#include "appsettings.h"
#include "panel.h"
#include "serverhost.h"

#include <QElapsedTimer>
#include <QList>
#include <QMainWindow>
#include <QPointer>

class QLabel;
class QListWidget;
class QStackedWidget;
class QSystemTrayIcon;
class QToolButton;

namespace edgedesk {

class CommandCatalog;
class HelpMenu;
class MessageBanner;
class ProjectMenu;
class ProjectSwitcher;
class StateArchiveActions;
class StatusBadge;

// The main window: a sidebar of sections, a header strip on every screen (server state, URL,
// copy, open in browser) and a status bar (requests/s, running instances, data folder).
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // `baseOptions` come from the command line; the Settings panel's choices override them.
    MainWindow(ServerHost *host, AppSettings *settings, ServerOptions baseOptions,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    // Starts (or restarts) the server with the base options and the saved settings.
    void startServer();
    ServerOptions effectiveOptions() const;

    void showSection(const QString &id);
    QString currentSection() const;
    Panel *panel(const QString &id) const;
    QList<Panel *> panels() const { return m_panels; }
    ApiClient *api() { return &m_api; }

    // For tests and screenshots.
    QLabel *statePill() const;
    QLabel *urlLabel() const { return m_url; }
    QListWidget *sidebar() const { return m_sidebar; }
    QLabel *requestsPerSecondLabel() const { return m_rate; }
    StateArchiveActions *stateArchiveActions() const { return m_archives; } // File menu
    CommandCatalog *commandCatalog() const { return m_commands; }
    HelpMenu *helpMenu() const { return m_help; }

    // The keys of the section at `index` in the sidebar: Ctrl+1 … Ctrl+9, Ctrl+0 for the tenth,
    // then Alt+1 … so that every section has one (Ctrl+Alt is AltGr on many layouts: it types).
    static QKeySequence sectionKeys(int index);
    ProjectSwitcher *projects() const { return m_projects; } // File → Open Project, the watcher
    ProjectMenu *projectMenu() const { return m_projectMenu; }
    MessageBanner *projectBanner() const { return m_projectBanner; }

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildUi();
    void styleSidebar();
    void addPanel(Panel *panel);
    void onStateChanged(ServerHost::State state);
    void updateRate();
    void saveWindowState();
    void connectProjects();

    ServerHost *m_host;
    AppSettings *m_settings;
    ServerOptions m_baseOptions;
    ApiClient m_api;
    QList<Panel *> m_panels;

    QListWidget *m_sidebar = nullptr;
    QStackedWidget *m_stack = nullptr;
    StatusBadge *m_state = nullptr;
    QLabel *m_url = nullptr;
    QToolButton *m_copy = nullptr;
    QToolButton *m_open = nullptr;
    QLabel *m_rate = nullptr;
    QLabel *m_instances = nullptr;
    QLabel *m_dataDir = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QList<qint64> m_recentRequests; // completion times (ms) in the last second
    bool m_quitting = false;
    StateArchiveActions *m_archives = nullptr; // File → Export/Import state
    CommandCatalog *m_commands = nullptr;      // what Ctrl+K and Help → Keyboard shortcuts list
    HelpMenu *m_help = nullptr;
    ProjectSwitcher *m_projects = nullptr;
    ProjectMenu *m_projectMenu = nullptr;
    MessageBanner *m_projectBanner = nullptr; // "wrangler.jsonc changed — Reload", open errors
};

} // namespace edgedesk
