#pragma once

#include "traffic/trafficrecord.h"
#include "widgets/cappedrowsmodel.h"

#include <QAbstractTableModel>

namespace edgedesk {

// Recent requests as a table, at most capacity() of them (5,000 unless set).
class TrafficModel final : public CappedRowsModel<TrafficRecord, QAbstractTableModel>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficModel)

public:
    enum Column
    {
        TimeColumn,
        MethodColumn,
        PathColumn,
        RouteColumn,
        StatusColumn,
        DurationColumn,
        BytesColumn,
        InstanceColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit TrafficModel(QObject *parent = nullptr);

    const TrafficRecord &record(int row) const { return at(row); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // A record from one entry of GET /__edgedesk/v1/traffic.
    static TrafficRecord fromJson(const QJsonObject &json);
};

} // namespace edgedesk
