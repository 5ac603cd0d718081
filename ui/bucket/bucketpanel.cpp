#include "bucket/bucketpanel.h"

#include "appsettings.h"
#include "widgets/breadcrumbbar.h"
#include "widgets/emptyhint.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QMimeData>
#include <QMimeDatabase>
#include <QNetworkReply>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("bucket");
constexpr int kPreviewWidth = 480;
constexpr int kPreviewHeight = 360;

// A label whose text may hold a long unbreakable word (a key, a file name) must not force the
// window wider: it wraps where it can and clips the rest.
void letShrink(QLabel *label)
{
    QSizePolicy policy = label->sizePolicy();
    policy.setHorizontalPolicy(QSizePolicy::Ignored);
    label->setSizePolicy(policy);
}

enum Role
{
    KeyRole = Qt::UserRole,
    FolderRole,
    ObjectRole
};

QString dataSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes);
}

QString uploadedText(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : iso;
}

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
    m_prefix = context.settings->panelValue(kPanel, QStringLiteral("prefix")).toString();
    buildUi();
    setAcceptDrops(true);
}

void BucketPanel::buildUi()
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 8, 0, 0);
    m_pages = new QStackedWidget(this);
    outer->addWidget(m_pages);

    m_unavailable = new EmptyHint(QStringLiteral("bucket"), m_pages);
    m_unavailable->set(tr("Waiting for the server…"),
                       tr("The objects appear as soon as the local server is serving."));
    m_pages->addWidget(m_unavailable);

    auto *browser = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(browser);
    layout->setContentsMargins(0, 0, 0, 0);
    m_intro = new QLabel(browser);
    letShrink(m_intro);
    m_intro->setObjectName(QStringLiteral("bucketIntro"));
    m_intro->setWordWrap(true);
    m_intro->setTextFormat(Qt::RichText);
    layout->addWidget(m_intro);

    auto *toolbar = new QHBoxLayout;
    m_up =
        new QPushButton(style()->standardIcon(QStyle::SP_FileDialogToParent), QString(), browser);
    m_up->setObjectName(QStringLiteral("bucketUp"));
    m_up->setToolTip(tr("Up one folder (Backspace)"));
    m_crumbs = new BreadcrumbBar(browser);
    m_crumbs->setObjectName(QStringLiteral("bucketCrumbs"));
    m_refresh = new QPushButton(themedIcon(QStringLiteral("refresh")), QString(), browser);
    m_refresh->setObjectName(QStringLiteral("bucketRefresh"));
    m_refresh->setToolTip(tr("Reload the folder (F5)"));
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
    toolbar->addWidget(m_upload);
    toolbar->addWidget(m_download);
    toolbar->addWidget(m_delete);
    layout->addLayout(toolbar);

    m_splitter = new QSplitter(Qt::Horizontal, browser);
    m_splitter->setChildrenCollapsible(false);
    layout->addWidget(m_splitter, 1);

    auto *left = new QWidget(m_splitter);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 6, 0);
    m_listStack = new QStackedWidget(left);
    m_objects = new QTreeWidget(m_listStack);
    m_objects->setObjectName(QStringLiteral("bucketObjects"));
    m_objects->setHeaderLabels({tr("Name"), tr("Size"), tr("Type"), tr("Uploaded")});
    m_objects->setRootIsDecorated(false);
    m_objects->setUniformRowHeights(true);
    m_objects->setAlternatingRowColors(true);
    m_objects->setSelectionMode(QAbstractItemView::ExtendedSelection);
    const int x = fontMetrics().horizontalAdvance(QLatin1Char('x'));
    m_objects->header()->resizeSection(0, x * 30);
    m_objects->header()->resizeSection(
        1, fontMetrics().horizontalAdvance(QLocale().formattedDataSize(1023LL * 1024 * 1024)) +
               fontMetrics().height() * 2);
    m_objects->header()->resizeSection(2, x * 18);
    m_objects->header()->setStretchLastSection(true);
    m_objects->headerItem()->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    m_listEmpty = new EmptyHint(QStringLiteral("upload"), m_listStack);
    m_listEmpty->setObjectName(QStringLiteral("bucketListEmpty"));
    m_listStack->addWidget(m_objects);
    m_listStack->addWidget(m_listEmpty);
    leftLayout->addWidget(m_listStack, 1);
    auto *pageRow = new QHBoxLayout;
    m_listInfo = new QLabel(left);
    letShrink(m_listInfo);
    m_listInfo->setObjectName(QStringLiteral("bucketListInfo"));
    m_listInfo->setWordWrap(true);
    m_loadMore = new QPushButton(tr("Load more"), left);
    m_loadMore->setObjectName(QStringLiteral("bucketLoadMore"));
    m_loadMore->setVisible(false);
    pageRow->addWidget(m_listInfo, 1);
    pageRow->addWidget(m_loadMore);
    leftLayout->addLayout(pageRow);

    auto *right = new QWidget(m_splitter);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 0, 0, 0);
    m_previewTitle = new QLabel(right);
    letShrink(m_previewTitle);
    m_previewTitle->setObjectName(QStringLiteral("bucketPreviewTitle"));
    m_previewTitle->setWordWrap(true);
    m_previewTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont titleFont = m_previewTitle->font();
    titleFont.setWeight(QFont::DemiBold);
    m_previewTitle->setFont(titleFont);
    m_preview = new QLabel(right);
    m_preview->setObjectName(QStringLiteral("bucketPreview"));
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setWordWrap(true);
    m_preview->setMinimumSize(200, 150);
    m_preview->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->setBackgroundRole(QPalette::Base);
    m_preview->setAutoFillBackground(true);
    m_preview->setForegroundRole(QPalette::PlaceholderText);
    m_preview->installEventFilter(this);
    m_previewInfo = new QLabel(right);
    letShrink(m_previewInfo);
    m_previewInfo->setObjectName(QStringLiteral("bucketPreviewInfo"));
    m_previewInfo->setWordWrap(true);
    m_previewInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_previewDetails = new QLabel(right);
    letShrink(m_previewDetails);
    m_previewDetails->setObjectName(QStringLiteral("bucketPreviewDetails"));
    m_previewDetails->setWordWrap(true);
    m_previewDetails->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_previewDetails->setForegroundRole(QPalette::PlaceholderText);
    rightLayout->addWidget(m_previewTitle);
    rightLayout->addWidget(m_preview, 1);
    rightLayout->addWidget(m_previewInfo);
    rightLayout->addWidget(m_previewDetails);

    m_splitter->addWidget(left);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    if (!m_splitter->restoreState(
            context().settings->panelValue(kPanel, QStringLiteral("splitter")).toByteArray()))
        m_splitter->setSizes({640, 460});

    m_transferRow = new QWidget(browser);
    auto *transferLayout = new QHBoxLayout(m_transferRow);
    transferLayout->setContentsMargins(0, 0, 0, 0);
    m_transferLabel = new QLabel(m_transferRow);
    m_transferLabel->setObjectName(QStringLiteral("bucketTransferLabel"));
    m_progress = new QProgressBar(m_transferRow);
    m_progress->setObjectName(QStringLiteral("bucketProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_cancel = new QPushButton(tr("Cancel"), m_transferRow);
    m_cancel->setObjectName(QStringLiteral("bucketCancel"));
    transferLayout->addWidget(m_transferLabel);
    transferLayout->addWidget(m_progress, 1);
    transferLayout->addWidget(m_cancel);
    m_transferRow->setVisible(false);
    layout->addWidget(m_transferRow);

    m_status = new QLabel(browser);

    letShrink(m_status);
    m_status->setObjectName(QStringLiteral("bucketStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_pages->addWidget(browser);

    clearPreview(tr("Nothing selected"),
                 tr("Select an object to see its details; images are previewed through the "
                    "/image route."));

    connect(m_crumbs, &BreadcrumbBar::prefixChosen, this, &BucketPanel::openPrefix);
    connect(m_up, &QPushButton::clicked, this, [this] {
        QString p = m_prefix;
        p.chop(1);
        const qsizetype slash = p.lastIndexOf(QLatin1Char('/'));
        openPrefix(slash < 0 ? QString() : p.left(slash + 1));
    });
    connect(m_refresh, &QPushButton::clicked, this, &BucketPanel::refresh);
    connect(m_loadMore, &QPushButton::clicked, this, &BucketPanel::loadMore);
    connect(m_upload, &QPushButton::clicked, this, [this] {
        const QString dir =
            context().settings->panelValue(kPanel, QStringLiteral("uploadDir")).toString();
        const QStringList files =
            QFileDialog::getOpenFileNames(this, tr("Upload to %1").arg(m_binding), dir);
        if (files.isEmpty())
            return;
        context().settings->setPanelValue(kPanel, QStringLiteral("uploadDir"),
                                          QFileInfo(files.first()).absolutePath());
        uploadFiles(files);
    });
    connect(m_download, &QPushButton::clicked, this, [this] {
        QTreeWidgetItem *item = m_objects->currentItem();
        if (!item || item->data(0, FolderRole).toBool())
            return;
        const QString key = item->data(0, KeyRole).toString();
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
    });
    connect(m_delete, &QPushButton::clicked, this, &BucketPanel::deleteSelected);
    connect(m_cancel, &QPushButton::clicked, this, &BucketPanel::cancelTransfer);
    connect(m_objects, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem *current) { showPreview(current); });
    connect(m_objects, &QTreeWidget::itemSelectionChanged, this, &BucketPanel::updateActions);
    connect(m_objects, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        if (item->data(0, FolderRole).toBool())
            openPrefix(item->data(0, KeyRole).toString());
    });

    auto shortcut = [this](const QKeySequence &keys, QWidget *owner, Qt::ShortcutContext ctx,
                           auto slot) {
        auto *s = new QShortcut(keys, owner);
        s->setContext(ctx);
        connect(s, &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_U), this, Qt::WidgetWithChildrenShortcut,
             [this] { m_upload->click(); });
    shortcut(QKeySequence::Save, this, Qt::WidgetWithChildrenShortcut,
             [this] { m_download->click(); });
    shortcut(QKeySequence::Refresh, this, Qt::WidgetWithChildrenShortcut, [this] { refresh(); });
    shortcut(QKeySequence::Delete, m_objects, Qt::WidgetShortcut, [this] { deleteSelected(); });
    // Panel-wide: an empty folder shows its hint instead of the list, and has no text field.
    shortcut(QKeySequence(Qt::Key_Backspace), this, Qt::WidgetWithChildrenShortcut,
             [this] { m_up->click(); });
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Up), this, Qt::WidgetWithChildrenShortcut,
             [this] { m_up->click(); });

    updateListState();
    updateActions();
}

