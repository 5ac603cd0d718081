#include "image/imagegallery.h"

#include "apiclient.h"
#include "bucket/bucketpaths.h"
#include "image/imagequery.h"
#include "panel.h"
#include "widgets/displayformat.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtMath>

namespace edgedesk {

namespace {

// Each listed image costs a thumbnail transform: the gallery shows the first 2000 objects (the
// Bucket section browses all of them).
constexpr int kMaxListPages = 2;
constexpr int kRoleKey = Qt::UserRole;

} // namespace

ImageGallery::ImageGallery(ApiClient *api, QWidget *parent) : QWidget(parent), m_api(api)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *listBar = new QHBoxLayout;
    m_listInfo = new QLabel(tr("Bucket %1").arg(m_bucket), this);
    m_listInfo->setObjectName(QStringLiteral("imageListInfo"));
    QFont bold = m_listInfo->font();
    bold.setWeight(QFont::DemiBold);
    m_listInfo->setFont(bold);
    m_refresh = new QToolButton(this);
    m_refresh->setObjectName(QStringLiteral("imageRefresh"));
    m_refresh->setIcon(Panel::themedIcon(QStringLiteral("refresh")));
    m_refresh->setToolTip(tr("Reload the bucket's objects (F5)"));
    m_refresh->setAccessibleName(tr("Reload the bucket's objects"));
    m_refresh->setAutoRaise(true);
    m_upload = new QToolButton(this);
    m_upload->setObjectName(QStringLiteral("imageUpload"));
    m_upload->setIcon(Panel::themedIcon(QStringLiteral("upload")));
    m_upload->setText(tr("Upload…"));
    m_upload->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_upload->setToolTip(tr("Upload image files to the bucket (or drop them on this panel)"));
    m_upload->setAutoRaise(true);
    listBar->addWidget(m_listInfo, 1);
    listBar->addWidget(m_refresh);
    listBar->addWidget(m_upload);
    layout->addLayout(listBar);

    m_dropHint = new QLabel(this);
    m_dropHint->setObjectName(QStringLiteral("imageDropHint"));
    m_dropHint->setAlignment(Qt::AlignCenter);
    m_dropHint->setWordWrap(true);
    m_dropHint->setStyleSheet(
        QStringLiteral("QLabel#imageDropHint { border: 2px dashed palette(highlight); "
                       "border-radius: 8px; padding: 10px; }"));
    m_dropHint->hide();
    layout->addWidget(m_dropHint);

    m_listStack = new QStackedWidget(this);
    m_objects = new QListWidget(m_listStack);
    m_objects->setObjectName(QStringLiteral("imageObjects"));
    m_objects->setViewMode(QListView::IconMode);
    m_objects->setIconSize(QSize(kThumbSide, kThumbSide));
    m_objects->setGridSize(QSize(kThumbSide + 24, kThumbSide + fontMetrics().height() * 2 + 10));
    m_objects->setResizeMode(QListView::Adjust);
    m_objects->setMovement(QListView::Static);
    m_objects->setWordWrap(true);
    m_objects->setTextElideMode(Qt::ElideMiddle);
    m_objects->setUniformItemSizes(true);
    m_emptyHint = new QLabel(m_listStack);
    m_emptyHint->setObjectName(QStringLiteral("imageEmptyHint"));
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setWordWrap(true);
    m_emptyHint->setMargin(12);
    m_emptyHint->setText(tr("The bucket's images appear here once the server is serving."));
    m_listStack->addWidget(m_objects);
    m_listStack->addWidget(m_emptyHint);
    m_listStack->setCurrentWidget(m_emptyHint);
    layout->addWidget(m_listStack, 1);

    connect(m_refresh, &QToolButton::clicked, this, &ImageGallery::refreshRequested);
    connect(m_upload, &QToolButton::clicked, this, &ImageGallery::uploadRequested);
    connect(m_objects, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            Q_EMIT objectChosen(item->data(kRoleKey).toString());
    });
}

int ImageGallery::count() const
{
    return m_objects->count();
}

void ImageGallery::showDropHint(const QString &text)
{
    m_dropHint->setText(text);
    m_dropHint->show();
}

void ImageGallery::hideDropHint()
{
    m_dropHint->hide();
}

void ImageGallery::refresh(const QString &wanted)
{
    m_listedOnce = true;
    const quint64 sequence = ++m_sequence;
    m_imageCount = 0;
    m_otherCount = 0;
    {
        const QSignalBlocker blocker(m_objects);
        m_objects->clear();
    }
    m_listInfo->setText(tr("Bucket %1 · loading…").arg(m_bucket));
    listPage(QString(), 0, sequence, wanted);
}

