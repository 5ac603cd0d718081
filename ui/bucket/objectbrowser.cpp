#include "bucket/objectbrowser.h"

#include "apiclient.h"
#include "bucket/bucketpaths.h"
#include "widgets/displayformat.h"
#include "widgets/emptyhint.h"
#include "widgets/labels.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

enum Role
{
    KeyRole = Qt::UserRole,
    FolderRole,
    ObjectRole
};

bool isFolder(const QTreeWidgetItem *item)
{
    return item->data(0, FolderRole).toBool();
}

QString keyOf(const QTreeWidgetItem *item)
{
    return item->data(0, KeyRole).toString();
}

} // namespace

ObjectBrowser::ObjectBrowser(ApiClient *api, QWidget *parent) : QWidget(parent), m_api(api)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 6, 0);
    m_listStack = new QStackedWidget(this);
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
        1, fontMetrics().horizontalAdvance(DisplayFormat::bytes(1023LL * 1024 * 1024)) +
               fontMetrics().height() * 2);
    m_objects->header()->resizeSection(2, x * 18);
    m_objects->header()->setStretchLastSection(true);
    m_objects->headerItem()->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    m_listEmpty = new EmptyHint(QStringLiteral("upload"), m_listStack);
    m_listEmpty->setObjectName(QStringLiteral("bucketListEmpty"));
    m_listStack->addWidget(m_objects);
    m_listStack->addWidget(m_listEmpty);
    layout->addWidget(m_listStack, 1);

    auto *pageRow = new QHBoxLayout;
    m_listInfo = new QLabel(this);
    letShrink(m_listInfo);
    m_listInfo->setObjectName(QStringLiteral("bucketListInfo"));
    m_listInfo->setWordWrap(true);
    m_loadMore = new QPushButton(tr("Load more"), this);
    m_loadMore->setObjectName(QStringLiteral("bucketLoadMore"));
    m_loadMore->setVisible(false);
    pageRow->addWidget(m_listInfo, 1);
    pageRow->addWidget(m_loadMore);
    layout->addLayout(pageRow);

    connect(m_loadMore, &QPushButton::clicked, this, &ObjectBrowser::loadMore);
    connect(m_objects, &QTreeWidget::currentItemChanged, this, &ObjectBrowser::reportCurrent);
    connect(m_objects, &QTreeWidget::itemSelectionChanged, this, &ObjectBrowser::selectionChanged);
    connect(m_objects, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        if (isFolder(item))
            Q_EMIT folderActivated(keyOf(item));
    });
    updateListState();
}

void ObjectBrowser::setPageSize(int entries)
{
    m_pageSize = qBound(1, entries, 1000);
}

void ObjectBrowser::refresh()
{
    if (!m_bucket.isEmpty())
        requestPage(false);
}

void ObjectBrowser::loadMore()
{
    if (!m_bucket.isEmpty() && m_truncated)
        requestPage(true);
}

void ObjectBrowser::requestPage(bool append)
{
    const quint64 generation = ++m_generation;
    m_loadMore->setEnabled(false);
    QString path = bucketObjectsPath(m_bucket) + QStringLiteral("?delimiter=%2F&limit=") +
                   QString::number(m_pageSize);
    if (!m_prefix.isEmpty())
        path += QStringLiteral("&prefix=") + QString::fromLatin1(QUrl::toPercentEncoding(m_prefix));
    if (append)
        path += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(m_cursor));
    m_api->get(path, this, [this, generation, append](const ApiResponse &r) {
        if (generation != m_generation)
            return;
        m_loadMore->setEnabled(true);
        if (!r.ok()) {
            Q_EMIT listFailed(tr("Cannot list %1: %2").arg(m_bucket, r.describeError()));
            return;
        }
        showPage(r.json(), append);
    });
}

void ObjectBrowser::showPage(const QJsonObject &page, bool append)
{
    const QString keep = !m_selectAfterRefresh.isEmpty() ? m_selectAfterRefresh : m_reportedKey;
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
            item->setText(1,
                          DisplayFormat::bytes(qint64(o.value(QStringLiteral("size")).toDouble())));
            item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
            item->setText(2, o.value(QStringLiteral("content_type")).toString());
            item->setText(3,
                          DisplayFormat::timestamp(o.value(QStringLiteral("uploaded")).toString()));
            item->setData(0, KeyRole, key);
            item->setData(0, FolderRole, false);
            item->setData(0, ObjectRole, o);
        }
    }
    m_cursor = page.value(QStringLiteral("cursor")).toString();
    m_truncated = page.value(QStringLiteral("truncated")).toBool();
    updateListState();
    if (QTreeWidgetItem *item = keep.isEmpty() ? nullptr : itemForKey(keep)) {
        {
            const QSignalBlocker block(m_objects);
            m_objects->setCurrentItem(item);
        }
        // Said again even when the row stayed current: the listing may hold a newer version.
        reportCurrent();
    } else if (!m_reportedKey.isEmpty() && !append) {
        reportCurrent();
    }
    Q_EMIT selectionChanged();
}

void ObjectBrowser::reportCurrent()
{
    QTreeWidgetItem *item = m_objects->currentItem();
    m_reportedKey = item ? keyOf(item) : QString();
    if (!item) {
        Q_EMIT currentChanged(QString(), false, {});
        return;
    }
    Q_EMIT currentChanged(keyOf(item), isFolder(item), item->data(0, ObjectRole).toJsonObject());
}

void ObjectBrowser::updateListState()
{
    int folders = 0;
    int objects = 0;
    for (int i = 0; i < m_objects->topLevelItemCount(); ++i)
        (isFolder(m_objects->topLevelItem(i)) ? folders : objects)++;
    if (folders + objects == 0) {
        if (m_prefix.isEmpty())
            m_listEmpty->set(tr("%1 is empty").arg(m_bucket),
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

QTreeWidgetItem *ObjectBrowser::itemForKey(const QString &key) const
{
    for (int i = 0; i < m_objects->topLevelItemCount(); ++i) {
        if (keyOf(m_objects->topLevelItem(i)) == key)
            return m_objects->topLevelItem(i);
    }
    return nullptr;
}

void ObjectBrowser::selectKey(const QString &key)
{
    if (QTreeWidgetItem *item = itemForKey(key)) {
        m_objects->clearSelection();
        m_objects->setCurrentItem(item);
        item->setSelected(true);
    }
}

bool ObjectBrowser::isEmpty() const
{
    return m_objects->topLevelItemCount() == 0;
}

QStringList ObjectBrowser::listedKeys() const
{
    QStringList out;
    for (int i = 0; i < m_objects->topLevelItemCount(); ++i) {
        if (!isFolder(m_objects->topLevelItem(i)))
            out.append(keyOf(m_objects->topLevelItem(i)));
    }
    return out;
}

QStringList ObjectBrowser::listedFolders() const
{
    QStringList out;
    for (int i = 0; i < m_objects->topLevelItemCount(); ++i) {
        if (isFolder(m_objects->topLevelItem(i)))
            out.append(keyOf(m_objects->topLevelItem(i)));
    }
    return out;
}

QStringList ObjectBrowser::selectedObjectKeys() const
{
    QStringList out;
    for (QTreeWidgetItem *item : m_objects->selectedItems()) {
        if (!isFolder(item))
            out.append(keyOf(item));
    }
    return out;
}

QString ObjectBrowser::currentObjectKey() const
{
    QTreeWidgetItem *current = m_objects->currentItem();
    return current && current->isSelected() && !isFolder(current) ? keyOf(current) : QString();
}

} // namespace edgedesk
