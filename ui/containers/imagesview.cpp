#include "containers/imagesview.h"

#include "apiclient.h"
#include "containers/imageinfo.h"
#include "panel.h"
#include "widgets/displayformat.h"
#include "widgets/messagebanner.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QNetworkReply>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kImages = QStringLiteral("/__edgedesk/v1/images");

enum Column
{
    ColName,
    ColDigest,
    ColSize,
    ColCreated,
    ColPort,
    ColUse,
    ColumnCount
};

constexpr int DigestRole = Qt::UserRole;
constexpr int InUseRole = Qt::UserRole + 1;

// The type the server expects for what the file holds; it also reads the bytes themselves.
QByteArray contentTypeOf(const QString &path)
{
    const QString name = QFileInfo(path).fileName().toLower();
    if (name.endsWith(QLatin1String(".gz")) || name.endsWith(QLatin1String(".tgz")))
        return "application/gzip";
    if (name.endsWith(QLatin1String(".zst")))
        return "application/zstd";
    return "application/x-tar";
}

} // namespace

ImagesView::ImagesView(ApiClient *api, QWidget *parent) : QWidget(parent), m_api(api)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);

    auto *bar = new QHBoxLayout;
    m_load = new QPushButton(Panel::themedIcon(QStringLiteral("upload")), tr("&Load image…"), this);
    m_load->setObjectName(QStringLiteral("imagesLoad"));
    m_load->setToolTip(tr("Load an image archive (docker save, podman save or an OCI archive) "
                          "into the image cache"));
    m_remove = new QPushButton(Panel::themedIcon(QStringLiteral("trash")), tr("Re&move"), this);
    m_remove->setObjectName(QStringLiteral("imagesRemove"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("imagesProgress"));
    m_progress->setMaximumWidth(220);
    m_progress->setVisible(false);
    m_phase = new QLabel(this);
    m_phase->setObjectName(QStringLiteral("imagesPhase"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("imagesCancel"));
    m_cancel->setVisible(false);
    m_totals = new QLabel(this);
    m_totals->setObjectName(QStringLiteral("imagesTotals"));
    m_totals->setForegroundRole(QPalette::PlaceholderText);
    bar->addWidget(m_load);
    bar->addWidget(m_remove);
    bar->addSpacing(8);
    bar->addWidget(m_progress);
    bar->addWidget(m_phase);
    bar->addWidget(m_cancel);
    bar->addStretch(1);
    bar->addWidget(m_totals);
    layout->addLayout(bar);

    m_message = new MessageBanner(this);
    m_message->setObjectName(QStringLiteral("imagesMessage"));
    layout->addWidget(m_message);

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("imagesTree"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels(
        {tr("Image / layer"), tr("Digest"), tr("Size"), tr("Created"), tr("Port"), tr("Use")});
    m_tree->setRootIsDecorated(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(ColName, QHeaderView::Stretch);
    for (int c = ColDigest; c < ColumnCount; ++c)
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    layout->addWidget(m_tree, 1);

    connect(m_load, &QPushButton::clicked, this, &ImagesView::chooseArchive);
    connect(m_cancel, &QPushButton::clicked, this, &ImagesView::cancelLoad);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (const QString digest = selectedDigest(); !digest.isEmpty())
            removeImage(digest);
    });
    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &ImagesView::updateButtons);
    updateButtons();
}

ImagesView::~ImagesView()
{
    ApiClient::abandon(m_upload, this);
}

void ImagesView::refresh()
{
    if (m_list)
        return;
    m_list = m_api->get(kImages, this, [this](const ApiResponse &r) {
        if (!r.ok()) {
            m_message->showMessage(MessageBanner::Tone::Error,
                                   tr("Could not list the images: %1").arg(r.describeError()));
            return;
        }
        apply(r.json());
        Q_EMIT listed();
    });
}

