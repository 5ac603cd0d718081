#include "bucket/bucketpanel.h"

#include "appsettings.h"
#include "bucket/buckettransfers.h"
#include "bucket/objectbrowser.h"
#include "bucket/objectpreview.h"
#include "widgets/bindingpages.h"
#include "widgets/breadcrumbbar.h"
#include "widgets/sectionheading.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("bucket");

QStringList localFiles(const QMimeData *data)
{
    QStringList out;
    if (!data || !data->hasUrls())
        return out;
    for (const QUrl &url : data->urls()) {
        if (url.isLocalFile())
            out.append(url.toLocalFile());
    }
    return out;
}

} // namespace

BucketPanel::BucketPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("bucket"), tr("Bucket"), QStringLiteral("bucket"), context, parent)
{
    buildUi();
    m_browser->setPrefix(context.settings->panelValue(kPanel, QStringLiteral("prefix")).toString());
    connectParts();
    buildShortcuts();
    setAcceptDrops(true);
    updateActions();
}

void BucketPanel::buildUi()
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(new SectionHeading(
        tr("Bucket"),
        tr("The objects of the bucket, stored as files: browse folders, preview, upload, "
           "download and delete."),
        this));
    m_pages =
        new BindingPages(QStringLiteral("bucket"),
                         tr("The objects appear as soon as the local server is serving."), this);
    m_pages->intro()->setObjectName(QStringLiteral("bucketIntro"));
    outer->addWidget(m_pages);
    QWidget *browser = m_pages->browser();
    QVBoxLayout *layout = m_pages->browserLayout();

    auto *toolbar = new QHBoxLayout;
    m_up =
        new QPushButton(style()->standardIcon(QStyle::SP_FileDialogToParent), QString(), browser);
    m_up->setObjectName(QStringLiteral("bucketUp"));
    m_up->setToolTip(tr("Up one folder (Backspace)"));
    m_up->setAccessibleName(tr("Up one folder"));
    m_crumbs = new BreadcrumbBar(browser);
    m_crumbs->setObjectName(QStringLiteral("bucketCrumbs"));
    m_refresh = new QPushButton(themedIcon(QStringLiteral("refresh")), QString(), browser);
    m_refresh->setObjectName(QStringLiteral("bucketRefresh"));
    m_refresh->setToolTip(tr("Reload the folder (F5)"));
    m_refresh->setAccessibleName(tr("Reload the folder"));
    m_upload = new QPushButton(themedIcon(QStringLiteral("upload")), tr("Upload…"), browser);
    m_upload->setObjectName(QStringLiteral("bucketUpload"));
    m_upload->setToolTip(tr("Upload files into this folder (Ctrl+U) — or drop them here"));
    m_download = new QPushButton(themedIcon(QStringLiteral("download")), tr("Download…"), browser);
    m_download->setObjectName(QStringLiteral("bucketDownload"));
    m_download->setToolTip(tr("Save the selected object to a file (Ctrl+S)"));
    m_delete = new QPushButton(themedIcon(QStringLiteral("trash")), tr("Delete"), browser);
    m_delete->setObjectName(QStringLiteral("bucketDelete"));
    m_delete->setToolTip(tr("Delete the selected objects (Del)"));
    toolbar->addWidget(m_up);
    toolbar->addWidget(m_crumbs, 1);
    toolbar->addWidget(m_refresh);
    toolbar->addSpacing(8);
    toolbar->addWidget(m_upload);
    toolbar->addWidget(m_download);
    toolbar->addWidget(m_delete);
    layout->addLayout(toolbar);

    m_splitter = new QSplitter(Qt::Horizontal, browser);
    m_splitter->setChildrenCollapsible(false);
    m_browser = new ObjectBrowser(context().api, m_splitter);
    m_preview = new ObjectPreview(context().api, m_splitter);
    m_splitter->addWidget(m_browser);
    m_splitter->addWidget(m_preview);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    if (!m_splitter->restoreState(
            context().settings->panelValue(kPanel, QStringLiteral("splitter")).toByteArray()))
        m_splitter->setSizes({640, 460});
    layout->addWidget(m_splitter, 1);

    m_transfers = new BucketTransfers(context().api, m_confirm, browser);
    layout->addWidget(m_transfers);
}

