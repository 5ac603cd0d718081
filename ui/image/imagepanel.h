#pragma once

#include "apiclient.h"
#include "panel.h"
#include "util/result.h"

#include <QElapsedTimer>
#include <QImage>
#include <QPointer>
#include <QSize>
#include <QStringList>
#include <QTimer>

class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QMimeData;
class QNetworkReply;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QToolButton;

namespace edgedesk {

class CurlBar;
class ElapsedIndicator;
class ImagePreview;
class MessageBanner;
class StatusBadge;

// The Image section: the bucket's images as thumbnails; pick one, choose the transform (size,
// fit, gravity, format, quality) and see the original and the result side by side with their
// dimensions, bytes and the transform time. Image files dropped on the panel are uploaded to the
// bucket; the result can be saved to a file.
class ImagePanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImagePanel)

public:
    explicit ImagePanel(const PanelContext &context, QWidget *parent = nullptr);
    ~ImagePanel() override;

    void activated() override;
    void serverReady() override;
    void saveState() override;

    // The /image request the controls describe for the selected object.
    QString transformPath() const;
    QString currentKey() const { return m_key; }
    QString bucket() const { return m_bucket; }

    void refreshObjects();
    void selectObject(const QString &key);
    void transform();
    // Uploads local files to the bucket, one after the other, under their file names.
    void uploadFiles(const QStringList &paths);
    void cancelUploads();
    bool isUploading() const { return !m_upload.isNull(); }
    // Writes the last result's bytes to `path`.
    Status saveResultTo(const QString &path) const;

    // What the previews show (tests).
    QSize originalSize() const { return m_originalSize; }
    QSize resultSize() const { return m_resultSize; }
    QByteArray resultBytes() const { return m_resultBytes; }
    QString resultCache() const { return m_resultCache; }

    struct Decoded
    {
        QImage image;  // scaled to fit the preview limit; null when Qt cannot decode the format
        QSize size;    // the image's own dimensions (when known)
        QString error; // why it could not be decoded
    };
    // Decodes in the calling thread; the panel runs it on the thread pool.
    static Decoded decode(const QByteArray &bytes, int maxSide);

Q_SIGNALS:
    void objectsLoaded(int count);
    void resultShown();
    void uploadsFinished(int uploaded, int failed);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildUi();
    void restoreInputs();
    void scheduleTransform();
    void listPage(const QString &cursor, int page, quint64 sequence);
    void addObjectItem(const QJsonObject &object);
    void loadThumbnail(QListWidgetItem *item, const QString &key);
    void loadOriginal();
    void showTransform(const ApiResponse &response, quint64 sequence);
    void showResultDecoded(const Decoded &decoded, quint64 sequence);
    void fetchDimensions(quint64 sequence, bool forOriginal);
    void updateCurl();
    void updateEmptyState();
    void startNextUpload();
    void finishUploads();
    void saveResult();
    QString objectPath(const QString &key) const;
    static QStringList imagePathsFrom(const QMimeData *mime);

    QString m_bucket = QStringLiteral("PUBLIC");
    QString m_key;
    bool m_listedOnce = false;
    quint64 m_listSequence = 0;
    int m_imageCount = 0;
    int m_otherCount = 0;

    QStackedWidget *m_listStack = nullptr;
    QListWidget *m_objects = nullptr;
    QLabel *m_emptyHint = nullptr;
    QLabel *m_listInfo = nullptr;
    QToolButton *m_refresh = nullptr;
    QToolButton *m_uploadButton = nullptr;
    QWidget *m_uploadRow = nullptr;
    QLabel *m_uploadLabel = nullptr;
    QProgressBar *m_uploadBar = nullptr;
    QToolButton *m_uploadCancel = nullptr;
    QLabel *m_dropHint = nullptr;
    MessageBanner *m_uploadNotice = nullptr;

    QSpinBox *m_width = nullptr;
    QSpinBox *m_height = nullptr;
    QComboBox *m_fit = nullptr;
    QComboBox *m_gravity = nullptr;
    QComboBox *m_format = nullptr;
    QSpinBox *m_quality = nullptr;
    QPushButton *m_transform = nullptr;
    QPushButton *m_save = nullptr;
    CurlBar *m_curl = nullptr;

    StatusBadge *m_status = nullptr;
    QLabel *m_cache = nullptr;
    QLabel *m_transformTime = nullptr;
    QLabel *m_totalTime = nullptr;
    ElapsedIndicator *m_busy = nullptr;
    MessageBanner *m_error = nullptr;
    QLabel *m_originalInfo = nullptr;
    QLabel *m_resultInfo = nullptr;
    ImagePreview *m_original = nullptr;
    ImagePreview *m_result = nullptr;

    QTimer m_debounce;
    QPointer<QNetworkReply> m_transformReply;
    QPointer<QNetworkReply> m_originalReply;
    quint64 m_transformSequence = 0;
    quint64 m_originalSequence = 0;
    QSize m_originalSize;
    qint64 m_originalBytes = 0;
    QString m_originalType;
    QSize m_resultSize;
    QByteArray m_resultBytes;
    QString m_resultType;
    QString m_resultCache;
    QString m_resultKey;

    QStringList m_uploadQueue;
    QPointer<QNetworkReply> m_upload;
    QString m_uploadName;
    QElapsedTimer m_uploadClock;
    int m_uploadTotal = 0;
    int m_uploaded = 0;
    int m_uploadFailed = 0;
    QStringList m_uploadErrors;
    QStringList m_uploadSkipped;
    QString m_selectAfterList;
};

} // namespace edgedesk
