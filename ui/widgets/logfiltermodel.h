#pragma once

#include <QSortFilterProxyModel>
#include <QString>

namespace edgedesk {

class LogModel;

// Which log lines are shown: a minimum level, one source (or all) and a case-insensitive text
// search over the message, source and category.
class LogFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogFilterModel)

public:
    explicit LogFilterModel(QObject *parent = nullptr);

    void setLogModel(LogModel *model);
    void setMinimumLevel(int rank); // LogModel::levelRank; 0 shows everything
    int minimumLevel() const { return m_minLevel; }
    void setSource(const QString &source); // empty: every source
    QString source() const { return m_source; }
    void setSearch(const QString &text);
    QString search() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    LogModel *m_log = nullptr;
    int m_minLevel = 0;
    QString m_source;
    QString m_search;
};

} // namespace edgedesk
