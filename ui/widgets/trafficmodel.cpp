#include "widgets/trafficmodel.h"

#include "traffic/trafficlog.h"
#include "widgets/displayformat.h"
#include "widgets/themecolors.h"

#include <QApplication>
#include <QColor>
#include <QDateTime>
#include <QFontDatabase>
#include <QJsonObject>

namespace edgedesk {

TrafficModel::TrafficModel(QObject *parent) : CappedRowsModel(5000, parent) {}

int TrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrafficModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= size())
        return {};
    const TrafficRecord &r = record(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(r.timeMs).toString(
                QStringLiteral("HH:mm:ss.zzz"));
        case MethodColumn:
            return r.method;
        case PathColumn:
            return r.path;
        case RouteColumn:
            return r.route;
        case StatusColumn:
            return r.status;
        case DurationColumn:
            return DisplayFormat::duration(double(r.durationUs) / 1000.0);
        case BytesColumn:
            return DisplayFormat::bytes(r.bytesOut);
        case InstanceColumn:
            return r.instance.isEmpty() ? QStringLiteral("—") : r.instance;
        }
    } else if (role == SortRole) {
        switch (index.column()) {
        case TimeColumn:
            return r.timeMs;
        case StatusColumn:
            return r.status;
        case DurationColumn:
            return r.durationUs;
        case BytesColumn:
            return r.bytesOut;
        default:
            return data(index, Qt::DisplayRole);
        }
    } else if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
        // Readable on the view's base colour, light or dark.
        const QColor base = QApplication::palette().color(QPalette::Base);
        if (r.status >= 500 || r.status == 0)
            return ThemeColors::toneText(ThemeColors::Tone::Bad, base);
        if (r.status >= 400)
            return ThemeColors::toneText(ThemeColors::Tone::Warning, base);
        return ThemeColors::toneText(ThemeColors::Tone::Good, base);
    } else if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
        case StatusColumn:
        case DurationColumn:
        case BytesColumn:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return int(Qt::AlignLeft | Qt::AlignVCenter);
        }
    } else if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case PathColumn:
            return r.path;
        case BytesColumn:
            return tr("%1 in, %2 out")
                .arg(DisplayFormat::bytes(r.bytesIn), DisplayFormat::bytes(r.bytesOut));
        case RouteColumn:
            return r.binding.isEmpty() ? QVariant() : tr("binding %1").arg(r.binding);
        default:
            return {};
        }
    } else if (role == Qt::FontRole && index.column() == PathColumn) {
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    }
    return {};
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case MethodColumn:
        return tr("Method");
    case PathColumn:
        return tr("Path");
    case RouteColumn:
        return tr("Route");
    case StatusColumn:
        return tr("Status");
    case DurationColumn:
        return tr("Duration");
    case BytesColumn:
        return tr("Bytes");
    case InstanceColumn:
        return tr("Instance");
    }
    return {};
}

TrafficRecord TrafficModel::fromJson(const QJsonObject &json)
{
    TrafficRecord r;
    r.id = quint64(json.value(QStringLiteral("id")).toDouble());
    const QDateTime time =
        QDateTime::fromString(json.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
    r.timeMs = time.isValid() ? time.toMSecsSinceEpoch() : 0;
    r.method = json.value(QStringLiteral("method")).toString();
    r.path = json.value(QStringLiteral("path")).toString();
    r.route = json.value(QStringLiteral("route")).toString();
    r.binding = json.value(QStringLiteral("binding")).toString();
    r.status = json.value(QStringLiteral("status")).toInt();
    r.durationUs = qint64(json.value(QStringLiteral("duration_ms")).toDouble() * 1000.0 + 0.5);
    r.bytesIn = qint64(json.value(QStringLiteral("bytes_in")).toDouble());
    r.bytesOut = qint64(json.value(QStringLiteral("bytes_out")).toDouble());
    r.instance = json.value(QStringLiteral("instance")).toString();
    if (const QJsonValue queue = json.value(QStringLiteral("queue_ms")); queue.isDouble())
        r.queueUs = qint64(queue.toDouble() * 1000.0 + 0.5);
    r.requestHeaders = TrafficLog::headersFromJson(json.value(QStringLiteral("request_headers")));
    r.responseHeaders = TrafficLog::headersFromJson(json.value(QStringLiteral("response_headers")));
    return r;
}

} // namespace edgedesk