void ImagesView::apply(const QJsonObject &listing)
{
    const QString selected = selectedDigest();
    m_tree->clear();
    const QJsonArray images = listing.value(QStringLiteral("images")).toArray();
    qint64 imageBytes = 0;
    for (const QJsonValue &v : images) {
        const QJsonObject image = v.toObject();
        const QString digest = image.value(QStringLiteral("digest")).toString();
        const bool inUse = image.value(QStringLiteral("in_use")).toBool();
        const QStringList tags = image.value(QStringLiteral("tags")).toVariant().toStringList();
        const qint64 size = qint64(image.value(QStringLiteral("size")).toDouble());
        imageBytes += size;
        QStringList ports;
        for (const QJsonValue &port : image.value(QStringLiteral("exposed_ports")).toArray())
            ports.append(QString::number(port.toInt()));
        auto *item = new QTreeWidgetItem(m_tree);
        item->setText(ColName, tags.isEmpty() ? tr("(untagged)") : tags.join(QStringLiteral(", ")));
        item->setText(ColDigest, ImageInfo::shortDigest(digest));
        item->setText(ColSize, DisplayFormat::bytes(size));
        const QString created = image.value(QStringLiteral("created")).toString();
        item->setText(ColCreated,
                      created.isEmpty() ? QString() : DisplayFormat::timestamp(created));
        item->setText(ColPort, ports.join(QStringLiteral(", ")));
        item->setText(ColUse, inUse ? tr("in use") : tr("unused"));
        item->setData(ColName, DigestRole, digest);
        item->setData(ColName, InUseRole, inUse);
        item->setToolTip(ColName,
                         tr("%1\nFormat: %2\nFrom: %3\nLoaded: %4")
                             .arg(digest, image.value(QStringLiteral("format")).toString(),
                                  image.value(QStringLiteral("source")).toString(),
                                  DisplayFormat::timestamp(
                                      image.value(QStringLiteral("loaded_at")).toString())));
        item->setToolTip(ColDigest, digest);
        const QJsonArray layers = image.value(QStringLiteral("layers")).toArray();
        for (int i = 0; i < layers.size(); ++i) {
            const QJsonObject layer = layers[i].toObject();
            auto *child = new QTreeWidgetItem(item);
            child->setText(ColName,
                           tr("layer %1  ·  %2 entries  ·  %3")
                               .arg(i + 1)
                               .arg(qint64(layer.value(QStringLiteral("entries")).toDouble()))
                               .arg(layer.value(QStringLiteral("compression")).toString()));
            child->setText(ColDigest, ImageInfo::shortDigest(
                                          layer.value(QStringLiteral("diff_id")).toString()));
            child->setToolTip(ColDigest, layer.value(QStringLiteral("diff_id")).toString());
            child->setText(ColSize, DisplayFormat::bytes(
                                        qint64(layer.value(QStringLiteral("size")).toDouble())));
        }
        if (digest == selected)
            item->setSelected(true);
    }
    // Layers shared by images are stored once: the cache's size is the layers' sum.
    qint64 cacheBytes = 0;
    const QJsonArray layers = listing.value(QStringLiteral("layers")).toArray();
    for (const QJsonValue &layer : layers)
        cacheBytes += qint64(layer.toObject().value(QStringLiteral("size")).toDouble());
    m_totals->setText(
        images.isEmpty()
            ? tr("No images in the cache")
            : tr("%1, %2 in %3")
                  .arg(DisplayFormat::count(images.size(), tr("1 image"), tr("%1 images")),
                       DisplayFormat::bytes(cacheBytes),
                       DisplayFormat::count(layers.size(), tr("1 layer"), tr("%1 layers"))));
    updateButtons();
}

QString ImagesView::selectedDigest() const
{
    for (QTreeWidgetItem *item : m_tree->selectedItems()) {
        QTreeWidgetItem *top = item->parent() ? item->parent() : item;
        return top->data(ColName, DigestRole).toString();
    }
    return QString();
}

bool ImagesView::selectImage(const QString &digest)
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_tree->topLevelItem(i);
        if (item->data(ColName, DigestRole).toString() == digest) {
            m_tree->setCurrentItem(item);
            item->setSelected(true);
            return true;
        }
    }
    return false;
}

int ImagesView::imageCount() const
{
    return m_tree->topLevelItemCount();
}

void ImagesView::updateButtons()
{
    const QList<QTreeWidgetItem *> selected = m_tree->selectedItems();
    QTreeWidgetItem *top =
        selected.isEmpty()
            ? nullptr
            : (selected.first()->parent() ? selected.first()->parent() : selected.first());
    const bool inUse = top && top->data(ColName, InUseRole).toBool();
    m_remove->setEnabled(top && !m_upload);
    m_remove->setToolTip(!top    ? tr("Select an image first")
                         : inUse ? tr("An instance runs this image: stop it first")
                                 : tr("Remove this image and the layers no other image uses"));
    m_load->setEnabled(!m_upload);
}

void ImagesView::chooseArchive()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Load Image"), QString(),
        tr("Image archives (*.tar *.tar.gz *.tgz *.tar.zst *.oci);;All files (*)"));
    if (!path.isEmpty())
        loadArchive(path);
}

