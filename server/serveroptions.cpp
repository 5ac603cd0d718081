#include "serveroptions.h"

#include "config/project.h"

#include <QStandardPaths>

namespace edgedesk {

QString ServerOptions::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString ServerOptions::effectiveDataDir() const
{
    if (!dataDir.isEmpty())
        return dataDir;
    if (!projectDir.isEmpty())
        return Project::dataDirOf(projectDir);
    return defaultDataDir();
}

Result<ServerOptions> ServerOptions::forProject(ServerOptions base, const QString &folderOrFile)
{
    auto project = Project::locate(folderOrFile);
    if (!project)
        return project.error();
    base.projectDir = project->folder();
    base.configPath = project->configPath();
    return base;
}

QString ServerOptions::validate() const
{
    if (port < 0 || port > 65535)
        return QStringLiteral("port must be 0..65535");
    if (bindAddress.isNull())
        return QStringLiteral("the bind address is not a valid IP address");
    if (!bindAddress.isLoopback() && token.isEmpty()) {
        return QStringLiteral("binding to %1 exposes /run and the control API to the network: set "
                              "an access token "
                              "with --token or EDGEDESK_TOKEN (clients then send 'Authorization: "
                              "Bearer <token>')")
            .arg(bindAddress.toString());
    }
    return {};
}

} // namespace edgedesk
