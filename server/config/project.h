#pragma once

#include "util/result.h"

#include <QString>
#include <QStringList>

namespace edgedesk {

// A user's project: a folder holding its configuration (wrangler.json, wrangler.jsonc or
// wrangler.toml, looked for in that order, as the platform's own tool does), or such a file
// named directly. Relative paths in the configuration resolve against the file's folder, and the
// project's state lives beside what the platform's tool keeps in <folder>/.wrangler/state.
class Project final
{
public:
    // A folder or a configuration file. Errors name what was looked for.
    static Result<Project> locate(const QString &folderOrFile);
    static QStringList configFileNames();
    // <folder>/.wrangler/state/edgedesk: one data folder per project, never shared.
    static QString dataDirOf(const QString &folder);

    const QString &folder() const { return m_folder; }         // absolute
    const QString &configPath() const { return m_configPath; } // absolute
    QString dataDir() const { return dataDirOf(m_folder); }

private:
    QString m_folder;
    QString m_configPath;
};

} // namespace edgedesk
