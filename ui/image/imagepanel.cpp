#include "image/imagepanel.h"
#include "widgets/mutedlabel.h"

#include "appsettings.h"
#include "widgets/curlbar.h"
#include "widgets/displayformat.h"
#include "widgets/elapsedindicator.h"
#include "widgets/imagepreview.h"
#include "widgets/messagebanner.h"
#include "widgets/sectionheading.h"
#include "widgets/statusbadge.h"

#include <QBuffer>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QMimeDatabase>
#include <QNetworkReply>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <QtMath>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("image");
constexpr int kThumbSide = 96;
constexpr int kPreviewMaxSide = 2048;
// Each listed image costs a thumbnail transform: the panel shows the first 2000 objects (the
// Bucket section browses all of them).
constexpr int kMaxListPages = 2;
constexpr int kRoleKey = Qt::UserRole;
// What a browser's <img> sends, so that format=auto negotiates as it would for a page.
const QByteArray kBrowserAccept =
    QByteArrayLiteral("image/avif,image/webp,image/apng,image/*,*/*;q=0.8");

QString encodeQuery(const QList<QPair<QString, QString>> &items)
{
    QStringList parts;
    for (const auto &item : items)
        parts.append(QString::fromLatin1(QUrl::toPercentEncoding(item.first)) + QLatin1Char('=') +
                     QString::fromLatin1(QUrl::toPercentEncoding(item.second)));
    return parts.join(QLatin1Char('&'));
}

QString describe(const QSize &size, qint64 bytes, const QString &type)
{
    QStringList parts;
    if (size.isValid())
        parts.append(QStringLiteral("%1×%2").arg(size.width()).arg(size.height()));
    if (bytes >= 0)
        parts.append(DisplayFormat::bytes(bytes));
    if (!type.isEmpty())
        parts.append(type);
    return parts.join(QStringLiteral(" · "));
}

// Cancels a request whose answer is no longer wanted, without the client's handler (reading an
// aborted reply only produces warnings).
void cancel(QNetworkReply *reply, QObject *client)
{
    if (!reply)
        return;
    reply->disconnect(client);
    reply->abort();
    reply->deleteLater();
}

bool isImageType(const QString &contentType)
{
    return contentType.startsWith(QLatin1String("image/"), Qt::CaseInsensitive);
}

} // namespace

ImagePanel::ImagePanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("image"), tr("Image"), QStringLiteral("image"), context, parent)
{
    setAcceptDrops(true);
    buildUi();
    restoreInputs();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(350);
    connect(&m_debounce, &QTimer::timeout, this, &ImagePanel::transform);
    m_emptyHint->setText(tr("The bucket's images appear here once the server is serving."));
    m_listStack->setCurrentWidget(m_emptyHint);
    updateCurl();
}

ImagePanel::~ImagePanel()
{
    for (QNetworkReply *reply :
         {m_transformReply.data(), m_originalReply.data(), m_upload.data()}) {
        if (reply)
            reply->abort();
    }
}

