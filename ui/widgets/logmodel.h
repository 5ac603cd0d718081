#pragma once

#include "logging/logentry.h"
#include "widgets/cappedrowsmodel.h"

#include <QAbstractListModel>

namespace edgedesk {

// Log lines as a list model, at most capacity() of them (20,000 unless set).
class LogModel final : public CappedRowsModel<LogEntry, QAbstractListModel>
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

    const LogEntry &entry(int row) const { return at(row); }
    quint64 lastSeq() const { return isEmpty() ? 0 : last().seq; }

    QVariant data(const QModelIndex &index, int role) const override;

    // "12:03:04.567  error    BACKEND/instance-0  [stderr] message"
    static QString formatLine(const LogEntry &entry);
    // debug 0, info 1, warning 2, error 3 (critical/fatal count as error, unknown as info).
    static int levelRank(const QString &level);
    // A LogEntry from one line of GET /__edgedesk/v1/logs.
    static LogEntry fromJson(const QJsonObject &line);
};

} // namespace edgedesk