bool ImagesView::loadArchive(const QString &path)
{
    if (m_upload)
        return false;
    auto *file = new QFile(path);
    if (!file->open(QIODevice::ReadOnly)) {
        m_message->showMessage(MessageBanner::Tone::Error,
                               tr("Cannot read %1: %2").arg(path, file->errorString()));
        delete file;
        return false;
    }
    m_uploadName = QFileInfo(path).fileName();
    QNetworkRequest request = m_api->makeRequest(kImages, {{"Content-Type", contentTypeOf(path)}});
    request.setHeader(QNetworkRequest::ContentLengthHeader, file->size());
    m_upload = m_api->network()->post(request, file);
    file->setParent(m_upload);
    m_uploadTime.start();
    connect(m_upload, &QNetworkReply::uploadProgress, this, &ImagesView::onUploadProgress);
    connect(m_upload, &QNetworkReply::finished, this, &ImagesView::onUploadFinished);
    m_message->clear();
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_cancel->setVisible(true);
    m_phase->setText(tr("Uploading %1…").arg(m_uploadName));
    updateButtons();
    return true;
}

void ImagesView::onUploadProgress(qint64 sent, qint64 total)
{
    if (total <= 0)
        return;
    if (sent < total) {
        m_progress->setValue(int(sent * 100 / total));
        m_phase->setText(
            tr("Uploading %1: %2 of %3")
                .arg(m_uploadName, DisplayFormat::bytes(sent), DisplayFormat::bytes(total)));
        return;
    }
    // The server has it all; what follows is its work, whose length nobody knows beforehand.
    m_progress->setRange(0, 0);
    m_phase->setText(tr("Verifying and unpacking %1…").arg(m_uploadName));
}

void ImagesView::onUploadFinished()
{
    QNetworkReply *reply = m_upload;
    if (!reply)
        return;
    const ApiResponse r = ApiClient::responseFrom(reply, m_uploadTime.elapsed());
    reply->deleteLater();
    endLoad();
    if (!r.ok()) {
        m_message->showMessage(MessageBanner::Tone::Error,
                               tr("%1 was not loaded: %2").arg(m_uploadName, r.describeError()));
        return;
    }
    const QJsonObject image = r.json().value(QStringLiteral("image")).toObject();
    const QString digest = image.value(QStringLiteral("digest")).toString();
    const QStringList tags = image.value(QStringLiteral("tags")).toVariant().toStringList();
    m_message->showMessage(
        MessageBanner::Tone::Info,
        tr("Loaded %1: %2, %3 (%4).")
            .arg(m_uploadName, tags.isEmpty() ? tr("untagged") : tags.join(QStringLiteral(", ")),
                 ImageInfo::shortDigest(digest),
                 DisplayFormat::bytes(qint64(image.value(QStringLiteral("size")).toDouble()))));
    Q_EMIT loaded(image);
    connect(
        this, &ImagesView::listed, this, [this, digest] { selectImage(digest); },
        Qt::SingleShotConnection);
    refresh();
}

void ImagesView::cancelLoad()
{
    if (!m_upload)
        return;
    const bool sentAll = m_progress->maximum() == 0;
    ApiClient::abandon(m_upload, this);
    m_upload = nullptr;
    endLoad();
    m_message->showMessage(
        MessageBanner::Tone::Warning,
        sentAll ? tr("Stopped waiting for %1. The server may still finish unpacking it: it then "
                     "appears in this list.")
                      .arg(m_uploadName)
                : tr("Cancelled loading %1: the upload stopped and nothing was kept.")
                      .arg(m_uploadName));
    refresh();
}

void ImagesView::endLoad()
{
    m_upload = nullptr;
    m_progress->setVisible(false);
    m_progress->setRange(0, 100);
    m_cancel->setVisible(false);
    m_phase->clear();
    updateButtons();
}

void ImagesView::removeImage(const QString &digest)
{
    m_remove->setEnabled(false);
    m_api->call(
        "DELETE", kImages + QLatin1Char('/') + QString::fromUtf8(QUrl::toPercentEncoding(digest)),
        {}, {}, this, [this, digest](const ApiResponse &r) {
            if (r.ok()) {
                m_message->showMessage(MessageBanner::Tone::Info,
                                       tr("Removed %1.").arg(ImageInfo::shortDigest(digest)));
            } else if (r.status == 409) {
                m_message->showMessage(
                    MessageBanner::Tone::Warning,
                    tr("%1 is in use and was not removed: %2 Stop the instances that run "
                       "it, then remove it.")
                        .arg(ImageInfo::shortDigest(digest), r.describeError()));
            } else {
                m_message->showMessage(MessageBanner::Tone::Error,
                                       tr("Could not remove %1: %2")
                                           .arg(ImageInfo::shortDigest(digest), r.describeError()));
            }
            refresh();
        });
}

} // namespace edgedesk