void ImagePanel::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *heading = new SectionHeading(
        tr("Image"),
        tr("Resizes and re-encodes objects of the <b>PUBLIC</b> bucket on the fly through "
           "<code>/image</code>. Drop image files here to upload them."),
        this);
    layout->addWidget(heading);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);

    // Left: the bucket's images.
    auto *left = new QWidget(splitter);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 6, 0);
    auto *listBar = new QHBoxLayout;
    m_listInfo = new QLabel(tr("Bucket %1").arg(m_bucket), left);
    m_listInfo->setObjectName(QStringLiteral("imageListInfo"));
    QFont bold = m_listInfo->font();
    bold.setWeight(QFont::DemiBold);
    m_listInfo->setFont(bold);
    m_refresh = new QToolButton(left);
    m_refresh->setObjectName(QStringLiteral("imageRefresh"));
    m_refresh->setIcon(Panel::themedIcon(QStringLiteral("refresh")));
    m_refresh->setToolTip(tr("Reload the bucket's objects (F5)"));
    m_refresh->setAutoRaise(true);
    m_uploadButton = new QToolButton(left);
    m_uploadButton->setObjectName(QStringLiteral("imageUpload"));
    m_uploadButton->setIcon(Panel::themedIcon(QStringLiteral("upload")));
    m_uploadButton->setText(tr("Upload…"));
    m_uploadButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_uploadButton->setToolTip(tr("Upload image files to the bucket (or drop them on this panel)"));
    m_uploadButton->setAutoRaise(true);
    listBar->addWidget(m_listInfo, 1);
    listBar->addWidget(m_refresh);
    listBar->addWidget(m_uploadButton);
    leftLayout->addLayout(listBar);

    m_dropHint = new QLabel(left);
    m_dropHint->setObjectName(QStringLiteral("imageDropHint"));
    m_dropHint->setAlignment(Qt::AlignCenter);
    m_dropHint->setWordWrap(true);
    m_dropHint->setStyleSheet(
        QStringLiteral("QLabel#imageDropHint { border: 2px dashed palette(highlight); "
                       "border-radius: 8px; padding: 10px; }"));
    m_dropHint->hide();
    leftLayout->addWidget(m_dropHint);

    m_listStack = new QStackedWidget(left);
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
    m_listStack->addWidget(m_objects);
    m_listStack->addWidget(m_emptyHint);
    leftLayout->addWidget(m_listStack, 1);

    m_uploadRow = new QWidget(left);
    auto *uploadLayout = new QGridLayout(m_uploadRow);
    uploadLayout->setContentsMargins(0, 0, 0, 0);
    m_uploadLabel = new QLabel(m_uploadRow);
    m_uploadLabel->setObjectName(QStringLiteral("imageUploadLabel"));
    m_uploadLabel->setWordWrap(true);
    m_uploadBar = new QProgressBar(m_uploadRow);
    m_uploadBar->setObjectName(QStringLiteral("imageUploadProgress"));
    m_uploadBar->setRange(0, 1000);
    m_uploadBar->setTextVisible(false);
    m_uploadCancel = new QToolButton(m_uploadRow);
    m_uploadCancel->setObjectName(QStringLiteral("imageUploadCancel"));
    m_uploadCancel->setIcon(Panel::themedIcon(QStringLiteral("stop")));
    m_uploadCancel->setToolTip(tr("Cancel the uploads"));
    m_uploadCancel->setAutoRaise(true);
    uploadLayout->addWidget(m_uploadLabel, 0, 0, 1, 2);
    uploadLayout->addWidget(m_uploadBar, 1, 0);
    uploadLayout->addWidget(m_uploadCancel, 1, 1);
    m_uploadRow->hide();
    leftLayout->addWidget(m_uploadRow);
    m_uploadNotice = new MessageBanner(left);
    m_uploadNotice->setObjectName(QStringLiteral("imageUploadNotice"));
    leftLayout->addWidget(m_uploadNotice);
    splitter->addWidget(left);

    // Right: controls, status, previews.
    auto *right = new QWidget(splitter);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 0, 0, 0);
    auto *controls = new QGridLayout;
    controls->setHorizontalSpacing(8);
    auto addField = [&](int row, int column, const QString &caption, QWidget *field) {
        auto *label = new QLabel(caption, right);
        label->setBuddy(field);
        controls->addWidget(label, row, column * 2, Qt::AlignRight);
        controls->addWidget(field, row, column * 2 + 1);
    };
    m_width = new QSpinBox(right);
    m_width->setObjectName(QStringLiteral("imageWidth"));
    m_width->setRange(0, 4096);
    m_width->setSpecialValueText(tr("auto"));
    m_width->setSuffix(tr(" px"));
    m_width->setValue(300);
    m_height = new QSpinBox(right);
    m_height->setObjectName(QStringLiteral("imageHeight"));
    m_height->setRange(0, 4096);
    m_height->setSpecialValueText(tr("auto"));
    m_height->setSuffix(tr(" px"));
    m_height->setValue(200);
    m_fit = new QComboBox(right);
    m_fit->setObjectName(QStringLiteral("imageFit"));
    m_fit->addItems({QStringLiteral("scale-down"), QStringLiteral("contain"),
                     QStringLiteral("cover"), QStringLiteral("crop"), QStringLiteral("pad"),
                     QStringLiteral("squeeze")});
    m_fit->setToolTip(tr("scale-down and contain keep the whole image; cover and crop fill the "
                         "box and cut; pad adds borders; squeeze stretches"));
    m_gravity = new QComboBox(right);
    m_gravity->setObjectName(QStringLiteral("imageGravity"));
    m_gravity->addItems({QStringLiteral("auto"), QStringLiteral("center"), QStringLiteral("top"),
                         QStringLiteral("bottom"), QStringLiteral("left"),
                         QStringLiteral("right")});
    m_gravity->setToolTip(tr("Which part of the image cover and crop keep"));
    m_format = new QComboBox(right);
    m_format->setObjectName(QStringLiteral("imageFormat"));
    m_format->addItem(tr("as original"), QString());
    for (const QString &f : {QStringLiteral("auto"), QStringLiteral("webp"), QStringLiteral("avif"),
                             QStringLiteral("jpeg"), QStringLiteral("png")})
        m_format->addItem(f, f);
    m_format->setToolTip(tr("auto picks AVIF, then WebP, then JPEG from the Accept header"));
    m_quality = new QSpinBox(right);
    m_quality->setObjectName(QStringLiteral("imageQuality"));
    m_quality->setRange(0, 100);
    m_quality->setSpecialValueText(tr("default"));
    m_quality->setValue(85);
    m_quality->setToolTip(tr("1–100 for JPEG, WebP and AVIF"));
    addField(0, 0, tr("Width"), m_width);
    addField(0, 1, tr("Height"), m_height);
    addField(0, 2, tr("Fit"), m_fit);
    addField(1, 0, tr("Format"), m_format);
    addField(1, 1, tr("Quality"), m_quality);
    addField(1, 2, tr("Gravity"), m_gravity);
    m_transform =
        new QPushButton(Panel::themedIcon(QStringLiteral("play")), tr("Transform"), right);
    m_transform->setObjectName(QStringLiteral("imageTransform"));
    m_transform->setToolTip(
        tr("Request the image with these settings (Ctrl+Enter; Esc cancels a slow one)"));
    m_transform->setDefault(true);
    m_save =
        new QPushButton(Panel::themedIcon(QStringLiteral("download")), tr("Save result…"), right);
    m_save->setObjectName(QStringLiteral("imageSave"));
    m_save->setToolTip(tr("Save the transformed image to a file (Ctrl+S)"));
    m_save->setEnabled(false);
    controls->addWidget(m_transform, 0, 6);
    controls->addWidget(m_save, 1, 6);
    controls->setColumnStretch(7, 1);
    rightLayout->addLayout(controls);

    m_curl = new CurlBar(right);
    m_curl->setObjectName(QStringLiteral("imageCurl"));
    rightLayout->addWidget(m_curl);

    auto *summary = new QHBoxLayout;
    summary->setSpacing(6);
    m_status = new StatusBadge(right);
    m_status->setObjectName(QStringLiteral("imageStatus"));
    summary->addWidget(m_status);
    auto addMeta = [&](const QString &caption, const QString &name) {
        return addCaptionedValue(summary, caption, name, right);
    };
    m_cache = addMeta(tr("Cache"), QStringLiteral("imageCache"));
    m_transformTime = addMeta(tr("Transform"), QStringLiteral("imageTransformTime"));
    m_totalTime = addMeta(tr("Total"), QStringLiteral("imageTotalTime"));
    summary->addSpacing(10);
    m_busy = new ElapsedIndicator(right);
    summary->addWidget(m_busy);
    summary->addStretch(1);
    rightLayout->addLayout(summary);
    m_error = new MessageBanner(right);
    m_error->setObjectName(QStringLiteral("imageError"));
    rightLayout->addWidget(m_error);

    auto *previews = new QGridLayout;
    previews->setHorizontalSpacing(12);
    auto *originalTitle = new QLabel(tr("Original"), right);
    originalTitle->setFont(bold);
    auto *resultTitle = new QLabel(tr("Result"), right);
    resultTitle->setFont(bold);
    m_originalInfo = makeMutedLabel(QStringLiteral("—"), right);
    m_originalInfo->setObjectName(QStringLiteral("imageOriginalInfo"));
    m_resultInfo = makeMutedLabel(QStringLiteral("—"), right);
    m_resultInfo->setObjectName(QStringLiteral("imageResultInfo"));
    m_original = new ImagePreview(right);
    m_original->setObjectName(QStringLiteral("imageOriginal"));
    m_result = new ImagePreview(right);
    m_result->setObjectName(QStringLiteral("imageResult"));
    m_original->clear(tr("Pick an image on the left"));
    m_result->clear(tr("The transformed image appears here"));
    auto *originalHead = new QHBoxLayout;
    originalHead->addWidget(originalTitle);
    originalHead->addSpacing(8);
    originalHead->addWidget(m_originalInfo, 1);
    auto *resultHead = new QHBoxLayout;
    resultHead->addWidget(resultTitle);
    resultHead->addSpacing(8);
    resultHead->addWidget(m_resultInfo, 1);
    previews->addLayout(originalHead, 0, 0);
    previews->addLayout(resultHead, 0, 1);
    previews->addWidget(m_original, 1, 0);
    previews->addWidget(m_result, 1, 1);
    previews->setRowStretch(1, 1);
    previews->setColumnStretch(0, 1);
    previews->setColumnStretch(1, 1);
    rightLayout->addLayout(previews, 1);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({2 * (kThumbSide + 24) + 40, 900});
    layout->addWidget(splitter, 1);

    connect(m_refresh, &QToolButton::clicked, this, &ImagePanel::refreshObjects);
    connect(m_uploadButton, &QToolButton::clicked, this, [this] {
        const QString dir =
            context()
                .settings
                ->panelValue(kPanel, QStringLiteral("uploadDir"),
                             QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
                .toString();
        const QStringList files = QFileDialog::getOpenFileNames(
            this, tr("Upload images to %1").arg(m_bucket), dir,
            tr("Images (*.jpg *.jpeg *.png *.webp *.avif *.gif *.heic);;All files (*)"));
        if (files.isEmpty())
            return;
        context().settings->setPanelValue(kPanel, QStringLiteral("uploadDir"),
                                          QFileInfo(files.first()).absolutePath());
        uploadFiles(files);
    });
    connect(m_uploadCancel, &QToolButton::clicked, this, &ImagePanel::cancelUploads);
    connect(m_objects, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            selectObject(item->data(kRoleKey).toString());
    });
    for (QSpinBox *spin : {m_width, m_height, m_quality})
        connect(spin, &QSpinBox::valueChanged, this, &ImagePanel::scheduleTransform);
    for (QComboBox *combo : {m_fit, m_gravity, m_format})
        connect(combo, &QComboBox::currentIndexChanged, this, &ImagePanel::scheduleTransform);
    connect(m_transform, &QPushButton::clicked, this, &ImagePanel::transform);
    connect(m_save, &QPushButton::clicked, this, &ImagePanel::saveResult);
    addRunShortcuts([this] { transform(); },
                    [this] {
                        m_debounce.stop();
                        if (m_transformReply) {
                            cancel(m_transformReply, context().api);
                            m_transformReply.clear();
                            ++m_transformSequence;
                            m_busy->stop();
                            m_status->set(tr("cancelled"), StatusBadge::Tone::Neutral);
                        }
                    });
    addShortcut(QKeySequence::Save, [this] { saveResult(); });
    addShortcut(QKeySequence::Refresh, [this] { refreshObjects(); });
}

