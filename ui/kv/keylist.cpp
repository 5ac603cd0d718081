#include "kv/keylist.h"

#include "apiclient.h"
#include "kv/expiresin.h"
#include "panel.h"
#include "widgets/displayformat.h"
#include "widgets/emptyhint.h"
#include "widgets/labels.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace edgedesk {

KeyList::KeyList(ApiClient *api, const QString &prefix, QWidget *parent)
    : QWidget(parent), m_api(api)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 6, 0);
    auto *searchRow = new QHBoxLayout;
    m_prefix = new QLineEdit(this);
    m_prefix->setObjectName(QStringLiteral("kvPrefix"));
    m_prefix->setPlaceholderText(tr("Filter keys by prefix (Ctrl+F)"));
    m_prefix->setClearButtonEnabled(true);
    m_prefix->addAction(Panel::themedIcon(QStringLiteral("search")), QLineEdit::LeadingPosition);
    m_prefix->setText(prefix);
    m_refresh = new QPushButton(Panel::themedIcon(QStringLiteral("refresh")), QString(), this);
    m_refresh->setObjectName(QStringLiteral("kvRefresh"));
    m_refresh->setToolTip(tr("Reload the keys (F5)"));
    m_refresh->setAccessibleName(tr("Reload the keys"));
    searchRow->addWidget(m_prefix, 1);
    searchRow->addWidget(m_refresh);
    layout->addLayout(searchRow);

    m_listStack = new QStackedWidget(this);
    m_keys = new QTreeWidget(m_listStack);
    m_keys->setObjectName(QStringLiteral("kvKeys"));
    m_keys->setHeaderLabels({tr("Key"), tr("Expires"), tr("Metadata")});
    m_keys->setRootIsDecorated(false);
    m_keys->setUniformRowHeights(true);
    m_keys->setAlternatingRowColors(true);
    m_keys->setSelectionMode(QAbstractItemView::SingleSelection);
    m_keys->header()->setStretchLastSection(true);
    m_keys->header()->resizeSection(0, fontMetrics().horizontalAdvance(QLatin1Char('x')) * 22);
    // Wide enough for the longest date this locale writes.
    const int dateWidth = fontMetrics().horizontalAdvance(DisplayFormat::timestamp(
                              QDateTime(QDate(2000, 12, 28), QTime(23, 59, 59)))) +
                          fontMetrics().height() * 2;
    m_keys->header()->resizeSection(1, dateWidth);
    m_listEmpty = new EmptyHint(QStringLiteral("kv"), m_listStack);
    m_listEmpty->setObjectName(QStringLiteral("kvListEmpty"));
    m_listStack->addWidget(m_keys);
    m_listStack->addWidget(m_listEmpty);
    layout->addWidget(m_listStack, 1);

    auto *pageRow = new QHBoxLayout;
    m_listInfo = new QLabel(this);
    letShrink(m_listInfo);
    m_listInfo->setObjectName(QStringLiteral("kvListInfo"));
    m_listInfo->setWordWrap(true);
    m_loadMore = new QPushButton(tr("Load more"), this);
    m_loadMore->setObjectName(QStringLiteral("kvLoadMore"));
    m_loadMore->setVisible(false);
    pageRow->addWidget(m_listInfo, 1);
    pageRow->addWidget(m_loadMore);
    layout->addLayout(pageRow);

    m_add = new QPushButton(Panel::themedIcon(QStringLiteral("plus")), tr("New key"), this);
    m_add->setObjectName(QStringLiteral("kvAdd"));
    m_add->setToolTip(tr("Add a key (Ctrl+N)"));
    m_delete = new QPushButton(Panel::themedIcon(QStringLiteral("trash")), tr("Delete"), this);
    m_delete->setObjectName(QStringLiteral("kvDelete"));
    m_delete->setToolTip(tr("Delete the selected key (Del)"));
    m_delete->setEnabled(false);
    // The actions sit on the filter's line, where Bucket and Secrets have theirs.
    searchRow->addSpacing(8);
    searchRow->addWidget(m_add);
    searchRow->addWidget(m_delete);

    m_prefixDebounce = new QTimer(this);
    m_prefixDebounce->setSingleShot(true);
    m_prefixDebounce->setInterval(250);
    connect(m_prefixDebounce, &QTimer::timeout, this, &KeyList::refresh);
    connect(m_prefix, &QLineEdit::textChanged, m_prefixDebounce, qOverload<>(&QTimer::start));
    connect(m_prefix, &QLineEdit::returnPressed, this, [this] {
        m_prefixDebounce->stop();
        refresh();
    });
    connect(m_refresh, &QPushButton::clicked, this, &KeyList::refresh);
    connect(m_loadMore, &QPushButton::clicked, this, &KeyList::loadMore);
    connect(m_add, &QPushButton::clicked, this, &KeyList::newKeyRequested);
    connect(m_delete, &QPushButton::clicked, this, &KeyList::deleteRequested);
    connect(m_keys, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem *current, QTreeWidgetItem *previous) {
                if (current)
                    Q_EMIT keyChosen(current->data(0, Qt::UserRole).toString(),
                                     previous ? previous->data(0, Qt::UserRole).toString()
                                              : QString());
            });
    updateListState();
}

