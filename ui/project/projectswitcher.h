#pragma once

#include "project/projectwatcher.h"
#include "project/recentprojects.h"
#include "serveroptions.h"
#include "util/result.h"

#include <QObject>
#include <QString>

#include <functional>

namespace edgedesk {

class AppSettings;
class ServerHost;

// Opening a project in the running window: the project is located and its configuration loaded
// before anything stops, so a project that does not load (a syntax error, with its line and
// column) leaves the running one serving. Otherwise the server core restarts with it on the same
// port; should that start still fail (its data folder in use, say), the previous project is
// started again. Also keeps the recent list and watches the running project's files.
class ProjectSwitcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProjectSwitcher)

public:
    // `base` gives the window's options before the Settings overrides; `restart` makes them the
    // window's and restarts the server with them.
    using Restart = std::function<void(const ServerOptions &base)>;
    ProjectSwitcher(ServerHost *host, AppSettings *settings, std::function<ServerOptions()> base,
                    Restart restart, QObject *parent = nullptr);

    // A folder (holding wrangler.json, wrangler.jsonc or wrangler.toml) or a configuration file.
    // An error means nothing was stopped; the same message goes to failed().
    Status open(const QString &folderOrFile);
    // The running project's configuration again (the watcher's banner).
    Status reload();
    bool isSwitching() const { return !m_pending.isEmpty(); }

    RecentProjects &recent() { return m_recent; }
    ProjectWatcher *watcher() { return &m_watcher; }

Q_SIGNALS:
    void opened(const QString &folderOrFile);
    // What the user is shown: the project, then the loader's message.
    void failed(const QString &message);

private:
    Status refuse(const QString &folderOrFile, const Error &error);
    void onServing();
    void onFailed(const QString &message);

    ServerHost *m_host;
    std::function<ServerOptions()> m_base;
    Restart m_restart;
    RecentProjects m_recent;
    ProjectWatcher m_watcher;
    QString m_pending;        // the project being opened
    ServerOptions m_previous; // what ran before it
    bool m_reloading = false; // the same project again: the recent list stays as it is
};

} // namespace edgedesk