void ImagePanel::restoreInputs()
{
    AppSettings *s = context().settings;
    const QSignalBlocker b1(m_width), b2(m_height), b3(m_fit), b4(m_gravity), b5(m_format),
        b6(m_quality);
    m_width->setValue(s->panelValue(kPanel, QStringLiteral("width"), 300).toInt());
    m_height->setValue(s->panelValue(kPanel, QStringLiteral("height"), 200).toInt());
    m_fit->setCurrentText(
        s->panelValue(kPanel, QStringLiteral("fit"), QStringLiteral("scale-down")).toString());
    m_gravity->setCurrentText(
        s->panelValue(kPanel, QStringLiteral("gravity"), QStringLiteral("auto")).toString());
    const int format =
        m_format->findData(s->panelValue(kPanel, QStringLiteral("format"), QString()).toString());
    m_format->setCurrentIndex(qMax(0, format));
    m_quality->setValue(s->panelValue(kPanel, QStringLiteral("quality"), 85).toInt());
    m_key = s->panelValue(kPanel, QStringLiteral("key")).toString();
}

void ImagePanel::saveState()
{
    AppSettings *s = context().settings;
    s->setPanelValue(kPanel, QStringLiteral("width"), m_width->value());
    s->setPanelValue(kPanel, QStringLiteral("height"), m_height->value());
    s->setPanelValue(kPanel, QStringLiteral("fit"), m_fit->currentText());
    s->setPanelValue(kPanel, QStringLiteral("gravity"), m_gravity->currentText());
    s->setPanelValue(kPanel, QStringLiteral("format"), m_format->currentData().toString());
    s->setPanelValue(kPanel, QStringLiteral("quality"), m_quality->value());
    s->setPanelValue(kPanel, QStringLiteral("key"), m_key);
}

