#include "widgets/logview.h"

#include "widgets/logdelegate.h"
#include "widgets/logfiltermodel.h"
#include "widgets/logmodel.h"

#include <QFontDatabase>
#include <QScrollBar>

namespace edgedesk {

LogView::LogView(QWidget *parent)
    : QListView(parent), m_model(new LogModel(this)), m_filter(new LogFilterModel(this)),
      m_delegate(new LogDelegate(this))
{
    m_filter->setLogModel(m_model);
    setModel(m_filter);
    setItemDelegate(m_delegate);
    m_delegate->setWidth(viewport()->width());
    // Wrapped lines have rows of their own height; batches keep a 20,000-line layout from
    // blocking the window.
    setUniformItemSizes(false);
    setLayoutMode(QListView::Batched);
    setBatchSize(2000);
    setResizeMode(QListView::Adjust);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Always there, so wrapping never makes the bar come and go (and the width with it).
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);

    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow)
            scrollToNewest();
    });
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, [this] {
        if (m_follow)
            scrollToNewest();
    });
    connect(m_filter, &QAbstractItemModel::modelReset, this, [this] {
        if (m_follow)
            scrollToNewest();
    });
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this] {
        if (m_follow)
            scrollToNewest();
    });
    // Only the user's own scrolling (wheel, dragging, clicks on the bar) turns follow off or
    // back on; the view moves the bar itself when rows are filtered or inserted.
    connect(verticalScrollBar(), &QScrollBar::actionTriggered, this, [this] {
        const QScrollBar *bar = verticalScrollBar();
        setFollow(bar->sliderPosition() >= bar->maximum() - 2);
    });
}

void LogView::append(const QList<LogEntry> &entries)
{
    m_model->append(entries);
}

void LogView::clear()
{
    m_model->clear();
}

void LogView::setSearch(const QString &text)
{
    setSearch(LogSearch(text, false, false));
}

void LogView::setSearch(const LogSearch &search)
{
    m_delegate->setSearch(search);
    m_filter->setSearch(search);
    viewport()->update();
}

void LogView::setWrap(bool on)
{
    m_delegate->setWrap(on);
    relayout();
}

bool LogView::wrap() const
{
    return m_delegate->wrap();
}

void LogView::setShowTime(bool on)
{
    m_delegate->setShowTime(on);
    relayout();
}

bool LogView::showTime() const
{
    return m_delegate->showTime();
}

void LogView::setParseJson(bool on)
{
    m_delegate->setParseJson(on);
    relayout();
}

bool LogView::parseJson() const
{
    return m_delegate->parseJson();
}

void LogView::relayout()
{
    scheduleDelayedItemsLayout();
    viewport()->update();
}

void LogView::resizeEvent(QResizeEvent *event)
{
    m_delegate->setWidth(viewport()->width());
    QListView::resizeEvent(event);
    relayout();
}

void LogView::setFollow(bool on)
{
    if (m_follow == on)
        return;
    m_follow = on;
    if (on)
        scrollToNewest();
    Q_EMIT followChanged(on);
}

void LogView::scrollToNewest()
{
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

QStringList LogView::visibleLines() const
{
    QStringList lines;
    lines.reserve(m_filter->rowCount());
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QModelIndex source = m_filter->mapToSource(m_filter->index(row, 0));
        lines.append(LogModel::formatLine(m_model->entry(source.row())));
    }
    return lines;
}

} // namespace edgedesk
