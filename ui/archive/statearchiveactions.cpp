#include "archive/statearchiveactions.h"

#include "runinbackground.h"
#include "serverhost.h"
#include "widgets/displayformat.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QStandardPaths>

#include <atomic>
#include <memory>

namespace edgedesk {

namespace {

constexpr int kProgressSteps = 1000;

} // namespace

StateArchiveActions::StateArchiveActions(ServerHost *host, QWidget *window,
                                         std::function<ServerOptions()> options,
                                         std::function<void()> startServer)
    : QObject(window), m_host(host), m_window(window), m_options(std::move(options)),
      m_startServer(std::move(startServer))
{
    m_export = new QAction(tr("&Export state…"), this);
    m_export->setObjectName(QStringLiteral("exportStateAction"));
    m_export->setToolTip(tr("Write KV, bucket objects, durable storage, the encrypted secrets "
                            "and the configuration to one zip"));
    m_import = new QAction(tr("&Import state…"), this);
    m_import->setObjectName(QStringLiteral("importStateAction"));
    m_import->setToolTip(tr("Replace the state with a state archive (the server restarts)"));
    connect(m_export, &QAction::triggered, this, &StateArchiveActions::chooseExport);
    connect(m_import, &QAction::triggered, this, &StateArchiveActions::chooseImport);
}

StateArchiveActions::~StateArchiveActions() = default;

void StateArchiveActions::addToMenu(QMenu *menu)
{
    menu->addAction(m_export);
    menu->addAction(m_import);
}

QString StateArchiveActions::dataDir() const
{
    if (!m_host->dataDir().isEmpty())
        return m_host->dataDir();
    const ServerOptions options = m_options();
    return options.dataDir.isEmpty() ? ServerOptions::defaultDataDir() : options.dataDir;
}

StateArchive::Progress StateArchiveActions::showProgress(const QString &label)
{
    auto *dialog = new QProgressDialog(label, tr("Cancel"), 0, kProgressSteps, m_window);
    dialog->setObjectName(QStringLiteral("stateArchiveProgress"));
    dialog->setWindowTitle(tr("EdgeDesk"));
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setMinimumDuration(0);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    dialog->setValue(0);
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    connect(dialog, &QProgressDialog::canceled, this, [cancel] { *cancel = true; });
    m_progress = dialog;
    // Called on the worker thread: posts a step to the dialog only when it changes, and
    // tells the work whether to go on.
    QPointer<QProgressDialog> progress(dialog);
    auto lastStep = std::make_shared<std::atomic<int>>(-1);
    return [progress, cancel, lastStep](qint64 done, qint64 total, const QString &) {
        const int step = total > 0 ? int(done * kProgressSteps / total) : 0;
        if (lastStep->exchange(step) != step)
            QMetaObject::invokeMethod(
                qApp,
                [progress, step] {
                    if (progress)
                        progress->setValue(step);
                },
                Qt::QueuedConnection);
        return !*cancel;
    };
}

void StateArchiveActions::report(bool ok, const QString &title, const QString &message)
{
    m_busy = false;
    m_export->setEnabled(true);
    m_import->setEnabled(true);
    if (m_progress)
        m_progress->deleteLater();
    Q_EMIT finished(ok, message);
    if (!m_window || !m_window->isVisible())
        return;
    auto *box = new QMessageBox(ok ? QMessageBox::Information : QMessageBox::Warning, title,
                                message, QMessageBox::Ok, m_window);
    box->setObjectName(QStringLiteral("stateArchiveResult"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void StateArchiveActions::chooseExport()
{
    const QString suggested =
        QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
            .filePath(
                QStringLiteral("edgedesk-state-%1.zip")
                    .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Export state"), suggested,
                                                      tr("Zip archives (*.zip)"));
    if (path.isEmpty())
        return;
    QMessageBox ask(QMessageBox::Warning, tr("Include the secrets key?"),
                    tr("The archive always holds the secrets store, encrypted. Including its key "
                       "file lets the secrets be restored anywhere — and lets anyone who gets "
                       "the archive read every secret.\n\nWithout the key, the secrets can be "
                       "restored only into a data folder that still has its key."),
                    QMessageBox::NoButton, m_window);
    QPushButton *without = ask.addButton(tr("Export without the key"), QMessageBox::AcceptRole);
    QPushButton *with = ask.addButton(tr("Include the key"), QMessageBox::DestructiveRole);
    ask.addButton(QMessageBox::Cancel);
    ask.setDefaultButton(without);
    ask.exec();
    if (ask.clickedButton() != without && ask.clickedButton() != with)
        return;
    exportTo(path, ask.clickedButton() == with);
}

void StateArchiveActions::exportTo(const QString &archivePath, bool includeSecretKey)
{
    if (m_busy)
        return;
    m_busy = true;
    m_export->setEnabled(false);
    m_import->setEnabled(false);
    const QString folder = dataDir();
    // The configuration in use: the running server's, else the one it would start with.
    const QString configPath =
        m_host->isServing() ? m_host->options().configPath : m_options().configPath;
    const StateArchive::Progress onProgress = showProgress(tr("Exporting the state…"));
    runInBackground(
        this,
        [folder, configPath, archivePath, includeSecretKey, onProgress] {
            return StateArchive::exportState(folder, configPath, archivePath, includeSecretKey,
                                             onProgress);
        },
        [this](const Result<StateArchive::Exported> &summary) {
            if (!summary) {
                const bool cancelled = summary.error().code == QLatin1String("cancelled");
                report(false, tr("Export state"),
                       cancelled ? tr("The export was cancelled; no archive was written.")
                                 : tr("The export failed: %1").arg(summary.error().message));
                return;
            }
            QString message = tr("Exported to %1 (%2 bytes):\n%3.")
                                  .arg(summary->archivePath)
                                  .arg(summary->archiveBytes)
                                  .arg(summary->contents.summary);
            if (summary->contents.includesSecretKey)
                message += tr("\n\nThe archive holds the secrets key: keep it safe.");
            for (const QString &warning : summary->warnings)
                message += QStringLiteral("\n\n") + tr("Warning: %1").arg(warning);
            report(true, tr("Export state"), message);
        });
}

void StateArchiveActions::chooseImport()
{
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Import state"),
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation),
        tr("Zip archives (*.zip)"));
    if (!path.isEmpty())
        importFrom(path);
}

void StateArchiveActions::importFrom(const QString &archivePath, bool confirmed)
{
    if (m_busy)
        return;
    const QString folder = dataDir();
    if (!confirmed) {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        const auto contents = StateArchive::inspect(archivePath);
        QApplication::restoreOverrideCursor();
        if (!contents) {
            report(false, tr("Import state"),
                   tr("This archive cannot be imported: %1").arg(contents.error().message));
            return;
        }
        const QString question =
            tr("Replace the state in %1 with this archive?\n\nMade %2 by EdgeDesk %3: %4.\n\n"
               "The server stops, the archive is verified entry by entry, the data folder is "
               "swapped, and the server starts again. Logs are kept.")
                .arg(QDir::toNativeSeparators(folder), DisplayFormat::timestamp(contents->created),
                     contents->edgedeskVersion, contents->summary);
        if (QMessageBox::warning(m_window, tr("Import state"), question,
                                 QMessageBox::Yes | QMessageBox::Cancel,
                                 QMessageBox::Cancel) != QMessageBox::Yes)
            return;
    }
    m_busy = true;
    m_export->setEnabled(false);
    m_import->setEnabled(false);
    // The import refuses a folder a running server holds: stop ours first, restart it after,
    // whatever the outcome.
    const bool wasRunning = m_host->state() != ServerHost::State::Stopped &&
                            m_host->state() != ServerHost::State::Failed;
    if (wasRunning && !m_host->stopAndWait(10000)) {
        report(false, tr("Import state"),
               tr("The server did not stop; nothing was changed. Try again."));
        return;
    }
    const StateArchive::Progress onProgress =
        showProgress(tr("Verifying and importing the state…"));
    runInBackground(
        this,
        [folder, archivePath, onProgress] {
            return StateArchive::importState(folder, archivePath, onProgress);
        },
        [this, wasRunning](const Result<StateArchive::Imported> &summary) {
            if (wasRunning && m_startServer)
                m_startServer();
            if (!summary) {
                const bool cancelled = summary.error().code == QLatin1String("cancelled");
                report(false, tr("Import state"),
                       cancelled ? tr("The import was cancelled; nothing was changed.")
                                 : tr("The import failed: %1").arg(summary.error().message));
                return;
            }
            QString message =
                tr("Imported into %1:\n%2.")
                    .arg(QDir::toNativeSeparators(summary->dataDir), summary->contents.summary);
            for (const QString &note : summary->notes)
                message += QStringLiteral("\n\n") + note;
            report(true, tr("Import state"), message);
        });
}

} // namespace edgedesk
