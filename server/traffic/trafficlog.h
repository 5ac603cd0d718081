#pragma once

#include "traffic/trafficrecord.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QTimer>

#include <array>
#include <vector>

namespace edgedesk {

// Recent traffic (a ring buffer), per-route counters and latency histograms. Lives in the server
// thread; records are published to the UI in batches so that a load test cannot flood the GUI
// thread with one queued event per request.
class TrafficLog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficLog)

public:
    explicit TrafficLog(int capacity = 10000, QObject *parent = nullptr);

    void record(TrafficRecord record);
    // Most recent last; at most `limit`.
    QList<TrafficRecord> recent(int limit) const;
    quint64 total() const { return m_total; }

    // Prometheus text exposition: requests by route and status, latency histograms by route.
    QByteArray prometheus() const;
    // {"route": {"count":N,"p50_ms":..,"p95_ms":..,"p99_ms":..,"errors":N}, ...}
    QJsonObject routeStats() const;

    // Headers are [name, value] pairs in order; queue_ms and upstream_ms are null when the server
    // answered by itself.
    static QJsonObject toJson(const TrafficRecord &record);
    static TrafficHeaders headersFromJson(const QJsonValue &value);

Q_SIGNALS:
    void recorded(const QList<edgedesk::TrafficRecord> &batch);

private:
    void publish();

    struct RouteStats
    {
        QMap<int, quint64> byStatus;
        std::vector<quint64> fine;      // log-scale buckets for percentiles
        std::array<quint64, 15> prom{}; // Prometheus buckets (cumulative on output)
        double sumSeconds = 0;
        quint64 count = 0;
    };
    static double percentileMs(const RouteStats &stats, double q);

    std::vector<TrafficRecord> m_ring;
    size_t m_next = 0;
    quint64 m_total = 0;
    QHash<QString, RouteStats> m_routes;
    QList<TrafficRecord> m_pending;
    QTimer m_publishTimer;
};

} // namespace edgedesk