void BucketPanel::connectParts()
{
    connect(m_crumbs, &BreadcrumbBar::prefixChosen, this, &BucketPanel::openPrefix);
    connect(m_up, &QPushButton::clicked, this, [this] {
        QString p = currentPrefix();
        p.chop(1);
        const qsizetype slash = p.lastIndexOf(QLatin1Char('/'));
        openPrefix(slash < 0 ? QString() : p.left(slash + 1));
    });
    connect(m_refresh, &QPushButton::clicked, this, &BucketPanel::refresh);
    connect(m_upload, &QPushButton::clicked, this, &BucketPanel::chooseUpload);
    connect(m_download, &QPushButton::clicked, this, &BucketPanel::chooseDownload);
    connect(m_delete, &QPushButton::clicked, this, &BucketPanel::deleteSelected);

    connect(m_browser, &ObjectBrowser::currentChanged, this,
            [this](const QString &key, bool folder, const QJsonObject &object) {
                if (key.isEmpty())
                    m_preview->clear();
                else if (folder)
                    m_preview->showFolder(key);
                else
                    m_preview->showObject(key, object);
            });
    connect(m_browser, &ObjectBrowser::selectionChanged, this, &BucketPanel::updateActions);
    connect(m_browser, &ObjectBrowser::folderActivated, this, &BucketPanel::openPrefix);
    connect(m_browser, &ObjectBrowser::listFailed, this,
            [this](const QString &message) { m_transfers->setStatus(message, true); });

    connect(m_transfers, &BucketTransfers::started, this, &BucketPanel::updateActions);
    connect(m_transfers, &BucketTransfers::bucketChanged, this, [this](const QString &uploaded) {
        // An object uploaded straight into the folder shown is selected once listed.
        const QString prefix = currentPrefix();
        if (!uploaded.isEmpty() && uploaded.startsWith(prefix) &&
            !uploaded.mid(prefix.size()).contains(QLatin1Char('/')))
            m_browser->selectAfterRefresh(uploaded);
        refresh();
    });
    connect(m_transfers, &BucketTransfers::finished, this, [this](bool ok) {
        updateActions();
        Q_EMIT transferFinished(ok);
    });
}

void BucketPanel::buildShortcuts()
{
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_U), [this] { m_upload->click(); });
    addShortcut(QKeySequence::Save, [this] { m_download->click(); });
    addShortcut(QKeySequence::Refresh, [this] { refresh(); });
    // Panel-wide: an empty folder shows its hint instead of the list, and has no text field.
    addShortcut(QKeySequence(Qt::Key_Backspace), [this] { m_up->click(); });
    addShortcut(QKeySequence(Qt::ALT | Qt::Key_Up), [this] { m_up->click(); });
    addShortcut(
        QKeySequence::Delete, [this] { deleteSelected(); }, m_browser->tree());
}

QString BucketPanel::bucketBinding() const
{
    return m_browser->bucket();
}

QString BucketPanel::currentPrefix() const
{
    return m_browser->prefix();
}

bool BucketPanel::isTransferring() const
{
    return m_transfers->isTransferring();
}

QStringList BucketPanel::listedKeys() const
{
    return m_browser->listedKeys();
}

QStringList BucketPanel::listedFolders() const
{
    return m_browser->listedFolders();
}

QString BucketPanel::previewedKey() const
{
    return m_preview->key();
}

QSize BucketPanel::previewImageSize() const
{
    return m_preview->imageSize();
}

void BucketPanel::selectKey(const QString &key)
{
    m_browser->selectKey(key);
}

void BucketPanel::setPageSize(int entries)
{
    m_browser->setPageSize(entries);
}

void BucketPanel::activated()
{
    if (!bucketBinding().isEmpty() && !isTransferring())
        refresh();
}

void BucketPanel::serverReady()
{
    loadConfig();
}

void BucketPanel::saveState()
{
    context().settings->setPanelValue(kPanel, QStringLiteral("prefix"), currentPrefix());
    context().settings->setPanelValue(kPanel, QStringLiteral("splitter"), m_splitter->saveState());
}

