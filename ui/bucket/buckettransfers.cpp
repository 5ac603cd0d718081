#include "bucket/buckettransfers.h"

#include "apiclient.h"
#include "bucket/bucketpaths.h"
#include "bucket/uploadqueue.h"
#include "widgets/confirmprompt.h"
#include "widgets/displayformat.h"
#include "widgets/labels.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

// The files to upload for what was picked or dropped: files as they are, folders with
// everything below them, keyed under `prefix`.
QList<UploadQueue::Item> uploadsFor(const QStringList &paths, const QString &prefix,
                                    QStringList *unreadable)
{
    QList<UploadQueue::Item> batch;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            const QDir root(info.absoluteFilePath());
            QDirIterator it(root.absolutePath(), QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString file = it.next();
                batch.append(
                    {file,
                     prefix + info.fileName() + QLatin1Char('/') + root.relativeFilePath(file),
                     QFileInfo(file).size()});
            }
        } else if (info.isFile() && info.isReadable()) {
            batch.append({info.absoluteFilePath(), prefix + info.fileName(), info.size()});
        } else {
            unreadable->append(QDir::toNativeSeparators(path));
        }
    }
    return batch;
}

} // namespace

BucketTransfers::BucketTransfers(ApiClient *api, const ConfirmPrompt &confirm, QWidget *parent)
    : QWidget(parent), m_api(api), m_confirm(confirm), m_uploads(new UploadQueue(api, this)),
      m_download(new ObjectDownload(api, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_row = new QWidget(this);
    auto *rowLayout = new QHBoxLayout(m_row);
    rowLayout->setContentsMargins(0, 0, 0, 0);
    m_label = new QLabel(m_row);
    m_label->setObjectName(QStringLiteral("bucketTransferLabel"));
    m_progress = new QProgressBar(m_row);
    m_progress->setObjectName(QStringLiteral("bucketProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_cancel = new QPushButton(tr("Cancel"), m_row);
    m_cancel->setObjectName(QStringLiteral("bucketCancel"));
    rowLayout->addWidget(m_label);
    rowLayout->addWidget(m_progress, 1);
    rowLayout->addWidget(m_cancel);
    m_row->setVisible(false);
    layout->addWidget(m_row);
    m_status = new QLabel(this);
    letShrink(m_status);
    m_status->setObjectName(QStringLiteral("bucketStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    auto setProgress = [this](double fraction) { m_progress->setValue(int(fraction * 1000)); };
    connect(m_cancel, &QPushButton::clicked, this, &BucketTransfers::cancel);
    connect(m_download, &ObjectDownload::progressed, this, setProgress);
    connect(m_download, &ObjectDownload::finished, this, &BucketTransfers::downloadFinished);
    connect(m_uploads, &UploadQueue::progressed, this, setProgress);
    connect(m_uploads, &UploadQueue::fileStarted, this,
            [this](const UploadQueue::Item &item, int number, int total) {
                showProgress(tr("Uploading %1 (%2 of %3)…")
                                 .arg(elided(QFileInfo(item.path).fileName()),
                                      QString::number(number), QString::number(total)));
            });
    connect(m_uploads, &UploadQueue::finished, this, [this](const UploadQueue::Outcome &o) {
        m_row->setVisible(false);
        const bool ok = o.failures.isEmpty() && !o.cancelled;
        if (o.cancelled) {
            setStatus(
                tr("Upload cancelled: %1 of %2 files were uploaded.").arg(o.uploaded).arg(o.total));
        } else if (ok) {
            setStatus(
                o.uploaded == 1
                    ? tr("Uploaded %1 (%2).").arg(o.lastKey, DisplayFormat::bytes(o.uploadedBytes))
                    : tr("Uploaded %1 files (%2).")
                          .arg(o.uploaded)
                          .arg(DisplayFormat::bytes(o.uploadedBytes)));
        } else {
            QStringList failures;
            for (const UploadQueue::Failure &f : o.failures) {
                const QString &key = f.item.key;
                failures.append(tr("%1: %2").arg(
                    key.startsWith(m_uploadPrefix) ? key.mid(m_uploadPrefix.size()) : key,
                    f.message));
            }
            setStatus(tr("Uploaded %1 of %2 files. Not uploaded: %3")
                          .arg(o.uploaded)
                          .arg(o.total)
                          .arg(failures.join(QStringLiteral("; "))),
                      true);
        }
        Q_EMIT bucketChanged(o.cancelled ? QString() : o.lastKey);
        Q_EMIT finished(ok);
    });
}

void BucketTransfers::setBucket(const QString &binding)
{
    m_bucket = binding;
    m_uploads->setBucket(binding);
}

bool BucketTransfers::isTransferring() const
{
    return m_uploads->isRunning() || m_download->isRunning();
}

void BucketTransfers::setStatus(const QString &text, bool error)
{
    showStatus(m_status, text, error);
}

QString BucketTransfers::elided(const QString &name) const
{
    return fontMetrics().elidedText(name, Qt::ElideMiddle, fontMetrics().averageCharWidth() * 40);
}

void BucketTransfers::showProgress(const QString &label)
{
    m_label->setText(label);
    m_progress->setValue(0);
    m_row->setVisible(true);
    Q_EMIT started();
}

void BucketTransfers::upload(const QStringList &paths, const QString &prefix,
                             const QStringList &listed)
{
    if (m_bucket.isEmpty())
        return;
    if (m_download->isRunning()) {
        setStatus(tr("Wait for the download to finish, or cancel it."), true);
        return;
    }
    QStringList unreadable;
    const QList<UploadQueue::Item> batch = uploadsFor(paths, prefix, &unreadable);
    if (!unreadable.isEmpty())
        setStatus(tr("Cannot read %1").arg(unreadable.join(QStringLiteral(", "))), true);
    if (batch.isEmpty())
        return;
    QStringList existing;
    for (const UploadQueue::Item &u : batch) {
        if (listed.contains(u.key))
            existing.append(u.key.mid(prefix.size()));
    }
    if (!existing.isEmpty()) {
        const QString names = existing.size() <= 3
                                  ? existing.join(QStringLiteral(", "))
                                  : tr("%1 and %2 more")
                                        .arg(existing.mid(0, 3).join(QStringLiteral(", ")),
                                             QString::number(existing.size() - 3));
        if (!m_confirm.ask(
                this, tr("Replace objects?"),
                tr("%1 already exists in %2/%3. Replace it?").arg(names, m_bucket, prefix),
                tr("Replace")))
            return;
    }
    if (!m_uploads->isRunning())
        m_uploadPrefix = prefix;
    m_uploads->add(batch);
}

void BucketTransfers::download(const QString &key, const QString &path)
{
    if (m_bucket.isEmpty())
        return;
    if (isTransferring()) {
        setStatus(tr("Wait for the current transfer to finish, or cancel it."), true);
        return;
    }
    QString error;
    if (!m_download->start(bucketObjectPath(m_bucket, key), path, &error)) {
        setStatus(error, true);
        Q_EMIT finished(false);
        return;
    }
    m_downloadKey = key;
    m_downloadPath = path;
    showProgress(tr("Downloading %1…").arg(elided(key.section(QLatin1Char('/'), -1))));
}

void BucketTransfers::downloadFinished(ObjectDownload::Ending ending, const QString &error)
{
    m_row->setVisible(false);
    switch (ending) {
    case ObjectDownload::Ending::Saved:
        setStatus(tr("Saved %1 to %2 (%3).")
                      .arg(m_downloadKey, QDir::toNativeSeparators(m_downloadPath),
                           DisplayFormat::bytes(QFileInfo(m_downloadPath).size())));
        break;
    case ObjectDownload::Ending::Cancelled:
        setStatus(tr("Download cancelled."));
        break;
    case ObjectDownload::Ending::Failed:
        setStatus(error, true);
        break;
    }
    Q_EMIT finished(ending == ObjectDownload::Ending::Saved);
}

void BucketTransfers::cancel()
{
    if (m_uploads->isRunning())
        m_uploads->cancel();
    else
        m_download->cancel();
}

void BucketTransfers::remove(const QStringList &keys)
{
    if (m_bucket.isEmpty() || isTransferring() || m_deleting || keys.isEmpty())
        return;
    const QString text =
        keys.size() == 1
            ? tr("Delete “%1” from %2? This cannot be undone.").arg(keys.first(), m_bucket)
            : tr("Delete %1 objects from %2? This cannot be undone.")
                  .arg(keys.size())
                  .arg(m_bucket);
    if (!m_confirm.ask(this, tr("Delete objects?"), text, tr("Delete")))
        return;
    m_deleting = true;
    Q_EMIT started();
    deleteNext(keys, {}, 0);
}

void BucketTransfers::deleteNext(QStringList keys, QStringList failures, int done)
{
    if (keys.isEmpty()) {
        if (failures.isEmpty())
            setStatus(done == 1 ? tr("Deleted 1 object.") : tr("Deleted %1 objects.").arg(done));
        else
            setStatus(tr("Not deleted: %1").arg(failures.join(QStringLiteral("; "))), true);
        m_deleting = false;
        Q_EMIT bucketChanged(QString());
        Q_EMIT finished(failures.isEmpty());
        return;
    }
    const QString key = keys.takeFirst();
    m_api->call("DELETE", bucketObjectPath(m_bucket, key), {}, {}, this,
                [this, key, keys, failures, done](const ApiResponse &r) mutable {
                    if (r.ok())
                        ++done;
                    else
                        failures.append(tr("%1: %2").arg(key, r.describeError()));
                    deleteNext(keys, failures, done);
                });
}

} // namespace edgedesk
