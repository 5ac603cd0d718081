#pragma once

#include <QAbstractItemModel>
#include <QList>

#include <deque>

namespace edgedesk {

// The rows of a live table (log lines, requests): a ring of at most capacity() rows, oldest
// dropped first, filled in batches so a burst of thousands of rows costs one insert
// notification. `Base` is the Qt model class (a list or a table model).
template <typename Row, typename Base> class CappedRowsModel : public Base
{
public:
    void setCapacity(int capacity)
    {
        m_capacity = qMax(1, capacity);
        const int excess = size() - m_capacity;
        if (excess > 0) {
            this->beginRemoveRows({}, 0, excess - 1);
            m_rows.erase(m_rows.begin(), m_rows.begin() + excess);
            this->endRemoveRows();
        }
    }
    int capacity() const { return m_capacity; }

    void append(const QList<Row> &rows)
    {
        if (rows.isEmpty())
            return;
        // Only the newest `capacity` of the batch can survive; older ones are never inserted.
        const int keep = qMin(int(rows.size()), m_capacity);
        const int drop = qMax(0, size() + keep - m_capacity);
        if (drop > 0) {
            this->beginRemoveRows({}, 0, drop - 1);
            m_rows.erase(m_rows.begin(), m_rows.begin() + drop);
            this->endRemoveRows();
        }
        this->beginInsertRows({}, size(), size() + keep - 1);
        for (qsizetype i = rows.size() - keep; i < rows.size(); ++i)
            m_rows.push_back(rows[i]);
        this->endInsertRows();
    }

    void clear()
    {
        this->beginResetModel();
        m_rows.clear();
        this->endResetModel();
    }

    int size() const { return int(m_rows.size()); }
    const Row &at(int row) const { return m_rows[size_t(row)]; }
    bool isEmpty() const { return m_rows.empty(); }
    const Row &last() const { return m_rows.back(); }

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : size();
    }

protected:
    CappedRowsModel(int capacity, QObject *parent) : Base(parent), m_capacity(capacity) {}

private:
    std::deque<Row> m_rows;
    int m_capacity;
};

} // namespace edgedesk
