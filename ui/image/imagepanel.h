#pragma once

#include "apiclient.h"
#include "panel.h"
#include "util/result.h"

#include <QPointer>
#include <QSize>
#include <QStringList>
#include <QTimer>

class QMimeData;
class QNetworkReply;

namespace edgedesk {

class CurlBar;
class ImageGallery;
class ImageUploads;
class TransformForm;
class TransformView;
struct DecodedImage;

// The Image section: the bucket's images as thumbnails (ImageGallery); pick one, choose the
// transform (TransformForm) and see the original and the result side by side with their
// dimensions, bytes and the transform time (TransformView). Image files dropped on the panel are
// uploaded to the bucket (ImageUploads); the result can be saved to a file.
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
    QString bucket() const;

    void refreshObjects();
    void selectObject(const QString &key);
    void transform();
    // Uploads local files to the bucket, one after the other, under their file names.
    void uploadFiles(const QStringList &paths);
    void cancelUploads();
    bool isUploading() const;
    // Writes the last result's bytes to `path`.
    Status saveResultTo(const QString &path) const;

    // What the previews show (tests).
    QSize originalSize() const { return m_originalSize; }
    QSize resultSize() const { return m_resultSize; }
    QByteArray resultBytes() const { return m_resultBytes; }
    QString resultCache() const { return m_resultCache; }

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
    void scheduleTransform();
    void cancelTransform();
    void loadOriginal();
    void showTransform(const ApiResponse &response, quint64 sequence);
    void showResultDecoded(const DecodedImage &decoded, quint64 sequence);
    void fetchDimensions(quint64 sequence, bool forOriginal);
    void updateCurl();
    void saveResult();
    QString describeOriginal() const;
    QString describeResult() const;
    static QStringList filesIn(const QMimeData *mime);

    QString m_key;
    QString m_selectAfterList;

    ImageGallery *m_gallery = nullptr;
    ImageUploads *m_uploads = nullptr;
    TransformForm *m_form = nullptr;
    CurlBar *m_curl = nullptr;
    TransformView *m_view = nullptr;

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
};

} // namespace edgedesk
