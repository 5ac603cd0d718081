#include "api/historyview.h"

#include "panel.h"
#include "widgets/displayformat.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

enum Column
{
    RequestColumn,
    StatusColumn,
    TimeColumn,
    ColumnCount
};

} // namespace

HistoryView::HistoryView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("<b>History</b>"), this);
    layout->addWidget(title);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("apiHistorySearch"));
    m_search->setPlaceholderText(tr("Search method, path, status, headers, body"));
    m_search->setClearButtonEnabled(true);
    m_search->addAction(Panel::themedIcon(QStringLiteral("search")), QLineEdit::LeadingPosition);
    layout->addWidget(m_search);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("apiHistoryList"));
    m_list->setRootIsDecorated(false);
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Request"), tr("Status"), tr("Time")});
    m_list->setUniformRowHeights(true);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setTextElideMode(Qt::ElideMiddle);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(RequestColumn, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(StatusColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(TimeColumn, QHeaderView::ResizeToContents);
    m_list->setAccessibleName(tr("Request history"));
    layout->addWidget(m_list, 1);

    m_empty = new QLabel(tr("Requests you send appear here."), this);
    m_empty->setObjectName(QStringLiteral("apiHistoryEmpty"));
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_empty);

    auto *buttons = new QHBoxLayout;
    m_sendAgain =
        new QPushButton(Panel::themedIcon(QStringLiteral("play")), tr("Send again"), this);
    m_sendAgain->setObjectName(QStringLiteral("apiHistorySend"));
    m_sendAgain->setToolTip(tr("Send the selected request again, exactly as it was"));
    m_copy = new QPushButton(Panel::themedIcon(QStringLiteral("copy")), tr("Copy as curl"), this);
    m_copy->setObjectName(QStringLiteral("apiHistoryCopy"));
    m_copy->setToolTip(tr("Copy the selected request as a curl command"));
    buttons->addWidget(m_sendAgain);
    buttons->addWidget(m_copy);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    connect(m_search, &QLineEdit::textChanged, this, &HistoryView::applySearch);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &HistoryView::updateButtons);
    connect(m_list, &QTreeWidget::itemClicked, this, [this] {
        if (const RequestHistory::Entry *e = selectedEntry())
            Q_EMIT openRequested(*e);
    });
    connect(m_list, &QTreeWidget::itemActivated, this, [this] {
        if (const RequestHistory::Entry *e = selectedEntry())
            Q_EMIT openRequested(*e);
    });
    connect(m_sendAgain, &QPushButton::clicked, this, [this] {
        if (const RequestHistory::Entry *e = selectedEntry())
            Q_EMIT sendAgainRequested(*e);
    });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (const RequestHistory::Entry *e = selectedEntry())
            Q_EMIT copyCurlRequested(*e);
    });
    connect(m_list, &QTreeWidget::customContextMenuRequested, this, &HistoryView::showMenu);
    refresh();
}

void HistoryView::setHistory(const RequestHistory *history)
{
    m_history = history;
    refresh();
}

void HistoryView::refresh()
{
    QSignalBlocker block(m_list);
    m_list->clear();
    const QList<RequestHistory::Entry> none;
    const QList<RequestHistory::Entry> &entries = m_history ? m_history->entries() : none;
    for (int i = 0; i < entries.size(); ++i) {
        const RequestHistory::Entry &e = entries[i];
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(RequestColumn,
                      QStringLiteral("%1 %2").arg(QString::fromLatin1(e.method), e.path));
        item->setText(StatusColumn, e.status > 0 ? QString::number(e.status) : tr("—"));
        item->setText(TimeColumn, DisplayFormat::duration(double(e.elapsedMs)));
        item->setData(RequestColumn, Qt::UserRole, i);
        item->setTextAlignment(StatusColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(TimeColumn, Qt::AlignRight | Qt::AlignVCenter);
        if (e.status == 0 || e.status >= 400)
            item->setForeground(StatusColumn, QColor(0xc5, 0x30, 0x30));
        QString tip =
            tr("%1 %2\n%3 · %4 · %5 received\nsent %6")
                .arg(QString::fromLatin1(e.method), e.path, DisplayFormat::httpStatus(e.status),
                     DisplayFormat::duration(double(e.elapsedMs)), DisplayFormat::bytes(e.size),
                     DisplayFormat::timestamp(QDateTime::fromMSecsSinceEpoch(e.timeMs)));
        if (!e.instance.isEmpty())
            tip += tr("\nserved by %1").arg(e.instance);
        if (e.bodyOmitted)
            tip += tr("\nThe body was larger than %1 and was not kept")
                       .arg(DisplayFormat::bytes(RequestHistory::kMaxBody));
        item->setToolTip(RequestColumn, tip);
    }
    applySearch();
}

void HistoryView::setSearch(const QString &text)
{
    m_search->setText(text);
}

void HistoryView::applySearch()
{
    const QString needle = m_search->text().trimmed();
    const QList<RequestHistory::Entry> none;
    const QList<RequestHistory::Entry> &entries = m_history ? m_history->entries() : none;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_list->topLevelItem(i);
        const int index = item->data(RequestColumn, Qt::UserRole).toInt();
        item->setHidden(index >= entries.size() || !entries[index].matches(needle));
    }
    const int visible = visibleCount();
    m_empty->setVisible(visible == 0);
    m_empty->setText(entries.isEmpty() ? tr("Requests you send appear here.")
                                       : tr("No request matches the search."));
    updateButtons();
}

int HistoryView::visibleCount() const
{
    int n = 0;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i)
        n += m_list->topLevelItem(i)->isHidden() ? 0 : 1;
    return n;
}

const RequestHistory::Entry *HistoryView::selectedEntry() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item || item->isHidden() || !item->isSelected() || !m_history)
        return nullptr;
    const int index = item->data(RequestColumn, Qt::UserRole).toInt();
    return index >= 0 && index < m_history->entries().size() ? &m_history->entries()[index]
                                                             : nullptr;
}

void HistoryView::updateButtons()
{
    const RequestHistory::Entry *e = selectedEntry();
    m_sendAgain->setEnabled(e && !e->bodyOmitted);
    m_copy->setEnabled(e && !e->bodyOmitted);
}

void HistoryView::showMenu(const QPoint &pos)
{
    QTreeWidgetItem *item = m_list->itemAt(pos);
    if (!item)
        return;
    m_list->setCurrentItem(item);
    const RequestHistory::Entry *e = selectedEntry();
    if (!e)
        return;
    const RequestHistory::Entry entry = *e;
    QMenu menu(this);
    menu.addAction(tr("Open in the builder"), this, [this, entry] { Q_EMIT openRequested(entry); });
    QAction *send =
        menu.addAction(tr("Send again"), this, [this, entry] { Q_EMIT sendAgainRequested(entry); });
    QAction *copy = menu.addAction(tr("Copy as curl"), this,
                                   [this, entry] { Q_EMIT copyCurlRequested(entry); });
    send->setEnabled(!entry.bodyOmitted);
    copy->setEnabled(!entry.bodyOmitted);
    menu.exec(m_list->viewport()->mapToGlobal(pos));
}

} // namespace edgedesk
