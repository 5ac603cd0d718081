#pragma once

#include <QJsonObject>
#include <QPixmap>
#include <QWidget>

class QLabel;

namespace edgedesk {

class ApiClient;

// The object selected in the bucket: its key, type, size, upload time, ETag and custom
// metadata, and for an image a preview fetched through /image (so every format the server can
// read shows, resized on the server) with the original's dimensions.
class ObjectPreview final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ObjectPreview)

public:
    static constexpr int kPreviewWidth = 480;
    static constexpr int kPreviewHeight = 360;

    ObjectPreview(ApiClient *api, QWidget *parent);

    // An object as the bucket lists it; the same version shown already is not fetched again.
    void showObject(const QString &key, const QJsonObject &object);
    void showFolder(const QString &prefix);
    void clear();

    QString key() const { return m_key; }
    QSize imageSize() const { return m_pixmap.size(); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void reset(const QString &title, const QString &text);
    void fetchImage(const QString &type, const QString &bytes);
    void fitPixmap();

    ApiClient *m_api;
    quint64 m_generation = 0;
    QString m_key;
    QJsonObject m_object;
    QPixmap m_pixmap;

    QLabel *m_title = nullptr;
    QLabel *m_image = nullptr;
    QLabel *m_info = nullptr;
    QLabel *m_details = nullptr;
};

} // namespace edgedesk
