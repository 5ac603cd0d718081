#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QStackedWidget;
class QToolButton;

namespace edgedesk {

class ApiClient;

// The bucket's images as thumbnails (each rendered by /image, so every format the server reads
// shows), the first 2000 objects; other objects are counted, not shown.
class ImageGallery final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageGallery)

public:
    static constexpr int kThumbSide = 96;

    ImageGallery(ApiClient *api, QWidget *parent);

    void setBucket(const QString &binding) { m_bucket = binding; }
    QString bucket() const { return m_bucket; }
    bool hasListed() const { return m_listedOnce; }
    // Another server (data folder, configuration) may hold other objects: list again on demand.
    void setStale() { m_listedOnce = false; }
    // Lists again; then selects `wanted` (or the first image when it is not there).
    void refresh(const QString &wanted);
    // Makes `key`'s thumbnail current without reporting it.
    void showCurrent(const QString &key);
    int count() const;

    void showDropHint(const QString &text);
    void hideDropHint();

Q_SIGNALS:
    void objectChosen(const QString &key);
    // A listing selected the image that was current already (nothing changed to report).
    void reselected(const QString &key);
    void loaded(int imageCount);
    void listFailed(const QString &message);
    void refreshRequested();
    void uploadRequested();

private:
    void listPage(const QString &cursor, int page, quint64 sequence, const QString &wanted);
    void addObjectItem(const QJsonObject &object);
    void loadThumbnail(QListWidgetItem *item, const QString &key);
    void updateEmptyState();

    ApiClient *m_api;
    QString m_bucket = QStringLiteral("PUBLIC");
    bool m_listedOnce = false;
    quint64 m_sequence = 0;
    int m_imageCount = 0;
    int m_otherCount = 0;

    QLabel *m_listInfo = nullptr;
    QToolButton *m_refresh = nullptr;
    QToolButton *m_upload = nullptr;
    QLabel *m_dropHint = nullptr;
    QStackedWidget *m_listStack = nullptr;
    QListWidget *m_objects = nullptr;
    QLabel *m_emptyHint = nullptr;
};

} // namespace edgedesk
