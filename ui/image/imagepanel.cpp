#include "image/imagepanel.h"

#include "appsettings.h"
#include "bucket/bucketpaths.h"
#include "image/decodedimage.h"
#include "image/imagegallery.h"
#include "image/imageuploads.h"
#include "image/transformform.h"
#include "image/transformview.h"
#include "runinbackground.h"
#include "widgets/curlbar.h"
#include "widgets/displayformat.h"
#include "widgets/imagepreview.h"
#include "widgets/sectionheading.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QMimeData>
#include <QMimeDatabase>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSplitter>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("image");
constexpr int kPreviewMaxSide = 2048;
// What a browser's <img> sends, so that format=auto negotiates as it would for a page.
const QByteArray kBrowserAccept =
    QByteArrayLiteral("image/avif,image/webp,image/apng,image/*,*/*;q=0.8");

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

} // namespace

ImagePanel::ImagePanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("image"), tr("Image"), QStringLiteral("image"), context, parent)
{
    setAcceptDrops(true);
    buildUi();
    m_form->restore(context.settings, kPanel);
    m_key = context.settings->panelValue(kPanel, QStringLiteral("key")).toString();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(350);
    connect(&m_debounce, &QTimer::timeout, this, &ImagePanel::transform);
    updateCurl();
}

ImagePanel::~ImagePanel()
{
    // Replies belong to the client's network manager, which outlives this panel.
    for (QNetworkReply *reply : {m_transformReply.data(), m_originalReply.data()}) {
        if (reply)
            reply->abort();
    }
}

void ImagePanel::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new SectionHeading(
        tr("Image"),
        tr("Resizes and re-encodes objects of the <b>PUBLIC</b> bucket on the fly through "
           "<code>/image</code>. Drop image files here to upload them."),
        this));

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    auto *left = new QWidget(splitter);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 6, 0);
    m_gallery = new ImageGallery(context().api, left);
    m_uploads = new ImageUploads(context().api, left);
    m_uploads->setBucket(m_gallery->bucket());
    leftLayout->addWidget(m_gallery, 1);
    leftLayout->addWidget(m_uploads);
    splitter->addWidget(left);

    auto *right = new QWidget(splitter);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 0, 0, 0);
    m_form = new TransformForm(right);
    rightLayout->addWidget(m_form);
    m_curl = new CurlBar(right);
    m_curl->setObjectName(QStringLiteral("imageCurl"));
    rightLayout->addWidget(m_curl);
    m_view = new TransformView(right);
    rightLayout->addWidget(m_view, 1);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({2 * (ImageGallery::kThumbSide + 24) + 40, 900});
    layout->addWidget(splitter, 1);

    connect(m_gallery, &ImageGallery::objectChosen, this, &ImagePanel::selectObject);
    connect(m_gallery, &ImageGallery::reselected, this, [this](const QString &key) {
        if (m_resultBytes.isEmpty())
            selectObject(key);
    });
    connect(m_gallery, &ImageGallery::loaded, this, [this](int count) {
        if (count == 0 && m_key.isEmpty()) {
            m_view->original()->clear(tr("Upload an image to start"));
            m_view->result()->clear(QString());
        }
        Q_EMIT objectsLoaded(count);
    });
    connect(m_gallery, &ImageGallery::listFailed, this, [this](const QString &message) {
        m_view->showMessage(MessageBanner::Tone::Error, message);
    });
    connect(m_gallery, &ImageGallery::refreshRequested, this, &ImagePanel::refreshObjects);
    connect(m_gallery, &ImageGallery::uploadRequested, this, [this] {
        const QString dir =
            context()
                .settings
                ->panelValue(kPanel, QStringLiteral("uploadDir"),
                             QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
                .toString();
        const QStringList files = QFileDialog::getOpenFileNames(
            this, tr("Upload images to %1").arg(bucket()), dir,
            tr("Images (*.jpg *.jpeg *.png *.webp *.avif *.gif *.heic);;All files (*)"));
        if (files.isEmpty())
            return;
        context().settings->setPanelValue(kPanel, QStringLiteral("uploadDir"),
                                          QFileInfo(files.first()).absolutePath());
        uploadFiles(files);
    });
    connect(m_uploads, &ImageUploads::finished, this,
            [this](int uploaded, int failed, const QString &lastKey) {
                if (uploaded > 0) {
                    m_selectAfterList = lastKey;
                    refreshObjects();
                }
                Q_EMIT uploadsFinished(uploaded, failed);
            });
    connect(m_form, &TransformForm::changed, this, &ImagePanel::scheduleTransform);
    connect(m_form, &TransformForm::transformRequested, this, &ImagePanel::transform);
    connect(m_form, &TransformForm::saveRequested, this, &ImagePanel::saveResult);
    addRunShortcuts([this] { transform(); }, [this] { cancelTransform(); });
    addShortcut(QKeySequence::Save, [this] { saveResult(); });
    addShortcut(QKeySequence::Refresh, [this] { refreshObjects(); });
}

