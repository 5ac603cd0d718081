#include "traffic/trafficlog.h"

#include <QDateTime>
#include <QJsonArray>
#include <QMetaMethod>

#include <cmath>

namespace edgedesk {

namespace {

// Prometheus bucket bounds, seconds.
constexpr std::array<double, 14> kPromBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                0.1,    0.25,  0.5,    1,     2.5,  5,     10};
// Fine buckets: 10 µs × 1.1^i, i < 220 (up to ~13 minutes); ~5% resolution for percentiles.
constexpr double kFineBaseUs = 10.0;
constexpr double kFineFactor = 1.1;
constexpr int kFineBuckets = 220;

int fineBucket(qint64 us)
{
    if (us <= kFineBaseUs)
        return 0;
    const int i = int(std::ceil(std::log(double(us) / kFineBaseUs) / std::log(kFineFactor)));
    return qBound(0, i, kFineBuckets - 1);
}

QJsonArray headersJson(const TrafficHeaders &headers)
{
    QJsonArray out;
    for (const auto &h : headers)
        out.append(QJsonArray{QString::fromLatin1(h.first), QString::fromUtf8(h.second)});
    return out;
}

QByteArray escapeLabel(const QString &v)
{
    QByteArray out = v.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

} // namespace

TrafficLog::TrafficLog(int capacity, QObject *parent) : QObject(parent)
{
    m_ring.resize(size_t(qMax(1, capacity)));
    m_publishTimer.setSingleShot(true);
    m_publishTimer.setInterval(100);
    connect(&m_publishTimer, &QTimer::timeout, this, &TrafficLog::publish);
}

void TrafficLog::record(TrafficRecord record)
{
    RouteStats &stats = m_routes[record.route];
    if (stats.fine.empty())
        stats.fine.resize(kFineBuckets);
    ++stats.byStatus[record.status];
    ++stats.fine[size_t(fineBucket(record.durationUs))];
    const double seconds = double(record.durationUs) / 1e6;
    size_t b = 0;
    while (b < kPromBounds.size() && seconds > kPromBounds[b])
        ++b;
    ++stats.prom[b];
    stats.sumSeconds += seconds;
    ++stats.count;

    static const QMetaMethod recordedSignal = QMetaMethod::fromSignal(&TrafficLog::recorded);
    if (isSignalConnected(recordedSignal)) {
        m_pending.append(record);
        if (!m_publishTimer.isActive())
            m_publishTimer.start();
    }
    m_ring[m_next] = std::move(record);
    m_next = (m_next + 1) % m_ring.size();
    ++m_total;
}

void TrafficLog::publish()
{
    if (m_pending.isEmpty())
        return;
    Q_EMIT recorded(m_pending);
    m_pending.clear();
}

QList<TrafficRecord> TrafficLog::recent(int limit) const
{
    const quint64 available = qMin<quint64>(m_total, m_ring.size());
    const quint64 n = qMin<quint64>(available, quint64(qMax(0, limit)));
    QList<TrafficRecord> out;
    out.reserve(qsizetype(n));
    for (quint64 i = n; i > 0; --i) {
        const size_t idx = (m_next + m_ring.size() - size_t(i)) % m_ring.size();
        out.append(m_ring[idx]);
    }
    return out;
}

double TrafficLog::percentileMs(const RouteStats &stats, double q)
{
    if (stats.count == 0)
        return 0;
    const quint64 rank = quint64(std::ceil(q * double(stats.count)));
    quint64 seen = 0;
    for (int i = 0; i < kFineBuckets; ++i) {
        seen += stats.fine[size_t(i)];
        if (seen >= rank)
            return kFineBaseUs * std::pow(kFineFactor, i) / 1000.0;
    }
    return kFineBaseUs * std::pow(kFineFactor, kFineBuckets - 1) / 1000.0;
}

QJsonObject TrafficLog::routeStats() const
{
    QJsonObject out;
    for (auto it = m_routes.cbegin(); it != m_routes.cend(); ++it) {
        quint64 errors = 0;
        for (auto s = it->byStatus.cbegin(); s != it->byStatus.cend(); ++s) {
            if (s.key() >= 500)
                errors += s.value();
        }
        auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
        out.insert(it.key(),
                   QJsonObject{{QStringLiteral("count"), double(it->count)},
                               {QStringLiteral("errors"), double(errors)},
                               {QStringLiteral("p50_ms"), round3(percentileMs(*it, 0.50))},
                               {QStringLiteral("p95_ms"), round3(percentileMs(*it, 0.95))},
                               {QStringLiteral("p99_ms"), round3(percentileMs(*it, 0.99))}});
    }
    return out;
}

QByteArray TrafficLog::prometheus() const
{
    QByteArray out;
    out += "# HELP edgedesk_requests_total Requests answered by the router, by route and status.\n"
           "# TYPE edgedesk_requests_total counter\n";
    QStringList routes = m_routes.keys();
    routes.sort();
    for (const QString &route : routes) {
        const RouteStats &s = m_routes[route];
        for (auto it = s.byStatus.cbegin(); it != s.byStatus.cend(); ++it) {
            out += "edgedesk_requests_total{route=\"" + escapeLabel(route) + "\",status=\"" +
                   QByteArray::number(it.key()) + "\"} " + QByteArray::number(it.value()) + '\n';
        }
    }
    out += "# HELP edgedesk_request_duration_seconds Time from request to complete answer.\n"
           "# TYPE edgedesk_request_duration_seconds histogram\n";
    for (const QString &route : routes) {
        const RouteStats &s = m_routes[route];
        const QByteArray label = "route=\"" + escapeLabel(route) + '"';
        quint64 cumulative = 0;
        for (size_t b = 0; b < kPromBounds.size(); ++b) {
            cumulative += s.prom[b];
            out += "edgedesk_request_duration_seconds_bucket{" + label + ",le=\"" +
                   QByteArray::number(kPromBounds[b], 'g', 6) + "\"} " +
                   QByteArray::number(cumulative) + '\n';
        }
        cumulative += s.prom[kPromBounds.size()];
        out += "edgedesk_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
               QByteArray::number(cumulative) + '\n';
        out += "edgedesk_request_duration_seconds_sum{" + label + "} " +
               QByteArray::number(s.sumSeconds, 'f', 6) + '\n';
        out += "edgedesk_request_duration_seconds_count{" + label + "} " +
               QByteArray::number(s.count) + '\n';
    }
    return out;
}

TrafficHeaders TrafficLog::headersFromJson(const QJsonValue &value)
{
    TrafficHeaders out;
    for (const QJsonValue &pair : value.toArray()) {
        const QJsonArray nameValue = pair.toArray();
        if (nameValue.size() == 2)
            out.append({nameValue[0].toString().toLatin1(), nameValue[1].toString().toUtf8()});
    }
    return out;
}

QJsonObject TrafficLog::toJson(const TrafficRecord &r)
{
    QJsonObject o{
        {QStringLiteral("id"), double(r.id)},
        {QStringLiteral("time"),
         QDateTime::fromMSecsSinceEpoch(r.timeMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("method"), r.method},
        {QStringLiteral("path"), r.path},
        {QStringLiteral("route"), r.route},
        {QStringLiteral("binding"), r.binding},
        {QStringLiteral("status"), r.status},
        {QStringLiteral("duration_ms"), double(r.durationUs) / 1000.0},
        {QStringLiteral("bytes_in"), double(r.bytesIn)},
        {QStringLiteral("bytes_out"), double(r.bytesOut)},
        {QStringLiteral("instance"), r.instance},
        {QStringLiteral("queue_ms"),
         r.queueUs < 0 ? QJsonValue() : QJsonValue(double(r.queueUs) / 1000.0)},
        {QStringLiteral("upstream_ms"),
         r.queueUs < 0 ? QJsonValue() : QJsonValue(double(r.durationUs - r.queueUs) / 1000.0)},
        {QStringLiteral("request_headers"), headersJson(r.requestHeaders)},
        {QStringLiteral("response_headers"), headersJson(r.responseHeaders)},
    };
    return o;
}

} // namespace edgedesk
