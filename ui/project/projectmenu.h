#pragma once

#include <QObject>

class QAction;
class QMenu;
class QWidget;

namespace edgedesk {

class ProjectSwitcher;

// File → Open Project… (a configuration file), Open Project Folder…, Open Recent and Reload
// Project: the dialogs and the recent list around ProjectSwitcher.
class ProjectMenu final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProjectMenu)

public:
    ProjectMenu(ProjectSwitcher *switcher, QWidget *window);

    void addToMenu(QMenu *file);
    QAction *openAction() const { return m_open; }
    QAction *openFolderAction() const { return m_openFolder; }
    QAction *reloadAction() const { return m_reload; }
    QMenu *recentMenu() const { return m_recent; }
    // Fills Open Recent from the settings (missing entries are dropped); runs before it shows.
    void updateRecent();

private:
    void chooseFile();
    void chooseFolder();
    QString startFolder() const;

    ProjectSwitcher *m_switcher;
    QWidget *m_window;
    QAction *m_open = nullptr;
    QAction *m_openFolder = nullptr;
    QAction *m_reload = nullptr;
    QMenu *m_recent = nullptr;
};

} // namespace edgedesk