QString BucketPanel::objectsPath() const
{
    return QStringLiteral("/__edgedesk/v1/r2/%1/objects")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_binding)));
}

QString BucketPanel::objectPath(const QString &key) const
{
    // Every '/' encoded too: the key is one path parameter, and URL normalisation must never
    // see dot segments in it.
    return objectsPath() + QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(key));
}

bool BucketPanel::isTransferring() const
{
    return !m_transfer.isNull();
}

void BucketPanel::setPageSize(int entries)
{
    m_pageSize = qBound(1, entries, 1000);
}

void BucketPanel::activated()
{
    if (!m_binding.isEmpty() && !m_transfer)
        refresh();
}

void BucketPanel::serverReady()
{
    loadConfig();
}

void BucketPanel::saveState()
{
    context().settings->setPanelValue(kPanel, QStringLiteral("prefix"), m_prefix);
    context().settings->setPanelValue(kPanel, QStringLiteral("splitter"), m_splitter->saveState());
}

void BucketPanel::loadConfig()
{
    context().api->get(QStringLiteral("/__edgedesk/v1/config"), this, [this](const ApiResponse &r) {
        if (!r.ok()) {
            m_unavailable->set(tr("Cannot read the configuration"), r.describeError());
            m_pages->setCurrentIndex(0);
            return;
        }
        const QString binding = r.json()
                                    .value(QStringLiteral("r2_buckets"))
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value(QStringLiteral("binding"))
                                    .toString();
        if (binding.isEmpty()) {
            m_binding.clear();
            m_unavailable->set(tr("No bucket is configured"),
                               tr("Add an \"r2_buckets\" entry to your wrangler.jsonc, for "
                                  "example [{\"binding\": \"PUBLIC\", \"bucket_name\": "
                                  "\"public\"}], then restart the server from Settings."));
            m_pages->setCurrentIndex(0);
            return;
        }
        m_binding = binding;
        m_intro->setText(
            tr("<b>%1</b> — object storage: files your code reads and writes by key. "
               "<code>/image?key=…</code> resizes its images. Drop files anywhere here to "
               "upload them into the folder shown.")
                .arg(binding.toHtmlEscaped()));
        m_pages->setCurrentIndex(1);
        refresh();
    });
}

