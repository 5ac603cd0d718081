#pragma once

#include <QStringList>

namespace edgedesk {

class AppSettings;

// File → Open Recent: the projects opened last (folders or configuration files), newest first,
// kept in the settings. Entries whose folder or file is gone are dropped when the list is read.
class RecentProjects final
{
public:
    static constexpr int kMax = 10;

    explicit RecentProjects(AppSettings *settings);

    QStringList list(); // existing entries only; prunes the stored list
    void add(const QString &folderOrFile);
    void clear();

private:
    void store(const QStringList &entries);

    AppSettings *m_settings;
};

} // namespace edgedesk
