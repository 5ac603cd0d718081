#include "widgets/persecondseries.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace edgedesk {

PerSecondSeries::PerSecondSeries(int seconds, int samplesPerSecond)
    : m_buckets(size_t(std::max(1, seconds))), m_samplesPerSecond(std::max(1, samplesPerSecond))
{}

void PerSecondSeries::add(qint64 timeMs, double durationMs, bool error)
{
    const qint64 second = timeMs / 1000;
    Bucket &b = m_buckets[size_t(second % qint64(m_buckets.size()))];
    if (b.second != second) {
        // Only a newer second may take over a slot: a late record from a second that has already
        // left the window is dropped instead of wiping the current one.
        if (b.second > second)
            return;
        b.second = second;
        b.count = 0;
        b.errors = 0;
        b.durations.clear();
    }
    ++b.count;
    if (error)
        ++b.errors;
    if (b.durations.size() < size_t(m_samplesPerSecond)) {
        b.durations.push_back(float(durationMs));
    } else {
        const quint32 j = QRandomGenerator::global()->bounded(b.count);
        if (j < quint32(m_samplesPerSecond))
            b.durations[j] = float(durationMs);
    }
}

void PerSecondSeries::clear()
{
    for (Bucket &b : m_buckets) {
        b.second = -1;
        b.count = 0;
        b.errors = 0;
        b.durations.clear();
    }
}

const PerSecondSeries::Bucket *PerSecondSeries::bucketAt(qint64 second) const
{
    const Bucket &b = m_buckets[size_t(second % qint64(m_buckets.size()))];
    return b.second == second ? &b : nullptr;
}

QList<double> PerSecondSeries::perSecond(qint64 endMs,
                                         const std::function<double(const Bucket *)> &value) const
{
    QList<double> out;
    const qint64 last = endMs / 1000;
    const qint64 n = qint64(m_buckets.size());
    out.reserve(n);
    for (qint64 s = last - n + 1; s <= last; ++s)
        out.append(value(bucketAt(s)));
    return out;
}

QList<double> PerSecondSeries::counts(qint64 endMs) const
{
    return perSecond(endMs, [](const Bucket *b) { return b ? double(b->count) : 0.0; });
}

QList<double> PerSecondSeries::errors(qint64 endMs) const
{
    return perSecond(endMs, [](const Bucket *b) { return b ? double(b->errors) : 0.0; });
}

QList<double> PerSecondSeries::percentiles(double q, qint64 endMs) const
{
    return perSecond(
        endMs, [q](const Bucket *b) { return b ? percentileOf(b->durations, q) : std::nan(""); });
}

quint64 PerSecondSeries::total(qint64 endMs) const
{
    quint64 sum = 0;
    const qint64 last = endMs / 1000;
    for (const Bucket &b : m_buckets) {
        if (b.second >= 0 && b.second <= last && b.second > last - qint64(m_buckets.size()))
            sum += b.count;
    }
    return sum;
}

double PerSecondSeries::percentile(double q, qint64 endMs) const
{
    std::vector<float> all;
    const qint64 last = endMs / 1000;
    for (const Bucket &b : m_buckets) {
        if (b.second >= 0 && b.second <= last && b.second > last - qint64(m_buckets.size()))
            all.insert(all.end(), b.durations.begin(), b.durations.end());
    }
    return percentileOf(std::move(all), q);
}

double PerSecondSeries::percentileOf(std::vector<float> values, double q)
{
    if (values.empty())
        return std::nan("");
    q = std::clamp(q, 0.0, 1.0);
    // Nearest rank: the smallest value with at least q of the samples at or below it.
    size_t rank = size_t(std::ceil(q * double(values.size())));
    rank = std::clamp<size_t>(rank, 1, values.size());
    std::nth_element(values.begin(), values.begin() + long(rank - 1), values.end());
    return double(values[rank - 1]);
}

} // namespace edgedesk
