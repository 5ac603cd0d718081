#include "widgets/trafficfiltermodel.h"

#include "widgets/trafficmodel.h"

namespace edgedesk {

TrafficFilterModel::TrafficFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(TrafficModel::SortRole);
}

void TrafficFilterModel::setTrafficModel(TrafficModel *model)
{
    m_traffic = model;
    setSourceModel(model);
}

void TrafficFilterModel::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateRowsFilter();
}

void TrafficFilterModel::setErrorsOnly(bool on)
{
    if (on == m_errorsOnly)
        return;
    m_errorsOnly = on;
    invalidateRowsFilter();
}

void TrafficFilterModel::setShowControlApi(bool on)
{
    if (on == m_showControl)
        return;
    m_showControl = on;
    invalidateRowsFilter();
}

bool TrafficFilterModel::isControlApi(const QString &path)
{
    return path.startsWith(QLatin1String("/__edgedesk/"));
}

bool TrafficFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (!m_traffic)
        return true;
    const TrafficRecord &r = m_traffic->record(sourceRow);
    if (!m_showControl && isControlApi(r.path))
        return false;
    if (m_errorsOnly && r.status > 0 && r.status < 400)
        return false;
    if (m_text.isEmpty())
        return true;
    return r.path.contains(m_text, Qt::CaseInsensitive) ||
           r.route.contains(m_text, Qt::CaseInsensitive) ||
           r.method.compare(m_text, Qt::CaseInsensitive) == 0 ||
           r.instance.contains(m_text, Qt::CaseInsensitive) || QString::number(r.status) == m_text;
}

bool TrafficFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    const auto order = QVariant::compare(a, b);
    if (order == QPartialOrdering::Less)
        return true;
    if (order == QPartialOrdering::Greater)
        return false;
    return left.row() < right.row();
}

} // namespace edgedesk
