#include "project/projectmenu.h"

#include "config/project.h"
#include "project/projectswitcher.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>

namespace edgedesk {

ProjectMenu::ProjectMenu(ProjectSwitcher *switcher, QWidget *window)
    : QObject(window), m_switcher(switcher), m_window(window)
{
    m_open = new QAction(tr("&Open Project…"), this);
    m_open->setObjectName(QStringLiteral("openProject"));
    m_open->setShortcut(QKeySequence::Open);
    m_open->setToolTip(tr("Open a project's wrangler.jsonc, wrangler.json or wrangler.toml"));
    m_openFolder = new QAction(tr("Open Project &Folder…"), this);
    m_openFolder->setObjectName(QStringLiteral("openProjectFolder"));
    m_openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_reload = new QAction(tr("&Reload Project"), this);
    m_reload->setObjectName(QStringLiteral("reloadProject"));
    m_recent = new QMenu(tr("Open &Recent"), window);
    m_recent->setObjectName(QStringLiteral("recentProjects"));

    connect(m_open, &QAction::triggered, this, &ProjectMenu::chooseFile);
    connect(m_openFolder, &QAction::triggered, this, &ProjectMenu::chooseFolder);
    connect(m_reload, &QAction::triggered, this, [this] { m_switcher->reload(); });
    connect(m_recent, &QMenu::aboutToShow, this, &ProjectMenu::updateRecent);
    updateRecent();
}

void ProjectMenu::addToMenu(QMenu *file)
{
    file->addAction(m_open);
    file->addAction(m_openFolder);
    file->addMenu(m_recent);
    file->addAction(m_reload);
    file->addSeparator();
}

void ProjectMenu::updateRecent()
{
    m_recent->clear();
    const QStringList entries = m_switcher->recent().list();
    for (const QString &entry : entries) {
        QAction *action = m_recent->addAction(QDir::toNativeSeparators(entry));
        connect(action, &QAction::triggered, this, [this, entry] { m_switcher->open(entry); });
    }
    if (entries.isEmpty()) {
        m_recent->addAction(tr("No recent projects"))->setEnabled(false);
        return;
    }
    m_recent->addSeparator();
    connect(m_recent->addAction(tr("Clear the List")), &QAction::triggered, this, [this] {
        m_switcher->recent().clear();
        updateRecent();
    });
}

QString ProjectMenu::startFolder() const
{
    const QStringList recent = m_switcher->recent().list();
    if (recent.isEmpty())
        return QDir::homePath();
    const QFileInfo last(recent.first());
    return last.isDir() ? last.absolutePath() : last.dir().absolutePath();
}

void ProjectMenu::chooseFile()
{
    const QString names = Project::configFileNames().join(QLatin1Char(' '));
    const QString file = QFileDialog::getOpenFileName(
        m_window, tr("Open Project"), startFolder(),
        tr("Project configuration (%1);;Configuration files (*.json *.jsonc *.toml)").arg(names));
    if (!file.isEmpty())
        m_switcher->open(file);
}

void ProjectMenu::chooseFolder()
{
    const QString folder =
        QFileDialog::getExistingDirectory(m_window, tr("Open Project Folder"), startFolder());
    if (!folder.isEmpty())
        m_switcher->open(folder);
}

} // namespace edgedesk
