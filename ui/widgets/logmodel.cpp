#include "widgets/logmodel.h"

#include <QDateTime>
#include <QJsonObject>

namespace edgedesk {

LogModel::LogModel(QObject *parent) : QAbstractListModel(parent) {}

void LogModel::setCapacity(int capacity)
{
    m_capacity = qMax(1, capacity);
    const int excess = size() - m_capacity;
    if (excess > 0) {
        beginRemoveRows({}, 0, excess - 1);
        m_entries.erase(m_entries.begin(), m_entries.begin() + excess);
        endRemoveRows();
    }
}

void LogModel::append(const QList<LogEntry> &entries)
{
    if (entries.isEmpty())
        return;
    // Only the newest `capacity` of the batch can survive; older ones are never inserted.
    const int keep = qMin(int(entries.size()), m_capacity);
    const int drop = qMax(0, size() + keep - m_capacity);
    if (drop > 0) {
        beginRemoveRows({}, 0, drop - 1);
        m_entries.erase(m_entries.begin(), m_entries.begin() + drop);
        endRemoveRows();
    }
    beginInsertRows({}, size(), size() + keep - 1);
    for (qsizetype i = entries.size() - keep; i < entries.size(); ++i)
        m_entries.push_back(entries[i]);
    endInsertRows();
}

void LogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : size();
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= size())
        return {};
    const LogEntry &e = entry(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return formatLine(e);
    case Qt::ToolTipRole:
        return e.message.size() > 120 ? e.message.left(2000) : QVariant();
    case LevelRole:
        return e.level;
    case SourceRole:
        return e.source;
    case CategoryRole:
        return e.category;
    case MessageRole:
        return e.message;
    case TimeRole:
        return e.timeMs;
    case SeqRole:
        return e.seq;
    default:
        return {};
    }
}

QString LogModel::formatLine(const LogEntry &e)
{
    const QString time = QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(
        QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    QString line = QStringLiteral("%1  %2  %3").arg(time, e.level.leftJustified(7), e.source);
    if (!e.category.isEmpty())
        line += QStringLiteral("  [%1]").arg(e.category);
    line += QStringLiteral("  ") + e.message;
    return line;
}

int LogModel::levelRank(const QString &level)
{
    if (level == QLatin1String("debug"))
        return 0;
    if (level == QLatin1String("warning"))
        return 2;
    if (level == QLatin1String("error") || level == QLatin1String("critical") ||
        level == QLatin1String("fatal"))
        return 3;
    return 1;
}

LogEntry LogModel::fromJson(const QJsonObject &line)
{
    LogEntry e;
    e.seq = quint64(line.value(QStringLiteral("seq")).toDouble());
    const QString time = line.value(QStringLiteral("time")).toString();
    const QDateTime dt = QDateTime::fromString(time, Qt::ISODateWithMs);
    e.timeMs = dt.isValid() ? dt.toMSecsSinceEpoch() : 0;
    e.level = line.value(QStringLiteral("level")).toString(QStringLiteral("info"));
    e.source = line.value(QStringLiteral("source")).toString();
    e.category = line.value(QStringLiteral("category")).toString();
    e.message = line.value(QStringLiteral("message")).toString();
    return e;
}

} // namespace edgedesk
