#include "project/projectinfo.h"

#include "serverhost.h"

#include <QDir>
#include <QFileInfo>

namespace edgedesk {

ProjectInfo::ProjectInfo(const ServerHost &host)
{
    const ServerOptions &options = host.options();
    if (options.projectDir.isEmpty())
        return;
    m_folder = QDir::toNativeSeparators(QDir::cleanPath(options.projectDir));
    m_config = QFileInfo(options.configPath).fileName();
    m_name = host.config().name;
    if (m_name.isEmpty())
        m_name = QFileInfo(options.projectDir).fileName();
}

QString ProjectInfo::shortFolder() const
{
    const QString home = QDir::toNativeSeparators(QDir::homePath());
    if (m_folder == home)
        return QStringLiteral("~");
    if (m_folder.startsWith(home + QDir::separator()))
        return QLatin1Char('~') + m_folder.mid(home.size());
    return m_folder;
}

QString ProjectInfo::windowTitle() const
{
    const QString app = QStringLiteral("EdgeDesk");
    if (isBuiltIn())
        return app;
    // The application's name last: the platform then adds it no second time.
    return QStringLiteral("%1 — %2 — %3").arg(m_name, shortFolder(), app);
}

} // namespace edgedesk
