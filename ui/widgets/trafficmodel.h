#pragma once

#include "traffic/trafficrecord.h"

#include <QAbstractTableModel>
#include <QList>

#include <deque>

namespace edgedesk {

// Recent requests as a table: a ring of at most capacity() records, oldest dropped first.
class TrafficModel final : public QAbstractTableModel
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

    void setCapacity(int capacity);
    int capacity() const { return m_capacity; }
    void append(const QList<TrafficRecord> &records);
    void clear();
    const TrafficRecord &record(int row) const { return m_records[size_t(row)]; }
    int size() const { return int(m_records.size()); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // A record from one entry of GET /__edgedesk/v1/traffic.
    static TrafficRecord fromJson(const QJsonObject &json);
    static QString formatBytes(qint64 bytes);
    static QString formatDuration(qint64 durationUs);

private:
    std::deque<TrafficRecord> m_records;
    int m_capacity = 5000;
};

} // namespace edgedesk