void ImagePanel::activated()
{
    if (!m_listedOnce && context().host && context().api->baseUrl().isValid())
        refreshObjects();
}

void ImagePanel::serverReady()
{
    // Another server (data folder, config) may hold other objects.
    m_listedOnce = false;
    context().api->get(QStringLiteral("/__edgedesk/v1/config"), this, [this](const ApiResponse &r) {
        const QJsonArray buckets = r.json().value(QStringLiteral("r2_buckets")).toArray();
        // /image serves the first bucket of the configuration.
        const QString binding =
            buckets.isEmpty()
                ? QString()
                : buckets.at(0).toObject().value(QStringLiteral("binding")).toString();
        if (!binding.isEmpty())
            m_bucket = binding;
        if (isVisible())
            refreshObjects();
    });
    updateCurl();
}

QString ImagePanel::objectPath(const QString &key) const
{
    return QStringLiteral("/__edgedesk/v1/r2/%1/objects/%2")
        .arg(m_bucket, QString::fromLatin1(QUrl::toPercentEncoding(key)));
}

QString ImagePanel::transformPath() const
{
    QList<QPair<QString, QString>> q;
    if (!m_key.isEmpty())
        q.append({QStringLiteral("key"), m_key});
    if (m_width->value() > 0)
        q.append({QStringLiteral("width"), QString::number(m_width->value())});
    if (m_height->value() > 0)
        q.append({QStringLiteral("height"), QString::number(m_height->value())});
    q.append({QStringLiteral("fit"), m_fit->currentText()});
    if (m_gravity->currentText() != QLatin1String("auto"))
        q.append({QStringLiteral("gravity"), m_gravity->currentText()});
    if (const QString format = m_format->currentData().toString(); !format.isEmpty())
        q.append({QStringLiteral("format"), format});
    if (m_quality->value() > 0)
        q.append({QStringLiteral("quality"), QString::number(m_quality->value())});
    return QStringLiteral("/image?") + encodeQuery(q);
}

