#pragma once

#include "bucket/objectdownload.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace edgedesk {

class ApiClient;
class ConfirmPrompt;
class UploadQueue;

// What moves bytes in the Bucket section, one job at a time: uploads (files and whole folders,
// after asking before replacing), a download to a file, deletions (after asking). Shows the
// running job with its progress and Cancel, and the outcome in a status line.
class BucketTransfers final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BucketTransfers)

public:
    BucketTransfers(ApiClient *api, const ConfirmPrompt &confirm, QWidget *parent);

    void setBucket(const QString &binding);
    // Files and folders (recursively) into `prefix`; `listed` are the keys there now.
    void upload(const QStringList &paths, const QString &prefix, const QStringList &listed);
    void download(const QString &key, const QString &path);
    void remove(const QStringList &keys);
    void cancel();

    // An upload or a download is running (deletions do not count: they cannot be cancelled).
    bool isTransferring() const;
    bool isDeleting() const { return m_deleting; }
    void setStatus(const QString &text, bool error = false);

Q_SIGNALS:
    void started();
    // Objects were stored or deleted; `lastUploaded` is the last object stored, if any.
    void bucketChanged(const QString &lastUploaded);
    // `ok` when everything the job meant to do was done.
    void finished(bool ok);

private:
    QString elided(const QString &name) const;
    void showProgress(const QString &label);
    void downloadFinished(ObjectDownload::Ending ending, const QString &error);
    void deleteNext(QStringList keys, QStringList failures, int done);

    ApiClient *m_api;
    const ConfirmPrompt &m_confirm;
    QString m_bucket;
    QString m_uploadPrefix;
    UploadQueue *m_uploads;
    ObjectDownload *m_download;
    QString m_downloadKey;
    QString m_downloadPath;
    bool m_deleting = false;

    QWidget *m_row = nullptr;
    QLabel *m_label = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace edgedesk