void BucketPanel::loadConfig()
{
    m_pages->readConfig(context().api, [this](const QJsonObject &config) {
        const QString binding = config.value(QStringLiteral("r2_buckets"))
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value(QStringLiteral("binding"))
                                    .toString();
        m_browser->setBucket(binding);
        m_transfers->setBucket(binding);
        updateActions();
        if (binding.isEmpty()) {
            m_pages->showHint(tr("No bucket is configured"),
                              tr("Add an \"r2_buckets\" entry to your wrangler.jsonc, for "
                                 "example [{\"binding\": \"PUBLIC\", \"bucket_name\": "
                                 "\"public\"}], then restart the server from Settings."));
            return;
        }
        m_pages->showBrowser(
            tr("<b>%1</b> — object storage: files your code reads and writes by key. "
               "<code>/image?key=…</code> resizes its images. Drop files anywhere here to "
               "upload them into the folder shown.")
                .arg(binding.toHtmlEscaped()));
        refresh();
    });
}

void BucketPanel::refresh()
{
    if (bucketBinding().isEmpty())
        return;
    m_crumbs->setPath(bucketBinding(), currentPrefix());
    m_up->setEnabled(!currentPrefix().isEmpty());
    m_browser->refresh();
}

void BucketPanel::openPrefix(const QString &prefix)
{
    if (prefix == currentPrefix() && !m_browser->isEmpty())
        return;
    m_browser->setPrefix(prefix);
    m_transfers->setStatus(QString());
    m_preview->clear();
    refresh();
}

void BucketPanel::updateActions()
{
    const bool busy = isTransferring();
    m_download->setEnabled(!busy && !m_browser->currentObjectKey().isEmpty());
    m_delete->setEnabled(!busy && !m_transfers->isDeleting() &&
                         !m_browser->selectedObjectKeys().isEmpty());
    m_upload->setEnabled(!bucketBinding().isEmpty());
}

void BucketPanel::dragEnterEvent(QDragEnterEvent *event)
{
    if (bucketBinding().isEmpty() || localFiles(event->mimeData()).isEmpty()) {
        event->ignore();
        return;
    }
    event->setDropAction(Qt::CopyAction);
    event->accept();
    m_transfers->setStatus(tr("Drop to upload into %1/%2").arg(bucketBinding(), currentPrefix()));
}

void BucketPanel::dragLeaveEvent(QDragLeaveEvent *event)
{
    m_transfers->setStatus(QString());
    Panel::dragLeaveEvent(event);
}

void BucketPanel::dropEvent(QDropEvent *event)
{
    const QStringList files = localFiles(event->mimeData());
    if (bucketBinding().isEmpty() || files.isEmpty()) {
        event->ignore();
        return;
    }
    event->setDropAction(Qt::CopyAction);
    event->accept();
    m_transfers->setStatus(QString());
    uploadFiles(files);
}

void BucketPanel::uploadFiles(const QStringList &paths)
{
    m_transfers->upload(paths, currentPrefix(), listedKeys());
}

void BucketPanel::downloadTo(const QString &key, const QString &path)
{
    m_transfers->download(key, path);
}

void BucketPanel::deleteSelected()
{
    m_transfers->remove(m_browser->selectedObjectKeys());
}

void BucketPanel::cancelTransfer()
{
    m_transfers->cancel();
}

void BucketPanel::chooseUpload()
{
    const QString dir =
        context()
            .settings->panelValue(kPanel, QStringLiteral("uploadDir"), QDir::homePath())
            .toString();
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Upload to %1").arg(bucketBinding()), dir);
    if (files.isEmpty())
        return;
    context().settings->setPanelValue(kPanel, QStringLiteral("uploadDir"),
                                      QFileInfo(files.first()).absolutePath());
    uploadFiles(files);
}

void BucketPanel::chooseDownload()
{
    const QString key = m_browser->currentObjectKey();
    if (key.isEmpty())
        return;
    const QString dir =
        context()
            .settings->panelValue(kPanel, QStringLiteral("downloadDir"), QDir::homePath())
            .toString();
    const QString name = key.section(QLatin1Char('/'), -1);
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save %1").arg(name), QDir(dir).filePath(name));
    if (path.isEmpty())
        return;
    context().settings->setPanelValue(kPanel, QStringLiteral("downloadDir"),
                                      QFileInfo(path).absolutePath());
    downloadTo(key, path);
}

} // namespace edgedesk
