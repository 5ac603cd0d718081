#pragma once

#include <QByteArray>
#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

namespace edgedesk {

// Watches the running project's configuration file and its assets folder. A configuration whose
// content differs from the one the server loaded gives configChanged() (the window offers a
// reload); a change under the assets folder gives assetsChanged() (the server already serves
// from disk, so only views that cache pages need to hear it). Editors that save by writing a new
// file and renaming it over the old one are followed through the folder that holds it.
class ProjectWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProjectWatcher)

public:
    static constexpr int kSettleMs = 250; // an editor's save is several events
    static constexpr int kMaxAssetFolders = 256;

    explicit ProjectWatcher(QObject *parent = nullptr);

    // Starts over with these; empty paths are not watched. The configuration's current content
    // is what later changes are compared with.
    void watch(const QString &configPath, const QString &assetsDir);
    void stop();

    QString configPath() const { return m_configPath; }
    QString assetsDir() const { return m_assetsDir; }
    bool configDiffers() const; // the file on disk is not what watch() saw

Q_SIGNALS:
    void configChanged(const QString &configPath);
    void assetsChanged();

private:
    void onPathChanged(const QString &path);
    void settle();
    void watchAssetFolders();

    QFileSystemWatcher m_watcher;
    QTimer m_configSettle;
    QTimer m_assetsSettle;
    QString m_configPath;
    QString m_configFolder;
    QString m_assetsDir;
    QByteArray m_configHash;
    bool m_reported = false;
};

} // namespace edgedesk