void BucketPanel::refresh()
{
    if (m_binding.isEmpty())
        return;
    requestPage(false);
}

void BucketPanel::loadMore()
{
    if (m_binding.isEmpty() || !m_truncated)
        return;
    requestPage(true);
}

void BucketPanel::openPrefix(const QString &prefix)
{
    if (prefix == m_prefix && m_objects->topLevelItemCount() > 0)
        return;
    m_prefix = prefix;
    setStatus(QString());
    clearPreview(tr("Nothing selected"),
                 tr("Select an object to see its details; images are previewed through the "
                    "/image route."));
    refresh();
}

void BucketPanel::requestPage(bool append)
{
    const quint64 generation = ++m_listGeneration;
    m_crumbs->setPath(m_binding, m_prefix);
    m_up->setEnabled(!m_prefix.isEmpty());
    m_loadMore->setEnabled(false);
    QString path =
        objectsPath() + QStringLiteral("?delimiter=%2F&limit=") + QString::number(m_pageSize);
    if (!m_prefix.isEmpty())
        path += QStringLiteral("&prefix=") + QString::fromLatin1(QUrl::toPercentEncoding(m_prefix));
    if (append)
        path += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(m_cursor));
    context().api->get(path, this, [this, generation, append](const ApiResponse &r) {
        if (generation != m_listGeneration)
            return;
        m_loadMore->setEnabled(true);
        if (!r.ok()) {
            setStatus(tr("Cannot list %1: %2").arg(m_binding, r.describeError()), true);
            return;
        }
        showPage(r.json(), append);
    });
}

