#include "project/projectwatcher.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace edgedesk {

namespace {

QByteArray hashOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray(); // gone or unreadable: differs from any content
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result();
}

} // namespace

ProjectWatcher::ProjectWatcher(QObject *parent) : QObject(parent)
{
    m_configSettle.setSingleShot(true);
    m_configSettle.setInterval(kSettleMs);
    m_assetsSettle.setSingleShot(true);
    m_assetsSettle.setInterval(kSettleMs);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &ProjectWatcher::onPathChanged);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this,
            &ProjectWatcher::onPathChanged);
    connect(&m_configSettle, &QTimer::timeout, this, &ProjectWatcher::settle);
    connect(&m_assetsSettle, &QTimer::timeout, this, [this] {
        watchAssetFolders(); // new subfolders
        Q_EMIT assetsChanged();
    });
}

void ProjectWatcher::watch(const QString &configPath, const QString &assetsDir)
{
    stop();
    m_configPath = configPath.isEmpty() ? QString() : QFileInfo(configPath).absoluteFilePath();
    m_assetsDir = assetsDir.isEmpty() ? QString() : QFileInfo(assetsDir).absoluteFilePath();
    if (!m_configPath.isEmpty()) {
        m_configFolder = QFileInfo(m_configPath).absolutePath();
        m_configHash = hashOf(m_configPath);
        m_watcher.addPath(m_configPath);
        m_watcher.addPath(m_configFolder);
    }
    watchAssetFolders();
}

void ProjectWatcher::stop()
{
    m_configSettle.stop();
    m_assetsSettle.stop();
    if (!m_watcher.files().isEmpty())
        m_watcher.removePaths(m_watcher.files());
    if (!m_watcher.directories().isEmpty())
        m_watcher.removePaths(m_watcher.directories());
    m_configPath.clear();
    m_configFolder.clear();
    m_assetsDir.clear();
    m_configHash.clear();
    m_reported = false;
}

bool ProjectWatcher::configDiffers() const
{
    return !m_configPath.isEmpty() && hashOf(m_configPath) != m_configHash;
}

void ProjectWatcher::onPathChanged(const QString &path)
{
    if (path == m_configPath || path == m_configFolder) {
        // A save by rename drops the file from the watcher: watch the new one.
        if (QFileInfo::exists(m_configPath) && !m_watcher.files().contains(m_configPath))
            m_watcher.addPath(m_configPath);
        m_configSettle.start();
    }
    if (!m_assetsDir.isEmpty() &&
        (path == m_assetsDir || path.startsWith(m_assetsDir + QLatin1Char('/'))))
        m_assetsSettle.start();
}

void ProjectWatcher::settle()
{
    const bool differs = configDiffers();
    // One banner per change: saving the same content again, or back to what runs, says nothing.
    if (differs && !m_reported) {
        m_reported = true;
        Q_EMIT configChanged(m_configPath);
    } else if (!differs) {
        m_reported = false;
    }
}

void ProjectWatcher::watchAssetFolders()
{
    if (m_assetsDir.isEmpty() || !QFileInfo(m_assetsDir).isDir())
        return;
    QStringList folders{m_assetsDir};
    QDirIterator it(m_assetsDir, QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext() && folders.size() < kMaxAssetFolders)
        folders.append(it.next());
    const QStringList watched = m_watcher.directories();
    for (const QString &folder : folders) {
        if (!watched.contains(folder))
            m_watcher.addPath(folder);
    }
}

} // namespace edgedesk
