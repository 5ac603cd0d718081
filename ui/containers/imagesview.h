#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QPointer>
#include <QWidget>

class QLabel;
class QNetworkReply;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace edgedesk {

class ApiClient;
class MessageBanner;

// Containers → Images: the images in the server's cache (GET /__edgedesk/v1/images), each with
// its layers and their sizes; "Load image…" sends an archive (docker save, podman save, an OCI
// archive) to POST /__edgedesk/v1/images with progress while it uploads and while the server
// verifies and unpacks it, and can be cancelled; Remove deletes an image no instance runs (the
// server's 409 is shown as it says why).
class ImagesView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImagesView)

public:
    ImagesView(ApiClient *api, QWidget *parent = nullptr);
    ~ImagesView() override;

    void refresh();
    // Asks for an archive, then loadArchive().
    void chooseArchive();
    // Starts the upload; false (with the reason shown) if it cannot start.
    bool loadArchive(const QString &path);
    void cancelLoad();
    // DELETE the image with this digest.
    void removeImage(const QString &digest);

    bool isLoading() const { return !m_upload.isNull(); }
    QTreeWidget *tree() const { return m_tree; }
    MessageBanner *message() const { return m_message; }
    QProgressBar *progress() const { return m_progress; }
    QPushButton *loadButton() const { return m_load; }
    QPushButton *removeButton() const { return m_remove; }
    QPushButton *cancelButton() const { return m_cancel; }
    QString selectedDigest() const;
    bool selectImage(const QString &digest);
    int imageCount() const;

Q_SIGNALS:
    void loaded(const QJsonObject &image);
    void listed();

private:
    void apply(const QJsonObject &listing);
    void updateButtons();
    void onUploadProgress(qint64 sent, qint64 total);
    void onUploadFinished();
    void endLoad();

    ApiClient *m_api;
    QTreeWidget *m_tree = nullptr;
    MessageBanner *m_message = nullptr;
    QLabel *m_totals = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_phase = nullptr;
    QPushButton *m_load = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_cancel = nullptr;
    QPointer<QNetworkReply> m_list;
    QPointer<QNetworkReply> m_upload;
    QElapsedTimer m_uploadTime;
    QString m_uploadName;
};

} // namespace edgedesk
