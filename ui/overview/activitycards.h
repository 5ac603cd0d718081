#pragma once

#include "widgets/persecondseries.h"

#include <QWidget>

class QLabel;

namespace edgedesk {

class Sparkline;

// Requests per second and p99 latency over the last five minutes, one value a second: the
// figure now, a note (totals, p50) and a sparkline each. The control API is not counted.
class ActivityCards final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ActivityCards)

public:
    static constexpr int kWindowSeconds = 300;

    explicit ActivityCards(QWidget *parent);

    void add(qint64 timeMs, double durationMs, bool error);
    // Redraws up to the last complete second.
    void refresh();

    Sparkline *rateLine() const { return m_rateLine; }
    Sparkline *latencyLine() const { return m_latencyLine; }
    QLabel *rateValue() const { return m_rateValue; }

private:
    PerSecondSeries m_series;
    Sparkline *m_rateLine = nullptr;
    Sparkline *m_latencyLine = nullptr;
    QLabel *m_rateValue = nullptr;
    QLabel *m_rateNote = nullptr;
    QLabel *m_latencyValue = nullptr;
    QLabel *m_latencyNote = nullptr;
};

} // namespace edgedesk