void BucketPanel::showPage(const QJsonObject &page, bool append)
{
    const QString keep = !m_selectAfterRefresh.isEmpty() ? m_selectAfterRefresh : m_previewKey;
    m_selectAfterRefresh.clear();
    {
        const QSignalBlocker block(m_objects);
        if (!append)
            m_objects->clear();
        const QStringList known = listedFolders();
        const QIcon folderIcon = style()->standardIcon(QStyle::SP_DirIcon);
        const QIcon fileIcon = style()->standardIcon(QStyle::SP_FileIcon);
        // Folders first, as a file manager lists them.
        int folderRow = int(known.size());
        for (const QJsonValue &v : page.value(QStringLiteral("delimited_prefixes")).toArray()) {
            const QString prefix = v.toString();
            if (known.contains(prefix))
                continue;
            auto *item = new QTreeWidgetItem;
            item->setIcon(0, folderIcon);
            item->setText(0, prefix.mid(m_prefix.size()));
            item->setToolTip(0, tr("%1 — double-click to open").arg(prefix));
            item->setText(2, tr("Folder"));
            item->setData(0, KeyRole, prefix);
            item->setData(0, FolderRole, true);
            m_objects->insertTopLevelItem(folderRow++, item);
        }
        for (const QJsonValue &v : page.value(QStringLiteral("objects")).toArray()) {
            const QJsonObject o = v.toObject();
            const QString key = o.value(QStringLiteral("key")).toString();
            const QString name = key.mid(m_prefix.size());
            if (name.isEmpty())
                continue; // a folder marker object ("photos/") is the folder itself
            auto *item = new QTreeWidgetItem(m_objects);
            item->setIcon(0, fileIcon);
            item->setText(0, name);
            item->setToolTip(0, key);
            item->setText(1, dataSize(qint64(o.value(QStringLiteral("size")).toDouble())));
            item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
            item->setText(2, o.value(QStringLiteral("content_type")).toString());
            item->setText(3, uploadedText(o.value(QStringLiteral("uploaded")).toString()));
            item->setData(0, KeyRole, key);
            item->setData(0, FolderRole, false);
            item->setData(0, ObjectRole, o);
        }
    }
    m_cursor = page.value(QStringLiteral("cursor")).toString();
    m_truncated = page.value(QStringLiteral("truncated")).toBool();
    updateListState();
    if (QTreeWidgetItem *item = keep.isEmpty() ? nullptr : itemForKey(keep)) {
        // The same version of the object shown: keep its preview instead of fetching it again.
        const bool same = m_previewKey == keep &&
                          item->data(0, ObjectRole).toJsonObject().value(QStringLiteral("etag")) ==
                              m_previewObject.value(QStringLiteral("etag"));
        {
            const QSignalBlocker block(same ? m_objects : nullptr);
            m_objects->setCurrentItem(item);
        }
        // The view may already have made it current on its own, without a change to report.
        if (!same && m_previewKey != keep)
            showPreview(item);
    } else if (!m_previewKey.isEmpty() && !append) {
        clearPreview(tr("Nothing selected"),
                     tr("Select an object to see its details; images are previewed through the "
                        "/image route."));
    }
    updateActions();
}