void ImagePanel::saveState()
{
    m_form->save(context().settings, kPanel);
    context().settings->setPanelValue(kPanel, QStringLiteral("key"), m_key);
}

void ImagePanel::activated()
{
    if (!m_gallery->hasListed() && context().host && context().api->baseUrl().isValid())
        refreshObjects();
}

void ImagePanel::serverReady()
{
    m_gallery->setStale();
    context().api->get(QStringLiteral("/__edgedesk/v1/config"), this, [this](const ApiResponse &r) {
        const QJsonArray buckets = r.json().value(QStringLiteral("r2_buckets")).toArray();
        // /image serves the first bucket of the configuration.
        const QString binding =
            buckets.isEmpty()
                ? QString()
                : buckets.at(0).toObject().value(QStringLiteral("binding")).toString();
        if (!binding.isEmpty()) {
            m_gallery->setBucket(binding);
            m_uploads->setBucket(binding);
        }
        if (isVisible())
            refreshObjects();
    });
    updateCurl();
}

QString ImagePanel::bucket() const
{
    return m_gallery->bucket();
}

bool ImagePanel::isUploading() const
{
    return m_uploads->isUploading();
}

QString ImagePanel::transformPath() const
{
    return m_form->transformPath(m_key);
}

void ImagePanel::updateCurl()
{
    const QString format = m_form->format();
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

void ImagePanel::refreshObjects()
{
    const QString wanted = m_selectAfterList.isEmpty() ? m_key : m_selectAfterList;
    m_selectAfterList.clear();
    m_gallery->refresh(wanted);
}

void ImagePanel::selectObject(const QString &key)
{
    if (key.isEmpty())
        return;
    m_key = key;
    m_gallery->showCurrent(key);
    m_debounce.stop();
    loadOriginal();
    transform();
}

void ImagePanel::loadOriginal()
{
    ApiClient::abandon(m_originalReply, context().api);
    const quint64 sequence = ++m_originalSequence;
    m_originalSize = QSize();
    m_view->setOriginalInfo(tr("loading…"));
    m_originalReply = context().api->get(
        bucketObjectPath(bucket(), m_key), this, [this, sequence](const ApiResponse &r) {
            if (sequence != m_originalSequence)
                return;
            if (!r.ok()) {
                m_view->original()->clear(r.describeError());
                m_view->setOriginalInfo(QStringLiteral("—"));
                return;
            }
            m_originalBytes = r.body.size();
            m_originalType = QString::fromLatin1(r.header("Content-Type"));
            m_view->setOriginalInfo(describeOriginal());
            runInBackground(
                this, [bytes = r.body] { return DecodedImage::decode(bytes, kPreviewMaxSide); },
                [this, sequence](const DecodedImage &d) {
                    if (sequence != m_originalSequence)
                        return;
                    if (d.image.isNull()) {
                        m_view->original()->clear(
                            tr("Qt cannot preview %1 here; the transform still works.")
                                .arg(m_originalType));
                        fetchDimensions(m_transformSequence, true);
                    } else {
                        m_view->original()->setImage(d.image);
                    }
                    if (d.size.isValid()) {
                        m_originalSize = d.size;
                        m_view->setOriginalInfo(describeOriginal());
                    }
                });
        });
}

void ImagePanel::transform()
{
    m_debounce.stop();
    updateCurl();
    if (m_key.isEmpty()) {
        m_view->showMessage(MessageBanner::Tone::Info,
                            tr("Pick an image on the left first, or drop one here to upload it."));
        return;
    }
    ApiClient::abandon(m_transformReply, context().api);
    const quint64 sequence = ++m_transformSequence;
    m_view->showRunning();
    const ApiHeaders headers{qMakePair(QByteArray("Accept"), kBrowserAccept)};
    m_transformReply =
        context().api->call("GET", transformPath(), {}, headers, this,
                            [this, sequence](const ApiResponse &r) { showTransform(r, sequence); });
}

void ImagePanel::cancelTransform()
{
    m_debounce.stop();
    if (!m_transformReply)
        return;
    ApiClient::abandon(m_transformReply, context().api);
    m_transformReply.clear();
    ++m_transformSequence;
    m_view->showCancelled();
}

void ImagePanel::showTransform(const ApiResponse &r, quint64 sequence)
{
    if (sequence != m_transformSequence)
        return;
    m_view->showAnswer(r.status, r.elapsedMs);
    if (!r.ok()) {
        m_view->showFailure(r.describeError());
        m_resultBytes.clear();
        m_resultSize = QSize();
        m_form->setSaveEnabled(false);
        Q_EMIT resultShown();
        return;
    }
    m_resultBytes = r.body;
    m_resultType = QString::fromLatin1(r.header("Content-Type"));
    m_resultCache = QString::fromLatin1(r.header("X-EdgeDesk-Image"));
    m_resultKey = m_key;
    m_view->showTimes(m_resultCache, QString::fromLatin1(r.header("X-EdgeDesk-Transform-Ms")));
    m_resultSize = QSize();
    m_view->setResultInfo(describeResult());
    m_form->setSaveEnabled(true);
    runInBackground(
        this, [bytes = r.body] { return DecodedImage::decode(bytes, kPreviewMaxSide); },
        [this, sequence](const DecodedImage &d) { showResultDecoded(d, sequence); });
}

void ImagePanel::showResultDecoded(const DecodedImage &d, quint64 sequence)
{
    if (sequence != m_transformSequence)
        return;
    if (d.image.isNull()) {
        // AVIF (and anything else without a Qt plugin): the server still knows the dimensions.
        m_view->result()->clear(tr("Qt cannot preview %1 here. Save the result to open it in "
                                   "another viewer.")
                                    .arg(m_resultType));
        fetchDimensions(sequence, false);
        return;
    }
    m_resultSize = d.size;
    m_view->result()->setImage(d.image);
    m_view->setResultInfo(describeResult());
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
            m_view->setOriginalInfo(describeOriginal());
            return;
        }
        if (sequence != m_transformSequence)
            return;
        m_resultSize = QSize(json.value(QStringLiteral("width")).toInt(),
                             json.value(QStringLiteral("height")).toInt());
        m_view->setResultInfo(describeResult());
        Q_EMIT resultShown();
    });
}

