#include "bucket/objectpreview.h"

#include "apiclient.h"
#include "widgets/displayformat.h"
#include "widgets/labels.h"

#include <QEvent>
#include <QImage>
#include <QLabel>
#include <QUrl>
#include <QVBoxLayout>

namespace edgedesk {

ObjectPreview::ObjectPreview(ApiClient *api, QWidget *parent) : QWidget(parent), m_api(api)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 0, 0, 0);
    m_title = new QLabel(this);
    letShrink(m_title);
    m_title->setObjectName(QStringLiteral("bucketPreviewTitle"));
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont titleFont = m_title->font();
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_image = new QLabel(this);
    m_image->setObjectName(QStringLiteral("bucketPreview"));
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setWordWrap(true);
    m_image->setMinimumSize(200, 150);
    m_image->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_image->setFrameShape(QFrame::StyledPanel);
    m_image->setBackgroundRole(QPalette::Base);
    m_image->setAutoFillBackground(true);
    m_image->setForegroundRole(QPalette::PlaceholderText);
    m_image->installEventFilter(this);
    m_info = new QLabel(this);
    letShrink(m_info);
    m_info->setObjectName(QStringLiteral("bucketPreviewInfo"));
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details = new QLabel(this);
    letShrink(m_details);
    m_details->setObjectName(QStringLiteral("bucketPreviewDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_title);
    layout->addWidget(m_image, 1);
    layout->addWidget(m_info);
    layout->addWidget(m_details);
    clear();
}

void ObjectPreview::clear()
{
    reset(tr("Nothing selected"),
          tr("Select an object to see its details; images are previewed through the /image "
             "route."));
}

void ObjectPreview::showFolder(const QString &prefix)
{
    reset(prefix, tr("A folder. Double-click it (or press Enter) to open it."));
}

void ObjectPreview::reset(const QString &title, const QString &text)
{
    ++m_generation;
    m_key.clear();
    m_object = {};
    m_pixmap = {};
    m_title->setText(title);
    m_image->setPixmap({});
    m_image->setText(text);
    m_info->clear();
    m_details->clear();
}

void ObjectPreview::showObject(const QString &key, const QJsonObject &object)
{
    const QString etag = QStringLiteral("etag");
    if (key == m_key && object.value(etag) == m_object.value(etag))
        return;
    ++m_generation;
    m_key = key;
    m_object = object;
    m_pixmap = {};
    m_title->setText(key);
    const QString type = object.value(QStringLiteral("content_type")).toString();
    const QString bytes =
        DisplayFormat::bytes(qint64(object.value(QStringLiteral("size")).toDouble()));
    m_info->setText(QStringLiteral("%1 · %2").arg(type, bytes));
    QStringList details;
    details << tr("Uploaded %1")
                   .arg(DisplayFormat::timestamp(
                       object.value(QStringLiteral("uploaded")).toString()));
    details << tr("ETag %1").arg(object.value(etag).toString());
    const QJsonObject metadata = object.value(QStringLiteral("custom_metadata")).toObject();
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        details << QStringLiteral("%1: %2").arg(it.key(), it.value().toString());
    m_details->setText(details.join(QLatin1Char('\n')));
    m_image->setPixmap({});
    if (!type.startsWith(QLatin1String("image/"))) {
        m_image->setText(tr("No preview for %1.\nDownload it (Ctrl+S) to open it.")
                             .arg(type.isEmpty() ? tr("this type") : type));
        return;
    }
    m_image->setText(tr("Loading the preview…"));
    fetchImage(type, bytes);
}

void ObjectPreview::fetchImage(const QString &type, const QString &bytes)
{
    const quint64 generation = m_generation;
    // Concatenated, not arg()-ed: the encoded key holds "%2F", which arg() would substitute.
    const QString query =
        QStringLiteral("/image?key=") + QString::fromLatin1(QUrl::toPercentEncoding(m_key)) +
        QStringLiteral("&width=%1&height=%2").arg(kPreviewWidth).arg(kPreviewHeight);
    m_api->get(query, this, [this, generation](const ApiResponse &r) {
        if (generation != m_generation)
            return;
        if (!r.ok()) {
            m_image->setText(tr("No preview: %1").arg(r.describeError()));
            return;
        }
        QImage image;
        if (!image.loadFromData(r.body)) {
            m_image->setText(tr("The preview (%1) cannot be shown here.")
                                 .arg(QString::fromLatin1(r.header("Content-Type"))));
            return;
        }
        m_pixmap = QPixmap::fromImage(image);
        fitPixmap();
        m_image->setToolTip(tr("Preview %1 × %2 from /image (%3, %4 ms)")
                                .arg(image.width())
                                .arg(image.height())
                                .arg(QString::fromLatin1(r.header("X-EdgeDesk-Image")),
                                     QString::fromLatin1(r.header("X-EdgeDesk-Transform-Ms"))));
    });
    m_api->get(query + QStringLiteral("&format=json"), this,
               [this, generation, type, bytes](const ApiResponse &r) {
                   if (generation != m_generation || !r.ok())
                       return;
                   const QJsonObject original =
                       r.json().value(QStringLiteral("original")).toObject();
                   const int w = original.value(QStringLiteral("width")).toInt();
                   const int h = original.value(QStringLiteral("height")).toInt();
                   if (w > 0 && h > 0)
                       m_info->setText(
                           QStringLiteral("%1 × %2 px · %3 · %4").arg(w).arg(h).arg(type, bytes));
               });
}

void ObjectPreview::fitPixmap()
{
    if (m_pixmap.isNull())
        return;
    const QSize room = m_image->contentsRect().size() - QSize(8, 8);
    QPixmap shown = m_pixmap;
    if (shown.width() > room.width() || shown.height() > room.height())
        shown = shown.scaled(room.expandedTo(QSize(16, 16)), Qt::KeepAspectRatio,
                             Qt::SmoothTransformation);
    m_image->setPixmap(shown);
}

bool ObjectPreview::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_image && event->type() == QEvent::Resize)
        fitPixmap();
    return QWidget::eventFilter(watched, event);
}

} // namespace edgedesk