void ImageGallery::listPage(const QString &cursor, int page, quint64 sequence,
                            const QString &wanted)
{
    QString path = bucketObjectsPath(m_bucket) + QStringLiteral("?limit=1000");
    if (!cursor.isEmpty())
        path += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
    m_api->get(path, this, [this, page, sequence, wanted](const ApiResponse &r) {
        if (sequence != m_sequence)
            return;
        if (!r.ok()) {
            m_listInfo->setText(tr("Bucket %1").arg(m_bucket));
            Q_EMIT listFailed(tr("Cannot list the bucket: %1").arg(r.describeError()));
            updateEmptyState();
            return;
        }
        const QJsonObject json = r.json();
        for (const QJsonValue &v : json.value(QStringLiteral("objects")).toArray())
            addObjectItem(v.toObject());
        const QString next = json.value(QStringLiteral("cursor")).toString();
        if (json.value(QStringLiteral("truncated")).toBool() && !next.isEmpty() &&
            page + 1 < kMaxListPages) {
            listPage(next, page + 1, sequence, wanted);
            return;
        }
        QString info = m_imageCount == 1
                           ? tr("Bucket %1 · 1 image").arg(m_bucket)
                           : tr("Bucket %1 · %2 images").arg(m_bucket).arg(m_imageCount);
        if (json.value(QStringLiteral("truncated")).toBool())
            info += tr(" (first %1 objects)").arg(m_imageCount + m_otherCount);
        m_listInfo->setText(info);
        m_listInfo->setToolTip(m_otherCount ? tr("%1 other objects are not images and are not "
                                                 "shown (see Bucket)")
                                                  .arg(m_otherCount)
                                            : QString());
        updateEmptyState();
        QListWidgetItem *select = nullptr;
        for (int i = 0; i < m_objects->count(); ++i) {
            if (m_objects->item(i)->data(kRoleKey).toString() == wanted)
                select = m_objects->item(i);
        }
        if (!select && m_objects->count() > 0)
            select = m_objects->item(0);
        if (select) {
            const bool unchanged = m_objects->currentItem() == select;
            m_objects->setCurrentItem(select);
            if (unchanged)
                Q_EMIT reselected(select->data(kRoleKey).toString());
        }
        Q_EMIT loaded(m_imageCount);
    });
}

void ImageGallery::addObjectItem(const QJsonObject &object)
{
    const QString key = object.value(QStringLiteral("key")).toString();
    const QString type = object.value(QStringLiteral("content_type")).toString();
    if (!type.startsWith(QLatin1String("image/"), Qt::CaseInsensitive)) {
        ++m_otherCount;
        return;
    }
    ++m_imageCount;
    const qint64 size = qint64(object.value(QStringLiteral("size")).toDouble());
    auto *item = new QListWidgetItem(QFileInfo(key).fileName(), m_objects);
    item->setData(kRoleKey, key);
    item->setToolTip(QStringLiteral("%1\n%2 · %3").arg(key, DisplayFormat::bytes(size), type));
    item->setTextAlignment(Qt::AlignHCenter | Qt::AlignTop);
    QPixmap blank(kThumbSide, kThumbSide);
    blank.fill(palette().color(QPalette::AlternateBase));
    item->setIcon(QIcon(blank));
    loadThumbnail(item, key);
}

void ImageGallery::loadThumbnail(QListWidgetItem *item, const QString &key)
{
    // PNG: every source format (AVIF and HEIC too) comes back as something Qt can draw. On a
    // high-DPI screen the server renders at the screen's density (dpr) so thumbnails stay sharp.
    const int dpr = qBound(1, qCeil(devicePixelRatioF()), 3);
    QList<QPair<QString, QString>> query{{QStringLiteral("key"), key},
                                         {QStringLiteral("width"), QString::number(kThumbSide)},
                                         {QStringLiteral("height"), QString::number(kThumbSide)},
                                         {QStringLiteral("fit"), QStringLiteral("cover")},
                                         {QStringLiteral("format"), QStringLiteral("png")}};
    if (dpr > 1)
        query.append({QStringLiteral("dpr"), QString::number(dpr)});
    const quint64 sequence = m_sequence;
    m_api->get(imageQuery(query), this, [this, item, sequence, dpr](const ApiResponse &r) {
        if (sequence != m_sequence)
            return; // the list was rebuilt: the item is gone
        QImage image;
        if (r.ok())
            image.loadFromData(r.body);
        if (image.isNull()) {
            item->setToolTip(item->toolTip() + QLatin1Char('\n') +
                             tr("No thumbnail: %1")
                                 .arg(r.ok() ? tr("not an image Qt can show") : r.describeError()));
            return;
        }
        QPixmap pixmap = QPixmap::fromImage(image);
        pixmap.setDevicePixelRatio(dpr);
        item->setIcon(QIcon(pixmap));
    });
}

void ImageGallery::updateEmptyState()
{
    m_emptyHint->setText(
        tr("No images in the %1 bucket yet.\n\nDrop image files on this panel, or use "
           "Upload…, to add them. Then pick one to transform it.")
            .arg(m_bucket));
    m_listStack->setCurrentWidget(m_objects->count() == 0 ? static_cast<QWidget *>(m_emptyHint)
                                                          : m_objects);
}

void ImageGallery::showCurrent(const QString &key)
{
    for (int i = 0; i < m_objects->count(); ++i) {
        if (m_objects->item(i)->data(kRoleKey).toString() == key && m_objects->currentRow() != i) {
            const QSignalBlocker blocker(m_objects);
            m_objects->setCurrentRow(i);
        }
    }
}

} // namespace edgedesk
