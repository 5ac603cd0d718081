#include "config/project.h"

#include <QDir>
#include <QFileInfo>

namespace edgedesk {

QStringList Project::configFileNames()
{
    return {QStringLiteral("wrangler.json"), QStringLiteral("wrangler.jsonc"),
            QStringLiteral("wrangler.toml")};
}

QString Project::dataDirOf(const QString &folder)
{
    return QDir(folder).filePath(QStringLiteral(".wrangler/state/edgedesk"));
}

Result<Project> Project::locate(const QString &folderOrFile)
{
    const QFileInfo given(folderOrFile);
    if (!given.exists())
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("%1 does not exist").arg(folderOrFile));
    Project project;
    if (given.isDir()) {
        const QDir folder(given.absoluteFilePath());
        for (const QString &name : configFileNames()) {
            const QFileInfo candidate(folder.filePath(name));
            if (candidate.isFile()) {
                project.m_configPath = candidate.absoluteFilePath();
                break;
            }
        }
        if (project.m_configPath.isEmpty())
            return makeError(
                QStringLiteral("not_found"),
                QStringLiteral("%1 holds no wrangler.json, wrangler.jsonc or wrangler.toml")
                    .arg(QDir::toNativeSeparators(folder.absolutePath())));
    } else {
        project.m_configPath = given.absoluteFilePath();
    }
    project.m_folder = QFileInfo(project.m_configPath).absolutePath();
    return project;
}

} // namespace edgedesk
