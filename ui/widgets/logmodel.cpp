#include "widgets/logmodel.h"

#include <QDateTime>
#include <QJsonObject>

namespace edgedesk {

LogModel::LogModel(QObject *parent) : CappedRowsModel(20000, parent) {}

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