QString KeyList::prefix() const
{
    return m_prefix->text();
}

void KeyList::setPageSize(int keys)
{
    m_pageSize = qBound(1, keys, 1000);
}

void KeyList::focusFilter()
{
    m_prefix->setFocus();
    m_prefix->selectAll();
}

void KeyList::setDeleteEnabled(bool enabled)
{
    m_delete->setEnabled(enabled);
}

void KeyList::refresh()
{
    if (!m_binding.isEmpty())
        requestPage(false);
}

void KeyList::loadMore()
{
    if (!m_binding.isEmpty() && !m_listComplete && !m_cursor.isEmpty())
        requestPage(true);
}

void KeyList::requestPage(bool append)
{
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_loadMore->setEnabled(false);
    QString path = QStringLiteral("/__edgedesk/v1/kv/%1/keys?limit=%2")
                       .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_binding)))
                       .arg(m_pageSize);
    if (!prefix().isEmpty())
        path += QStringLiteral("&prefix=") + QString::fromLatin1(QUrl::toPercentEncoding(prefix()));
    if (append)
        path += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(m_cursor));
    m_api->get(path, this, [this, generation, append](const ApiResponse &r) {
        // A newer request (the user kept typing) supersedes this one.
        if (generation != m_generation)
            return;
        m_loading = false;
        m_loadMore->setEnabled(true);
        if (!r.ok()) {
            showStatus(m_listInfo, tr("Cannot list the keys: %1").arg(r.describeError()), true);
            return;
        }
        showPage(r.json(), append);
    });
}

void KeyList::showPage(const QJsonObject &page, bool append)
{
    showStatus(m_listInfo, m_listInfo->text(), false);
    {
        const QSignalBlocker block(m_keys);
        if (!append)
            m_keys->clear();
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        for (const QJsonValue &v : page.value(QStringLiteral("keys")).toArray()) {
            const QJsonObject k = v.toObject();
            const QString name = k.value(QStringLiteral("name")).toString();
            auto *item = new QTreeWidgetItem(m_keys);
            item->setText(0, name);
            item->setToolTip(0, name);
            item->setData(0, Qt::UserRole, name);
            const qint64 expiration = qint64(k.value(QStringLiteral("expiration")).toDouble());
            if (expiration > 0) {
                item->setText(1,
                              DisplayFormat::timestamp(QDateTime::fromSecsSinceEpoch(expiration)));
                item->setToolTip(1, describeExpiresIn(expiration - now));
            }
            const QJsonValue metadata = k.value(QStringLiteral("metadata"));
            if (!metadata.isUndefined() && !metadata.isNull()) {
                const QString text =
                    metadata.isObject()
                        ? QString::fromUtf8(
                              QJsonDocument(metadata.toObject()).toJson(QJsonDocument::Compact))
                    : metadata.isArray()
                        ? QString::fromUtf8(
                              QJsonDocument(metadata.toArray()).toJson(QJsonDocument::Compact))
                        : metadata.toVariant().toString();
                item->setText(2, text);
                item->setToolTip(2, text);
            }
        }
    }
    m_cursor = page.value(QStringLiteral("cursor")).toString();
    m_listComplete = page.value(QStringLiteral("list_complete")).toBool(true);
    updateListState();
    Q_EMIT listed();
}

void KeyList::updateListState()
{
    const int count = m_keys->topLevelItemCount();
    if (count == 0) {
        if (prefix().isEmpty())
            m_listEmpty->set(tr("This namespace is empty"),
                             tr("Click New key (Ctrl+N) to store a value. Your code and curl "
                                "see the same keys."));
        else
            m_listEmpty->set(tr("No keys start with “%1”").arg(prefix()),
                             tr("Clear the filter to see every key."));
        m_listStack->setCurrentWidget(m_listEmpty);
    } else {
        m_listStack->setCurrentWidget(m_keys);
    }
    if (m_listComplete)
        m_listInfo->setText(count == 1 ? tr("1 key") : tr("%1 keys").arg(count));
    else
        m_listInfo->setText(tr("%1 keys shown, more available").arg(count));
    m_loadMore->setVisible(!m_listComplete);
}

void KeyList::showCurrent(const QString &key)
{
    const QSignalBlocker block(m_keys);
    for (int i = 0; i < m_keys->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_keys->topLevelItem(i);
        if (!key.isEmpty() && item->data(0, Qt::UserRole).toString() == key) {
            m_keys->setCurrentItem(item);
            return;
        }
    }
    m_keys->clearSelection();
    m_keys->setCurrentItem(nullptr);
}

QStringList KeyList::listedKeys() const
{
    QStringList out;
    for (int i = 0; i < m_keys->topLevelItemCount(); ++i)
        out.append(m_keys->topLevelItem(i)->data(0, Qt::UserRole).toString());
    return out;
}

} // namespace edgedesk
