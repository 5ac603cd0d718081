#pragma once

#include "widgets/logsearch.h"

#include <QSet>
#include <QSortFilterProxyModel>
#include <QString>

namespace edgedesk {

class LogModel;

// Which log lines are shown: a minimum level, a set of sources (or all) and a search (plain or
// regular expression, with or without case) over the message, source and category.
class LogFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogFilterModel)

public:
    explicit LogFilterModel(QObject *parent = nullptr);

    void setLogModel(LogModel *model);
    void setMinimumLevel(int rank); // LogModel::levelRank; 0 shows everything
    int minimumLevel() const { return m_minLevel; }
    void setSources(const QSet<QString> &sources); // empty: every source
    QSet<QString> sources() const { return m_sources; }
    // One source, or every source when empty.
    void setSource(const QString &source);
    void setSearch(const LogSearch &search);
    // Plain text, case-insensitive.
    void setSearch(const QString &text);
    const LogSearch &search() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    LogModel *m_log = nullptr;
    int m_minLevel = 0;
    QSet<QString> m_sources;
    LogSearch m_search;
};

} // namespace edgedesk
