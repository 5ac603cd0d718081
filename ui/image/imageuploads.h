#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace edgedesk {

class ApiClient;
class MessageBanner;
class UploadQueue;

// Image files uploaded to the bucket under their file names, one after the other, with a
// progress row while they go and a notice of what happened after (files that are not images
// are named and skipped).
class ImageUploads final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageUploads)

public:
    ImageUploads(ApiClient *api, QWidget *parent);

    void setBucket(const QString &binding);
    // Joins the running batch, if any.
    void upload(const QStringList &paths);
    void cancel();
    bool isUploading() const;

Q_SIGNALS:
    // `lastKey`: the last image stored, if any.
    void finished(int uploaded, int failed, const QString &lastKey);

private:
    UploadQueue *m_queue;
    QString m_bucket;
    QString m_current; // the file being uploaded
    QStringList m_skipped;

    QWidget *m_row = nullptr;
    QLabel *m_label = nullptr;
    QProgressBar *m_bar = nullptr;
    QToolButton *m_cancel = nullptr;
    MessageBanner *m_notice = nullptr;
};

} // namespace edgedesk
