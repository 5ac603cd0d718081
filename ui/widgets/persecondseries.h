#pragma once

#include <QList>
#include <QtGlobal>

#include <functional>
#include <vector>

namespace edgedesk {

// Requests bucketed per second over a sliding window (5 minutes by default): the counts, errors
// and latency percentiles behind the Overview and Traffic charts. Each second keeps at most
// `samplesPerSecond` durations (a uniform reservoir sample), so a load test cannot grow it.
class PerSecondSeries final
{
public:
    explicit PerSecondSeries(int seconds = 300, int samplesPerSecond = 1000);

    void add(qint64 timeMs, double durationMs, bool error);
    void clear();
    int seconds() const { return int(m_buckets.size()); }

    // One value per second, oldest first, the last one for the second that contains `endMs`.
    // Seconds without requests count 0; percentiles and means for them are NaN.
    QList<double> counts(qint64 endMs) const;
    QList<double> errors(qint64 endMs) const;
    QList<double> percentiles(double q, qint64 endMs) const;

    // Over the whole window up to `endMs`.
    quint64 total(qint64 endMs) const;
    double percentile(double q, qint64 endMs) const;

    // Nearest-rank percentile (q in 0..1) of unsorted values; NaN when empty.
    static double percentileOf(std::vector<float> values, double q);

private:
    struct Bucket
    {
        qint64 second = -1;
        quint32 count = 0;
        quint32 errors = 0;
        std::vector<float> durations;
    };
    const Bucket *bucketAt(qint64 second) const;
    // One value a second over the window ending at `endMs`; `value` gets null for a second
    // without requests.
    QList<double> perSecond(qint64 endMs, const std::function<double(const Bucket *)> &value) const;

    std::vector<Bucket> m_buckets;
    int m_samplesPerSecond;
};

} // namespace edgedesk