void BucketPanel::updateListState()
{
    int folders = 0;
    int objects = 0;
    for (int i = 0; i < m_objects->topLevelItemCount(); ++i)
        (m_objects->topLevelItem(i)->data(0, FolderRole).toBool() ? folders : objects)++;
    if (folders + objects == 0) {
        if (m_prefix.isEmpty())
            m_listEmpty->set(tr("%1 is empty").arg(m_binding),
                             tr("Drop files here or click Upload… (Ctrl+U). Images become "
                                "available to /image?key=<name> at once."));
        else
            m_listEmpty->set(tr("Nothing in %1").arg(m_prefix),
                             tr("Drop files here to upload them into this folder, or go up "
                                "(Backspace)."));
        m_listStack->setCurrentWidget(m_listEmpty);
    } else {
        m_listStack->setCurrentWidget(m_objects);
    }
    QStringList parts;
    if (folders)
        parts << (folders == 1 ? tr("1 folder") : tr("%1 folders").arg(folders));
    parts << (objects == 1 ? tr("1 object") : tr("%1 objects").arg(objects));
    QString info = parts.join(QStringLiteral(", "));
    if (m_truncated)
        info += tr(" shown, more available");
    m_listInfo->setText(info);
    m_loadMore->setVisible(m_truncated);
}

void BucketPanel::updateActions()
{
    int selectedObjects = 0;
    for (QTreeWidgetItem *item : m_objects->selectedItems()) {
        if (!item->data(0, FolderRole).toBool())
            ++selectedObjects;
    }
    QTreeWidgetItem *current = m_objects->currentItem();
    const bool busy = m_transfer != nullptr;
    m_download->setEnabled(!busy && current && current->isSelected() &&
                           !current->data(0, FolderRole).toBool());
    m_delete->setEnabled(!busy && !m_deleting && selectedObjects > 0);
    m_upload->setEnabled(!m_binding.isEmpty());
}

QTreeWidgetItem *BucketPanel::itemForKey(const QString &key) const
{
    for (int i = 0; i < m_objects->topLevelItemCount(); ++i) {
        if (m_objects->topLevelItem(i)->data(0, KeyRole).toString() == key)
            return m_objects->topLevelItem(i);
    }
    return nullptr;
}

void BucketPanel::selectKey(const QString &key)
{
    if (QTreeWidgetItem *item = itemForKey(key)) {
        m_objects->clearSelection();
        m_objects->setCurrentItem(item);
        item->setSelected(true);
    }
}

QStringList BucketPanel::listedKeys() const
{
    QStringList out;
    for (int i = 0; i < m_objects->topLevelItemCount(); ++i) {
        if (!m_objects->topLevelItem(i)->data(0, FolderRole).toBool())
            out.append(m_objects->topLevelItem(i)->data(0, KeyRole).toString());
    }
    return out;
}

QStringList BucketPanel::listedFolders() const
{
    QStringList out;
    for (int i = 0; i < m_objects->topLevelItemCount(); ++i) {
        if (m_objects->topLevelItem(i)->data(0, FolderRole).toBool())
            out.append(m_objects->topLevelItem(i)->data(0, KeyRole).toString());
    }
    return out;
}

void BucketPanel::clearPreview(const QString &title, const QString &text)
{
    ++m_previewGeneration;
    m_previewKey.clear();
    m_previewObject = {};
    m_previewPixmap = {};
    m_previewTitle->setText(title);
    m_preview->setPixmap({});
    m_preview->setText(text);
    m_previewInfo->clear();
    m_previewDetails->clear();
}

