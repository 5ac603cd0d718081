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

class MessageBanner;
class ProjectMenu;
class ProjectSwitcher;
class StateArchiveActions;

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
    QLabel *statePill() const { return m_state; }
    QLabel *urlLabel() const { return m_url; }
    QListWidget *sidebar() const { return m_sidebar; }
    QLabel *requestsPerSecondLabel() const { return m_rate; }
    StateArchiveActions *stateArchiveActions() const { return m_archives; } // File menu
    ProjectSwitcher *projects() const { return m_projects; } // File → Open Project, the watcher
    ProjectMenu *projectMenu() const { return m_projectMenu; }
    MessageBanner *projectBanner() const { return m_projectBanner; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildUi();
    void addPanel(Panel *panel);
    void onStateChanged(ServerHost::State state);
    void openQuickSwitcher();
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
    QLabel *m_state = nullptr;
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
    ProjectSwitcher *m_projects = nullptr;
    ProjectMenu *m_projectMenu = nullptr;
    MessageBanner *m_projectBanner = nullptr; // "wrangler.jsonc changed — Reload", open errors
};

} // namespace edgedesk
