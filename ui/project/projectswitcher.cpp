#include "project/projectswitcher.h"

#include "config/edgeconfig.h"
#include "serverhost.h"

#include <QDir>
#include <QFileInfo>

#include <utility>

namespace edgedesk {

ProjectSwitcher::ProjectSwitcher(ServerHost *host, AppSettings *settings,
                                 std::function<ServerOptions()> base, Restart restart,
                                 QObject *parent)
    : QObject(parent), m_host(host), m_base(std::move(base)), m_restart(std::move(restart)),
      m_recent(settings)
{
    connect(m_host, &ServerHost::serving, this, &ProjectSwitcher::onServing);
    connect(m_host, &ServerHost::failed, this, &ProjectSwitcher::onFailed);
}

Status ProjectSwitcher::refuse(const QString &folderOrFile, const Error &error)
{
    const QString message = tr("Could not open %1: %2\nThe running project keeps serving.")
                                .arg(QDir::toNativeSeparators(folderOrFile), error.message);
    Q_EMIT failed(message);
    return Error{error.code, message};
}

Status ProjectSwitcher::open(const QString &folderOrFile)
{
    if (isSwitching())
        return refuse(folderOrFile, Error{QStringLiteral("conflict"),
                                          tr("%1 is still being opened").arg(m_pending)});
    const ServerOptions current = m_base();
    auto next = ServerOptions::forProject(current, folderOrFile);
    if (!next)
        return refuse(folderOrFile, next.error());
    // The whole configuration, as the server will load it: a mistake shows before anything stops.
    if (auto config = ConfigLoader::load(next->configPath); !config)
        return refuse(folderOrFile, config.error());
    // A data folder given on the command line belongs to the project it was given for.
    if (QFileInfo(next->projectDir) != QFileInfo(current.projectDir))
        next->dataDir.clear();
    if (const QString invalid = next->validate(); !invalid.isEmpty())
        return refuse(folderOrFile, Error{QStringLiteral("bad_request"), invalid});
    if (m_host->isServing() && m_host->port() != 0)
        next->port = m_host->port(); // same port: open browser tabs keep working
    m_previous = current;
    m_pending = QFileInfo(folderOrFile).absoluteFilePath();
    m_watcher.stop();
    m_restart(*next);
    return Ok{};
}

Status ProjectSwitcher::reload()
{
    const ServerOptions current = m_base();
    const QString config = !current.configPath.isEmpty() ? current.configPath : current.projectDir;
    if (config.isEmpty())
        return refuse(tr("the built-in project"),
                      Error{QStringLiteral("bad_request"), tr("it has no file to reload")});
    const Status started = open(config);
    m_reloading = started.ok();
    return started;
}

void ProjectSwitcher::onServing()
{
    const ServerOptions &running = m_host->options();
    const AssetsConfig &assets = m_host->config().assets;
    if (!running.projectDir.isEmpty())
        m_watcher.watch(m_base().configPath, assets.isBuiltIn() ? QString() : assets.directory);
    else
        m_watcher.stop();
    if (m_pending.isEmpty()) {
        if (!running.projectDir.isEmpty())
            m_recent.add(running.projectDir); // the project the command line named
        return;
    }
    const QString project = m_pending;
    m_pending.clear();
    if (!std::exchange(m_reloading, false))
        m_recent.add(project);
    Q_EMIT opened(project);
}

void ProjectSwitcher::onFailed(const QString &message)
{
    if (m_pending.isEmpty())
        return;
    const QString project = m_pending;
    m_pending.clear();
    m_reloading = false;
    Q_EMIT failed(tr("Could not start %1: %2\nThe previous project was started again.")
                      .arg(QDir::toNativeSeparators(project), message));
    m_restart(m_previous);
}

} // namespace edgedesk