void BucketPanel::showPreview(QTreeWidgetItem *item)
{
    if (!item) {
        clearPreview(tr("Nothing selected"), QString());
        return;
    }
    const QString key = item->data(0, KeyRole).toString();
    if (item->data(0, FolderRole).toBool()) {
        clearPreview(key, tr("A folder. Double-click it (or press Enter) to open it."));
        return;
    }
    const QJsonObject o = item->data(0, ObjectRole).toJsonObject();
    const quint64 generation = ++m_previewGeneration;
    m_previewKey = key;
    m_previewObject = o;
    m_previewPixmap = {};
    m_previewTitle->setText(key);
    const QString type = o.value(QStringLiteral("content_type")).toString();
    const QString bytes = dataSize(qint64(o.value(QStringLiteral("size")).toDouble()));
    m_previewInfo->setText(QStringLiteral("%1 · %2").arg(type, bytes));
    QStringList details;
    details << tr("Uploaded %1").arg(uploadedText(o.value(QStringLiteral("uploaded")).toString()));
    details << tr("ETag %1").arg(o.value(QStringLiteral("etag")).toString());
    const QJsonObject metadata = o.value(QStringLiteral("custom_metadata")).toObject();
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        details << QStringLiteral("%1: %2").arg(it.key(), it.value().toString());
    m_previewDetails->setText(details.join(QLatin1Char('\n')));

    if (!type.startsWith(QLatin1String("image/"))) {
        m_preview->setPixmap({});
        m_preview->setText(tr("No preview for %1.\nDownload it (Ctrl+S) to open it.")
                               .arg(type.isEmpty() ? tr("this type") : type));
        return;
    }
    m_preview->setPixmap({});
    m_preview->setText(tr("Loading the preview…"));
    // Concatenated, not arg()-ed: the encoded key holds "%2F", which arg() would substitute.
    const QString query =
        QStringLiteral("/image?key=") + QString::fromLatin1(QUrl::toPercentEncoding(key)) +
        QStringLiteral("&width=%1&height=%2").arg(kPreviewWidth).arg(kPreviewHeight);
    context().api->get(query, this, [this, generation](const ApiResponse &r) {
        if (generation != m_previewGeneration)
            return;
        if (!r.ok()) {
            m_preview->setText(tr("No preview: %1").arg(r.describeError()));
            return;
        }
        QImage image;
        if (!image.loadFromData(r.body)) {
            m_preview->setText(tr("The preview (%1) cannot be shown here.")
                                   .arg(QString::fromLatin1(r.header("Content-Type"))));
            return;
        }
        m_previewPixmap = QPixmap::fromImage(image);
        fitPreview();
        const QByteArray cache = r.header("X-EdgeDesk-Image");
        const QByteArray ms = r.header("X-EdgeDesk-Transform-Ms");
        m_preview->setToolTip(tr("Preview %1 × %2 from /image (%3, %4 ms)")
                                  .arg(image.width())
                                  .arg(image.height())
                                  .arg(QString::fromLatin1(cache), QString::fromLatin1(ms)));
    });
    context().api->get(
        query + QStringLiteral("&format=json"), this,
        [this, generation, type, bytes](const ApiResponse &r) {
            if (generation != m_previewGeneration || !r.ok())
                return;
            const QJsonObject original = r.json().value(QStringLiteral("original")).toObject();
            const int w = original.value(QStringLiteral("width")).toInt();
            const int h = original.value(QStringLiteral("height")).toInt();
            if (w > 0 && h > 0)
                m_previewInfo->setText(
                    QStringLiteral("%1 × %2 px · %3 · %4").arg(w).arg(h).arg(type, bytes));
        });
}

void BucketPanel::fitPreview()
{
    if (m_previewPixmap.isNull())
        return;
    const QSize room = m_preview->contentsRect().size() - QSize(8, 8);
    QPixmap shown = m_previewPixmap;
    if (shown.width() > room.width() || shown.height() > room.height())
        shown = shown.scaled(room.expandedTo(QSize(16, 16)), Qt::KeepAspectRatio,
                             Qt::SmoothTransformation);
    m_preview->setPixmap(shown);
}

bool BucketPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_preview && event->type() == QEvent::Resize)
        fitPreview();
    return Panel::eventFilter(watched, event);
}

void BucketPanel::dragEnterEvent(QDragEnterEvent *event)
{
    if (m_binding.isEmpty() || localFiles(event->mimeData()).isEmpty()) {
        event->ignore();
        return;
    }
    event->setDropAction(Qt::CopyAction);
    event->accept();
    setStatus(tr("Drop to upload into %1/%2").arg(m_binding, m_prefix));
}

void BucketPanel::dragLeaveEvent(QDragLeaveEvent *event)
{
    setStatus(QString());
    Panel::dragLeaveEvent(event);
}

void BucketPanel::dropEvent(QDropEvent *event)
{
    const QStringList files = localFiles(event->mimeData());
    if (m_binding.isEmpty() || files.isEmpty()) {
        event->ignore();
        return;
    }
    event->setDropAction(Qt::CopyAction);
    event->accept();
    setStatus(QString());
    uploadFiles(files);
}