void ImagePanel::updateCurl()
{
    const QString format = m_format->currentData().toString();
    QString extension = format.isEmpty() ? QFileInfo(m_key).suffix() : format;
    if (extension == QLatin1String("jpeg"))
        extension = QStringLiteral("jpg");
    if (extension.isEmpty() || extension == QLatin1String("auto"))
        extension = QStringLiteral("out");
    ApiHeaders headers;
    if (format == QLatin1String("auto"))
        headers.append(qMakePair(QByteArray("Accept"), kBrowserAccept));
    m_curl->setCommand(context().api->curlCommand("GET", transformPath(), headers) +
                       QStringLiteral(" -o result.%1").arg(extension));
}

void ImagePanel::scheduleTransform()
{
    updateCurl();
    if (!m_key.isEmpty())
        m_debounce.start();
}

// ---- the object list ------------------------------------------------------------------------

void ImagePanel::refreshObjects()
{
    m_listedOnce = true;
    const quint64 sequence = ++m_listSequence;
    m_imageCount = 0;
    m_otherCount = 0;
    {
        const QSignalBlocker blocker(m_objects);
        m_objects->clear();
    }
    m_listInfo->setText(tr("Bucket %1 · loading…").arg(m_bucket));
    listPage(QString(), 0, sequence);
}

