#pragma once

#include "logging/logentry.h"

#include <QAbstractListModel>
#include <QList>

#include <deque>

namespace edgedesk {

// Log lines as a list model: a ring of at most capacity() entries (oldest dropped first), filled
// in batches so a burst of thousands of lines costs one insert notification.
class LogModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogModel)

public:
    enum Role
    {
        LevelRole = Qt::UserRole + 1,
        SourceRole,
        CategoryRole,
        MessageRole,
        TimeRole,
        SeqRole
    };

    explicit LogModel(QObject *parent = nullptr);

    void setCapacity(int capacity);
    int capacity() const { return m_capacity; }
    void append(const QList<LogEntry> &entries);
    void clear();
    const LogEntry &entry(int row) const { return m_entries[size_t(row)]; }
    int size() const { return int(m_entries.size()); }
    quint64 lastSeq() const { return m_entries.empty() ? 0 : m_entries.back().seq; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

    // "12:03:04.567  error    BACKEND/instance-0  [stderr] message"
    static QString formatLine(const LogEntry &entry);
    // debug 0, info 1, warning 2, error 3 (critical/fatal count as error, unknown as info).
    static int levelRank(const QString &level);
    // A LogEntry from one line of GET /__edgedesk/v1/logs.
    static LogEntry fromJson(const QJsonObject &line);

private:
    std::deque<LogEntry> m_entries;
    int m_capacity = 20000;
};

} // namespace edgedesk