void BucketPanel::uploadFiles(const QStringList &paths)
{
    if (m_binding.isEmpty())
        return;
    if (m_transfer && m_queue.isEmpty() && m_queueFiles == 0) {
        setStatus(tr("Wait for the download to finish, or cancel it."), true);
        return;
    }
    QList<Upload> batch;
    QStringList unreadable;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            const QDir root(info.absoluteFilePath());
            QDirIterator it(root.absolutePath(), QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString file = it.next();
                batch.append(
                    {file,
                     m_prefix + info.fileName() + QLatin1Char('/') + root.relativeFilePath(file),
                     QFileInfo(file).size()});
            }
        } else if (info.isFile() && info.isReadable()) {
            batch.append({info.absoluteFilePath(), m_prefix + info.fileName(), info.size()});
        } else {
            unreadable.append(QDir::toNativeSeparators(path));
        }
    }
    if (!unreadable.isEmpty())
        setStatus(tr("Cannot read %1").arg(unreadable.join(QStringLiteral(", "))), true);
    if (batch.isEmpty())
        return;

    QStringList existing;
    const QStringList listed = listedKeys();
    for (const Upload &u : std::as_const(batch)) {
        if (listed.contains(u.key))
            existing.append(u.key.mid(m_prefix.size()));
    }
    if (!existing.isEmpty()) {
        const QString names = existing.size() <= 3
                                  ? existing.join(QStringLiteral(", "))
                                  : tr("%1 and %2 more")
                                        .arg(existing.mid(0, 3).join(QStringLiteral(", ")),
                                             QString::number(existing.size() - 3));
        if (!m_confirm.ask(
                this, tr("Replace objects?"),
                tr("%1 already exists in %2/%3. Replace it?").arg(names, m_binding, m_prefix),
                tr("Replace")))
            return;
    }

    if (!m_transfer) {
        m_queueBytes = 0;
        m_doneBytes = 0;
        m_queueFiles = 0;
        m_doneFiles = 0;
        m_failures.clear();
        m_cancelled = false;
        m_transferTimer.start();
    }
    for (const Upload &u : std::as_const(batch)) {
        m_queue.append(u);
        m_queueBytes += u.size;
        ++m_queueFiles;
    }
    if (!m_transfer)
        startNextUpload();
}

void BucketPanel::startNextUpload()
{
    if (m_queue.isEmpty()) {
        finishUploads();
        return;
    }
    const Upload upload = m_queue.takeFirst();
    auto *file = new QFile(upload.path);
    if (!file->open(QIODevice::ReadOnly)) {
        m_failures.append(tr("%1: %2").arg(QFileInfo(upload.path).fileName(), file->errorString()));
        delete file;
        startNextUpload();
        return;
    }
    const QString type = QMimeDatabase().mimeTypeForFile(upload.path).name();
    QNetworkRequest request =
        context().api->makeRequest(objectPath(upload.key), {{"Content-Type", type.toLatin1()}});
    // Streamed from the file: a large upload never sits whole in memory or blocks the window.
    QNetworkReply *reply = context().api->network()->sendCustomRequest(request, "PUT", file);
    file->setParent(reply);
    m_transfer = reply;
    showTransfer(
        tr("Uploading %1 (%2 of %3)…")
            .arg(fontMetrics().elidedText(QFileInfo(upload.path).fileName(), Qt::ElideMiddle,
                                          fontMetrics().averageCharWidth() * 40),
                 QString::number(m_doneFiles + int(m_failures.size()) + 1),
                 QString::number(m_queueFiles)));
    updateActions();
    connect(reply, &QNetworkReply::uploadProgress, this, [this](qint64 sent, qint64) {
        if (m_queueBytes > 0)
            m_progress->setValue(int((m_doneBytes + sent) * 1000 / m_queueBytes));
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, upload] {
        reply->deleteLater();
        m_transfer = nullptr;
        if (m_cancelled)
            return;
        const ApiResponse r = ApiClient::responseFrom(reply, m_transferTimer.elapsed());
        if (r.ok()) {
            ++m_doneFiles;
            m_lastUploaded = upload.key;
        } else {
            m_failures.append(tr("%1: %2").arg(upload.key.mid(m_prefix.size()), r.describeError()));
        }
        m_doneBytes += upload.size;
        startNextUpload();
    });
}

void BucketPanel::finishUploads()
{
    hideTransfer();
    const bool ok = m_failures.isEmpty();
    if (ok)
        setStatus(m_doneFiles == 1
                      ? tr("Uploaded %1 (%2).").arg(m_lastUploaded, dataSize(m_doneBytes))
                      : tr("Uploaded %1 files (%2).").arg(m_doneFiles).arg(dataSize(m_doneBytes)));
    else
        setStatus(tr("Uploaded %1 of %2 files. Not uploaded: %3")
                      .arg(m_doneFiles)
                      .arg(m_queueFiles)
                      .arg(m_failures.join(QStringLiteral("; "))),
                  true);
    m_queueFiles = 0;
    if (!m_lastUploaded.isEmpty() && m_lastUploaded.startsWith(m_prefix) &&
        !m_lastUploaded.mid(m_prefix.size()).contains(QLatin1Char('/')))
        m_selectAfterRefresh = m_lastUploaded;
    refresh();
    updateActions();
    Q_EMIT transferFinished(ok);
}

