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
    setUniformItemSizes(true);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
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
    m_delegate->setHighlight(text);
    m_filter->setSearch(text);
    viewport()->update();
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
