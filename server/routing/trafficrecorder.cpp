#include "routing/trafficrecorder.h"

#include "routing/route.h"
#include "traffic/trafficlog.h"

#include <QDateTime>

namespace edgedesk {

namespace {

// The common methods as shared strings: a traffic record per request need not allocate them.
QString methodText(const QByteArray &method)
{
    static const QString common[] = {QStringLiteral("GET"),    QStringLiteral("POST"),
                                     QStringLiteral("PUT"),    QStringLiteral("DELETE"),
                                     QStringLiteral("HEAD"),   QStringLiteral("PATCH"),
                                     QStringLiteral("OPTIONS")};
    for (const QString &m : common) {
        if (method.size() == m.size() && QLatin1StringView(method) == m)
            return m;
    }
    return QString::fromLatin1(method);
}

} // namespace

void TrafficRecorder::exchangeFinished(const HttpExchange &exchange, int status, qint64 bytesOut)
{
    if (!m_log)
        return;
    TrafficRecord record;
    record.id = exchange.id();
    record.timeMs = QDateTime::currentMSecsSinceEpoch();
    record.method = methodText(exchange.method());
    record.path = QString::fromUtf8(exchange.rawPath());
    if (!exchange.rawQuery().isEmpty())
        record.path += QLatin1Char('?') + QString::fromUtf8(exchange.rawQuery());
    if (const Route *route = exchange.route()) {
        record.route = route->name;
        record.binding = route->binding;
    } else {
        record.route = status == 404 ? QStringLiteral("unmatched") : QStringLiteral("refused");
    }
    record.status = status;
    record.durationUs = exchange.elapsedUs();
    record.queueUs = exchange.queueWaitUs();
    record.bytesIn = exchange.bodySize();
    record.bytesOut = bytesOut;
    record.instance = exchange.instance();
    record.peer = exchange.peerText();
    m_log->record(std::move(record));
}

} // namespace edgedesk