void BucketPanel::downloadTo(const QString &key, const QString &path)
{
    if (m_binding.isEmpty())
        return;
    if (m_transfer) {
        setStatus(tr("Wait for the current transfer to finish, or cancel it."), true);
        return;
    }
    auto *file = new QSaveFile(path);
    if (!file->open(QIODevice::WriteOnly)) {
        setStatus(
            tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file->errorString()),
            true);
        delete file;
        Q_EMIT transferFinished(false);
        return;
    }
    m_cancelled = false;
    m_transferTimer.start();
    QNetworkReply *reply = context().api->send("GET", objectPath(key));
    file->setParent(reply);
    m_transfer = reply;
    const QString name = key.section(QLatin1Char('/'), -1);
    showTransfer(tr("Downloading %1…")
                     .arg(fontMetrics().elidedText(name, Qt::ElideMiddle,
                                                   fontMetrics().averageCharWidth() * 40)));
    updateActions();
    auto isOk = [reply] {
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
    };
    connect(reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if (total > 0)
            m_progress->setValue(int(received * 1000 / total));
    });
    // Written as it arrives; an error answer stays in the reply for its message.
    connect(reply, &QNetworkReply::readyRead, this, [reply, file, isOk] {
        if (isOk())
            file->write(reply->readAll());
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, file, isOk, key, path] {
        reply->deleteLater();
        m_transfer = nullptr;
        hideTransfer();
        updateActions();
        if (m_cancelled) {
            file->cancelWriting();
            Q_EMIT transferFinished(false);
            return;
        }
        if (isOk() && reply->error() == QNetworkReply::NoError) {
            file->write(reply->readAll());
            if (file->commit()) {
                setStatus(tr("Saved %1 to %2 (%3).")
                              .arg(key, QDir::toNativeSeparators(path),
                                   dataSize(QFileInfo(path).size())));
                Q_EMIT transferFinished(true);
                return;
            }
            setStatus(
                tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file->errorString()),
                true);
            Q_EMIT transferFinished(false);
            return;
        }
        file->cancelWriting();
        const ApiResponse r = ApiClient::responseFrom(reply, m_transferTimer.elapsed());
        setStatus(tr("Download failed: %1").arg(r.describeError()), true);
        Q_EMIT transferFinished(false);
    });
}

void BucketPanel::cancelTransfer()
{
    if (!m_transfer)
        return;
    m_cancelled = true;
    m_queue.clear();
    m_transfer->abort();
    hideTransfer();
    setStatus(m_queueFiles > 0 ? tr("Upload cancelled: %1 of %2 files were uploaded.")
                                     .arg(m_doneFiles)
                                     .arg(m_queueFiles)
                               : tr("Download cancelled."));
    if (m_queueFiles > 0) {
        m_queueFiles = 0;
        refresh();
        Q_EMIT transferFinished(false);
    }
    updateActions();
}

void BucketPanel::deleteSelected()
{
    if (m_binding.isEmpty() || m_transfer || m_deleting)
        return;
    QStringList keys;
    for (QTreeWidgetItem *item : m_objects->selectedItems()) {
        if (!item->data(0, FolderRole).toBool())
            keys.append(item->data(0, KeyRole).toString());
    }
    if (keys.isEmpty())
        return;
    const QString text =
        keys.size() == 1
            ? tr("Delete “%1” from %2? This cannot be undone.").arg(keys.first(), m_binding)
            : tr("Delete %1 objects from %2? This cannot be undone.")
                  .arg(keys.size())
                  .arg(m_binding);
    if (!m_confirm.ask(this, tr("Delete objects?"), text, tr("Delete")))
        return;
    m_deleting = true;
    updateActions();
    deleteNext(keys, {}, 0);
}

void BucketPanel::deleteNext(QStringList keys, QStringList failures, int done)
{
    if (keys.isEmpty()) {
        if (failures.isEmpty())
            setStatus(done == 1 ? tr("Deleted 1 object.") : tr("Deleted %1 objects.").arg(done));
        else
            setStatus(tr("Not deleted: %1").arg(failures.join(QStringLiteral("; "))), true);
        m_deleting = false;
        refresh();
        Q_EMIT transferFinished(failures.isEmpty());
        return;
    }
    const QString key = keys.takeFirst();
    context().api->call("DELETE", objectPath(key), {}, {}, this,
                        [this, key, keys, failures, done](const ApiResponse &r) mutable {
                            if (r.ok())
                                ++done;
                            else
                                failures.append(tr("%1: %2").arg(key, r.describeError()));
                            deleteNext(keys, failures, done);
                        });
}

void BucketPanel::showTransfer(const QString &label)
{
    m_transferLabel->setText(label);
    m_progress->setValue(0);
    m_transferRow->setVisible(true);
}

void BucketPanel::hideTransfer()
{
    m_transferRow->setVisible(false);
}

void BucketPanel::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #d64545;") : QString());
}

} // namespace edgedesk
