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

void LogFilterModel::setSources(const QSet<QString> &sources)
{
    if (sources == m_sources)
        return;
    m_sources = sources;
    invalidateRowsFilter();
}

void LogFilterModel::setSource(const QString &source)
{
    setSources(source.isEmpty() ? QSet<QString>() : QSet<QString>{source});
}

void LogFilterModel::setSearch(const LogSearch &search)
{
    if (search == m_search)
        return;
    m_search = search;
    invalidateRowsFilter();
}

void LogFilterModel::setSearch(const QString &text)
{
    setSearch(LogSearch(text, false, false));
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
    if (!m_sources.isEmpty() && !m_sources.contains(e.source))
        return false;
    if (!m_search.isEmpty() && !m_search.matches(e.message) && !m_search.matches(e.source) &&
        !m_search.matches(e.category))
        return false;
    return true;
}

} // namespace edgedesk