void ImagePanel::listPage(const QString &cursor, int page, quint64 sequence)
{
    QString path = QStringLiteral("/__edgedesk/v1/r2/%1/objects?limit=1000").arg(m_bucket);
    if (!cursor.isEmpty())
        path += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
    context().api->get(path, this, [this, page, sequence](const ApiResponse &r) {
        if (sequence != m_listSequence)
            return;
        if (!r.ok()) {
            m_listInfo->setText(tr("Bucket %1").arg(m_bucket));
            m_error->showMessage(MessageBanner::Tone::Error,
                                 tr("Cannot list the bucket: %1").arg(r.describeError()));
            updateEmptyState();
            return;
        }
        const QJsonObject json = r.json();
        for (const QJsonValue &v : json.value(QStringLiteral("objects")).toArray())
            addObjectItem(v.toObject());
        const QString next = json.value(QStringLiteral("cursor")).toString();
        if (json.value(QStringLiteral("truncated")).toBool() && !next.isEmpty() &&
            page + 1 < kMaxListPages) {
            listPage(next, page + 1, sequence);
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
        QString wanted = m_selectAfterList.isEmpty() ? m_key : m_selectAfterList;
        m_selectAfterList.clear();
        QListWidgetItem *select = nullptr;
        for (int i = 0; i < m_objects->count(); ++i) {
            if (m_objects->item(i)->data(kRoleKey).toString() == wanted)
                select = m_objects->item(i);
        }
        if (!select && m_objects->count() > 0)
            select = m_objects->item(0);
        if (select) {
            const bool same = select->data(kRoleKey).toString() == m_key;
            m_objects->setCurrentItem(select);
            if (same && m_resultBytes.isEmpty())
                selectObject(m_key); // setCurrentItem did not change anything
        }
        Q_EMIT objectsLoaded(m_imageCount);
    });
}

void ImagePanel::addObjectItem(const QJsonObject &object)
{
    const QString key = object.value(QStringLiteral("key")).toString();
    const QString type = object.value(QStringLiteral("content_type")).toString();
    if (!isImageType(type)) {
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

void ImagePanel::loadThumbnail(QListWidgetItem *item, const QString &key)
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
    const QString path = QStringLiteral("/image?") + encodeQuery(query);
    const quint64 sequence = m_listSequence;
    context().api->get(path, this, [this, item, sequence, dpr](const ApiResponse &r) {
        if (sequence != m_listSequence)
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

void ImagePanel::updateEmptyState()
{
    const bool empty = m_objects->count() == 0;
    m_emptyHint->setText(
        tr("No images in the %1 bucket yet.\n\nDrop image files on this panel, or use "
           "Upload…, to add them. Then pick one to transform it.")
            .arg(m_bucket));
    m_listStack->setCurrentWidget(empty ? static_cast<QWidget *>(m_emptyHint) : m_objects);
    if (empty && m_key.isEmpty()) {
        m_original->clear(tr("Upload an image to start"));
        m_result->clear(QString());
    }
}

void ImagePanel::selectObject(const QString &key)
{
    if (key.isEmpty())
        return;
    m_key = key;
    for (int i = 0; i < m_objects->count(); ++i) {
        if (m_objects->item(i)->data(kRoleKey).toString() == key && m_objects->currentRow() != i) {
            const QSignalBlocker blocker(m_objects);
            m_objects->setCurrentRow(i);
        }
    }
    m_debounce.stop();
    loadOriginal();
    transform();
}

// ---- original and result --------------------------------------------------------------------

ImagePanel::Decoded ImagePanel::decode(const QByteArray &bytes, int maxSide)
{
    Decoded out;
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setAutoTransform(true);
    out.size = reader.size();
    if (!reader.canRead()) {
        out.error = reader.errorString();
        return out;
    }
    if (out.size.isValid() && (out.size.width() > maxSide || out.size.height() > maxSide)) {
        // Decoding straight to the preview size keeps a huge original cheap (JPEG decodes at
        // 1/2, 1/4 or 1/8 scale).
        reader.setScaledSize(out.size.scaled(maxSide, maxSide, Qt::KeepAspectRatio));
    }
    out.image = reader.read();
    if (out.image.isNull())
        out.error = reader.errorString();
    else if (!out.size.isValid())
        out.size = out.image.size();
    return out;
}

void ImagePanel::loadOriginal()
{
    cancel(m_originalReply, context().api);
    const quint64 sequence = ++m_originalSequence;
    m_originalSize = QSize();
    m_originalInfo->setText(tr("loading…"));
    m_originalReply =
        context().api->get(objectPath(m_key), this, [this, sequence](const ApiResponse &r) {
            if (sequence != m_originalSequence)
                return;
            if (!r.ok()) {
                m_original->clear(r.describeError());
                m_originalInfo->setText(QStringLiteral("—"));
                return;
            }
            m_originalBytes = r.body.size();
            m_originalType = QString::fromLatin1(r.header("Content-Type"));
            m_originalInfo->setText(describe(QSize(), m_originalBytes, m_originalType));
            QtConcurrent::run([bytes = r.body] {
                return decode(bytes, kPreviewMaxSide);
            }).then(this, [this, sequence](const Decoded &d) {
                if (sequence != m_originalSequence)
                    return;
                if (d.image.isNull()) {
                    m_original->clear(tr("Qt cannot preview %1 here; the transform still works.")
                                          .arg(m_originalType));
                    fetchDimensions(m_transformSequence, true);
                } else {
                    m_original->setImage(d.image);
                }
                if (d.size.isValid()) {
                    m_originalSize = d.size;
                    m_originalInfo->setText(
                        describe(m_originalSize, m_originalBytes, m_originalType));
                }
            });
        });
}

void ImagePanel::transform()
{
    m_debounce.stop();
    updateCurl();
    if (m_key.isEmpty()) {
        m_error->showMessage(MessageBanner::Tone::Info,
                             tr("Pick an image on the left first, or drop one here to upload it."));
        return;
    }
    cancel(m_transformReply, context().api);
    const quint64 sequence = ++m_transformSequence;
    m_error->clear();
    m_status->set(tr("loading"), StatusBadge::Tone::Busy);
    m_busy->start(tr("Transforming…"));
    const ApiHeaders headers{qMakePair(QByteArray("Accept"), kBrowserAccept)};
    m_transformReply =
        context().api->call("GET", transformPath(), {}, headers, this,
                            [this, sequence](const ApiResponse &r) { showTransform(r, sequence); });
}

void ImagePanel::showTransform(const ApiResponse &r, quint64 sequence)
{
    if (sequence != m_transformSequence)
        return;
    m_busy->stop();
    m_status->set(r.status ? DisplayFormat::httpStatus(r.status) : tr("no answer"),
                  StatusBadge::toneForHttpStatus(r.status));
    m_totalTime->setText(DisplayFormat::duration(double(r.elapsedMs)));
    if (!r.ok()) {
        m_error->showMessage(MessageBanner::Tone::Error, r.describeError());
        m_cache->setText(QStringLiteral("—"));
        m_transformTime->setText(QStringLiteral("—"));
        m_result->clear(tr("No result"));
        m_resultInfo->setText(QStringLiteral("—"));
        m_resultBytes.clear();
        m_resultSize = QSize();
        m_save->setEnabled(false);
        Q_EMIT resultShown();
        return;
    }
    m_resultBytes = r.body;
    m_resultType = QString::fromLatin1(r.header("Content-Type"));
    m_resultCache = QString::fromLatin1(r.header("X-EdgeDesk-Image"));
    m_resultKey = m_key;
    m_cache->setText(m_resultCache.isEmpty() ? QStringLiteral("—") : m_resultCache);
    const QByteArray ms = r.header("X-EdgeDesk-Transform-Ms");
    m_transformTime->setText(ms.isEmpty() ? QStringLiteral("—")
                                          : DisplayFormat::duration(ms.toDouble()));
    m_resultInfo->setText(describe(QSize(), m_resultBytes.size(), m_resultType));
    m_save->setEnabled(true);
    QtConcurrent::run([bytes = r.body] {
        return decode(bytes, kPreviewMaxSide);
    }).then(this, [this, sequence](const Decoded &d) { showResultDecoded(d, sequence); });
}

void ImagePanel::showResultDecoded(const Decoded &d, quint64 sequence)
{
    if (sequence != m_transformSequence)
        return;
    if (d.image.isNull()) {
        // AVIF (and anything else without a Qt plugin): the server still knows the dimensions.
        m_resultSize = QSize();
        m_result->clear(tr("Qt cannot preview %1 here. Save the result to open it in another "
                           "viewer.")
                            .arg(m_resultType));
        fetchDimensions(sequence, false);
        return;
    }
    m_resultSize = d.size;
    m_result->setImage(d.image);
    m_resultInfo->setText(describe(m_resultSize, m_resultBytes.size(), m_resultType));
    Q_EMIT resultShown();
}

void ImagePanel::fetchDimensions(quint64 sequence, bool forOriginal)
{
    QString path = transformPath();
    path.replace(QRegularExpression(QStringLiteral("&format=[^&]*")), QString());
    path += QStringLiteral("&format=json");
    context().api->get(path, this, [this, sequence, forOriginal](const ApiResponse &r) {
        if (!r.ok())
            return;
        const QJsonObject json = r.json();
        if (forOriginal) {
            const QJsonObject original = json.value(QStringLiteral("original")).toObject();
            m_originalSize = QSize(original.value(QStringLiteral("width")).toInt(),
                                   original.value(QStringLiteral("height")).toInt());
            m_originalInfo->setText(describe(m_originalSize, m_originalBytes, m_originalType));
            return;
        }
        if (sequence != m_transformSequence)
            return;
        m_resultSize = QSize(json.value(QStringLiteral("width")).toInt(),
                             json.value(QStringLiteral("height")).toInt());
        m_resultInfo->setText(describe(m_resultSize, m_resultBytes.size(), m_resultType));
        Q_EMIT resultShown();
    });
}

// ---- saving ---------------------------------------------------------------------------------

Status ImagePanel::saveResultTo(const QString &path) const
{
    if (m_resultBytes.isEmpty())
        return makeError(QStringLiteral("bad_request"), tr("There is no result to save yet"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_resultBytes) != m_resultBytes.size() ||
        !file.commit())
        return makeError(QStringLiteral("storage_error"),
                         tr("Cannot write %1: %2").arg(path, file.errorString()));
    return Ok{};
}

void ImagePanel::saveResult()
{
    if (m_resultBytes.isEmpty())
        return;
    QString extension = QMimeDatabase().mimeTypeForName(m_resultType).preferredSuffix();
    if (extension.isEmpty())
        extension = QStringLiteral("img");
    const QString dir =
        context()
            .settings
            ->panelValue(kPanel, QStringLiteral("saveDir"),
                         QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
            .toString();
    const QString suggested = QDir(dir).filePath(QStringLiteral("%1-%2x%3.%4")
                                                     .arg(QFileInfo(m_resultKey).completeBaseName())
                                                     .arg(m_resultSize.width())
                                                     .arg(m_resultSize.height())
                                                     .arg(extension));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the result"), suggested);
    if (path.isEmpty())
        return;
    context().settings->setPanelValue(kPanel, QStringLiteral("saveDir"),
                                      QFileInfo(path).absolutePath());
    if (const Status s = saveResultTo(path); !s)
        m_error->showMessage(MessageBanner::Tone::Error, s.error().message);
    else
        m_error->showMessage(
            MessageBanner::Tone::Info,
            tr("Saved %1 (%2)")
                .arg(QDir::toNativeSeparators(path), DisplayFormat::bytes(m_resultBytes.size())));
}

// ---- uploads --------------------------------------------------------------------------------

QStringList ImagePanel::imagePathsFrom(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile())
            paths.append(url.toLocalFile());
    }
    return paths;
}

void ImagePanel::dragEnterEvent(QDragEnterEvent *event)
{
    const QStringList paths = imagePathsFrom(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    m_dropHint->setText(
        paths.size() == 1
            ? tr("Drop to upload %1 to %2").arg(QFileInfo(paths.first()).fileName(), m_bucket)
            : tr("Drop to upload %1 files to %2").arg(paths.size()).arg(m_bucket));
    m_dropHint->show();
}

void ImagePanel::dragLeaveEvent(QDragLeaveEvent *)
{
    m_dropHint->hide();
}

void ImagePanel::dropEvent(QDropEvent *event)
{
    m_dropHint->hide();
    const QStringList paths = imagePathsFrom(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    uploadFiles(paths);
}

void ImagePanel::uploadFiles(const QStringList &paths)
{
    if (!m_upload && m_uploadQueue.isEmpty()) {
        m_uploadTotal = 0;
        m_uploaded = 0;
        m_uploadFailed = 0;
        m_uploadErrors.clear();
        m_uploadSkipped.clear();
        m_uploadNotice->clear();
    }
    const QMimeDatabase mimes;
    for (const QString &path : paths) {
        if (!mimes.mimeTypeForFile(path).name().startsWith(QLatin1String("image/"))) {
            m_uploadSkipped.append(QFileInfo(path).fileName());
            continue;
        }
        m_uploadQueue.append(path);
        ++m_uploadTotal;
    }
    if (m_upload)
        return; // the running queue takes the new files too
    if (m_uploadQueue.isEmpty()) {
        finishUploads();
        return;
    }
    m_uploadRow->show();
    startNextUpload();
}

void ImagePanel::startNextUpload()
{
    if (m_uploadQueue.isEmpty()) {
        finishUploads();
        return;
    }
    const QString path = m_uploadQueue.takeFirst();
    m_uploadName = QFileInfo(path).fileName();
    auto *file = new QFile(path);
    if (!file->open(QIODevice::ReadOnly)) {
        m_uploadErrors.append(tr("%1: %2").arg(m_uploadName, file->errorString()));
        ++m_uploadFailed;
        delete file;
        startNextUpload();
        return;
    }
    const int index = m_uploaded + m_uploadFailed + 1;
    const int total = m_uploadTotal;
    m_uploadLabel->setText(tr("Uploading %1 of %2: %3 (%4)")
                               .arg(index)
                               .arg(total)
                               .arg(m_uploadName, DisplayFormat::bytes(file->size())));
    m_uploadBar->setValue(0);
    const QByteArray type = QMimeDatabase().mimeTypeForFile(path).name().toLatin1();
    // The file streams from disk: a large image is never read whole in the GUI thread.
    QNetworkRequest request =
        context().api->makeRequest(objectPath(m_uploadName), {{"Content-Type", type}});
    request.setHeader(QNetworkRequest::ContentLengthHeader, file->size());
    QNetworkReply *reply = context().api->network()->put(request, file);
    file->setParent(reply);
    m_upload = reply;
    m_uploadClock.start();
    connect(reply, &QNetworkReply::uploadProgress, this,
            [this, index, total](qint64 sent, qint64 bytes) {
                if (bytes <= 0)
                    return;
                const double part = double(sent) / double(bytes);
                m_uploadBar->setValue(int(1000.0 * ((index - 1) + part) / total));
            });
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const ApiResponse r = ApiClient::responseFrom(reply, m_uploadClock.elapsed());
        if (reply->error() == QNetworkReply::OperationCanceledError && m_uploadQueue.isEmpty() &&
            m_upload.isNull()) {
            return; // cancelled: finishUploads() already ran
        }
        if (r.ok()) {
            ++m_uploaded;
            m_selectAfterList = m_uploadName;
        } else {
            ++m_uploadFailed;
            m_uploadErrors.append(tr("%1: %2").arg(m_uploadName, r.describeError()));
        }
        m_upload.clear();
        startNextUpload();
    });
}

void ImagePanel::cancelUploads()
{
    m_uploadQueue.clear();
    if (QNetworkReply *reply = m_upload.data()) {
        m_upload.clear();
        reply->abort();
    }
    m_uploadErrors.append(tr("Uploads cancelled."));
    finishUploads();
}

void ImagePanel::finishUploads()
{
    m_uploadRow->hide();
    m_upload.clear();
    QStringList parts;
    if (m_uploaded == 1 && m_uploadTotal == 1)
        parts.append(tr("Uploaded %1 to %2.").arg(m_uploadName, m_bucket));
    else if (m_uploadTotal > 0)
        parts.append(
            tr("Uploaded %1 of %2 images to %3.").arg(m_uploaded).arg(m_uploadTotal).arg(m_bucket));
    if (!m_uploadSkipped.isEmpty())
        parts.append(
            tr("Not images, so not uploaded: %1.").arg(m_uploadSkipped.join(QStringLiteral(", "))));
    if (!m_uploadErrors.isEmpty())
        parts.append(m_uploadErrors.join(QStringLiteral("; ")));
    const MessageBanner::Tone tone = !m_uploadErrors.isEmpty()    ? MessageBanner::Tone::Error
                                     : !m_uploadSkipped.isEmpty() ? MessageBanner::Tone::Warning
                                                                  : MessageBanner::Tone::Info;
    if (!parts.isEmpty())
        m_uploadNotice->showMessage(tone, parts.join(QLatin1Char(' ')));
    const int uploaded = m_uploaded;
    const int failed = m_uploadFailed;
    if (uploaded > 0)
        refreshObjects();
    Q_EMIT uploadsFinished(uploaded, failed);
}

} // namespace edgedesk
