#include "project/recentprojects.h"

#include "appsettings.h"

#include <QDir>
#include <QFileInfo>

namespace edgedesk {

namespace {

const QString kKey = QStringLiteral("projects/recent");

} // namespace

RecentProjects::RecentProjects(AppSettings *settings) : m_settings(settings) {}

QStringList RecentProjects::list()
{
    const QStringList stored = m_settings->raw().value(kKey).toStringList();
    QStringList existing;
    for (const QString &entry : stored) {
        if (QFileInfo::exists(entry) && !existing.contains(entry))
            existing.append(entry);
    }
    if (existing != stored)
        store(existing);
    return existing;
}

void RecentProjects::add(const QString &folderOrFile)
{
    const QString entry = QDir::cleanPath(QFileInfo(folderOrFile).absoluteFilePath());
    QStringList entries = list();
    entries.removeAll(entry);
    entries.prepend(entry);
    while (entries.size() > kMax)
        entries.removeLast();
    store(entries);
}

void RecentProjects::clear()
{
    store({});
}

void RecentProjects::store(const QStringList &entries)
{
    m_settings->raw().setValue(kKey, entries);
}

} // namespace edgedesk
