#include "widgets/logfiltermodel.h"

#include "widgets/logmodel.h"

namespace edgedesk {

LogFilterModel::LogFilterModel(QObject *parent) : QSortFilterProxyModel(parent) {}

void LogFilterModel::setLogModel(LogModel *model)
{
    m_log = model;
    setSourceModel(model);
}

void LogFilterModel::setMinimumLevel(int rank)
{
    if (rank == m_minLevel)
        return;
    m_minLevel = rank;
    invalidateRowsFilter();
}

void LogFilterModel::setSource(const QString &source)
{
    if (source == m_source)
        return;
    m_source = source;
    invalidateRowsFilter();
}

void LogFilterModel::setSearch(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    invalidateRowsFilter();
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (!m_log)
        return true;
    // Straight from the entries: building QVariants for every row would make a 20,000-line
    // re-filter noticeably slow.
    const LogEntry &e = m_log->entry(sourceRow);
    if (m_minLevel > 0 && LogModel::levelRank(e.level) < m_minLevel)
        return false;
    if (!m_source.isEmpty() && e.source != m_source)
        return false;
    if (!m_search.isEmpty() && !e.message.contains(m_search, Qt::CaseInsensitive) &&
        !e.source.contains(m_search, Qt::CaseInsensitive) &&
        !e.category.contains(m_search, Qt::CaseInsensitive))
        return false;
    return true;
}

} // namespace edgedesk