QString ImagePanel::describeOriginal() const
{
    return describe(m_originalSize, m_originalBytes, m_originalType);
}

QString ImagePanel::describeResult() const
{
    return describe(m_resultSize, m_resultBytes.size(), m_resultType);
}

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
        m_view->showMessage(MessageBanner::Tone::Error, s.error().message);
    else
        m_view->showMessage(
            MessageBanner::Tone::Info,
            tr("Saved %1 (%2)")
                .arg(QDir::toNativeSeparators(path), DisplayFormat::bytes(m_resultBytes.size())));
}

QStringList ImagePanel::filesIn(const QMimeData *mime)
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
    const QStringList paths = filesIn(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    m_gallery->showDropHint(
        paths.size() == 1
            ? tr("Drop to upload %1 to %2").arg(QFileInfo(paths.first()).fileName(), bucket())
            : tr("Drop to upload %1 files to %2").arg(paths.size()).arg(bucket()));
}

void ImagePanel::dragLeaveEvent(QDragLeaveEvent *)
{
    m_gallery->hideDropHint();
}

void ImagePanel::dropEvent(QDropEvent *event)
{
    m_gallery->hideDropHint();
    const QStringList paths = filesIn(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    uploadFiles(paths);
}

void ImagePanel::uploadFiles(const QStringList &paths)
{
    m_uploads->upload(paths);
}

void ImagePanel::cancelUploads()
{
    m_uploads->cancel();
}

} // namespace edgedesk
