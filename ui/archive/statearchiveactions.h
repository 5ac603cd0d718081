#pragma once

#include "serveroptions.h"
#include "statearchive.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

class QAction;
class QMenu;
class QProgressDialog;
class QWidget;

namespace edgedesk {

class ServerHost;

// File → Export state… and File → Import state…: the dialogs around the server's StateArchive,
// the work on a background thread with a progress dialog, and for an import the
// stop–swap–restart of the server (the import refuses a folder a running server holds).
// The window only adds the actions to its menu.
class StateArchiveActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StateArchiveActions)

public:
    // `options` gives the window's effective server options (data folder, configuration);
    // `startServer` (re)starts the server with them.
    StateArchiveActions(ServerHost *host, QWidget *window, std::function<ServerOptions()> options,
                        std::function<void()> startServer);
    ~StateArchiveActions() override;

    QAction *exportAction() const { return m_export; }
    QAction *importAction() const { return m_import; }
    void addToMenu(QMenu *menu);

    // The data folder an export reads and an import replaces.
    QString dataDir() const;
    bool isBusy() const { return m_busy; }

    // The steps after the file dialogs (tests call these directly). An import asks for
    // confirmation unless `confirmed`.
    void exportTo(const QString &archivePath, bool includeSecretKey);
    void importFrom(const QString &archivePath, bool confirmed = false);

Q_SIGNALS:
    // `message` is what the user was shown: the summary, the notes, or the error.
    void finished(bool ok, const QString &message);

private:
    void chooseExport();
    void chooseImport();
    // Shows the progress dialog; returns the callback the work reports to (and polls for Cancel).
    StateArchive::Progress showProgress(const QString &label);
    void report(bool ok, const QString &title, const QString &message);

    ServerHost *m_host;
    QPointer<QWidget> m_window;
    std::function<ServerOptions()> m_options;
    std::function<void()> m_startServer;
    QAction *m_export = nullptr;
    QAction *m_import = nullptr;
    QPointer<QProgressDialog> m_progress;
    bool m_busy = false;
};

} // namespace edgedesk
