#include "overview/activitycards.h"

#include "widgets/displayformat.h"
#include "widgets/sparkline.h"

#include <QDateTime>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>

#include <cmath>

namespace edgedesk {

namespace {

QGroupBox *card(QWidget *parent, const QString &title, QLabel **value, QLabel **note,
                Sparkline **line, const QColor &colour)
{
    auto *box = new QGroupBox(title, parent);
    auto *grid = new QGridLayout(box);
    *value = new QLabel(QStringLiteral("0"), box);
    QFont big = (*value)->font();
    big.setPointSizeF(big.pointSizeF() * 1.9);
    big.setWeight(QFont::DemiBold);
    (*value)->setFont(big);
    *note = new QLabel(box);
    (*note)->setForegroundRole(QPalette::PlaceholderText);
    (*note)->setWordWrap(true);
    *line = new Sparkline(box);
    (*line)->setCapacity(ActivityCards::kWindowSeconds);
    (*line)->setColor(colour);
    (*line)->setMinimumHeight(box->fontMetrics().height() * 3);
    grid->addWidget(*value, 0, 0);
    grid->addWidget(*note, 1, 0);
    grid->addWidget(*line, 0, 1, 2, 1);
    grid->setColumnStretch(1, 1);
    grid->setColumnMinimumWidth(0, box->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 22);
    return box;
}

} // namespace

ActivityCards::ActivityCards(QWidget *parent) : QWidget(parent), m_series(kWindowSeconds)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    QGroupBox *rate = card(this, tr("Requests per second — last 5 minutes"), &m_rateValue,
                           &m_rateNote, &m_rateLine, QColor(0x3b, 0x6f, 0xd8));
    rate->setObjectName(QStringLiteral("overviewRate"));
    m_rateValue->setObjectName(QStringLiteral("overviewRateValue"));
    m_rateLine->setObjectName(QStringLiteral("overviewRateLine"));
    QGroupBox *latency = card(this, tr("p99 latency — last 5 minutes"), &m_latencyValue,
                              &m_latencyNote, &m_latencyLine, QColor(0xd9, 0x82, 0x2b));
    latency->setObjectName(QStringLiteral("overviewLatency"));
    m_latencyValue->setObjectName(QStringLiteral("overviewLatencyValue"));
    m_latencyLine->setObjectName(QStringLiteral("overviewLatencyLine"));
    m_latencyLine->setScaleFloor(1.0);
    layout->addWidget(rate, 1);
    layout->addWidget(latency, 1);
}

void ActivityCards::add(qint64 timeMs, double durationMs, bool error)
{
    m_series.add(timeMs, durationMs, error);
}

void ActivityCards::refresh()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 end = now - 1000; // the last complete second
    const QList<double> counts = m_series.counts(end);
    m_rateLine->setValues(counts);
    const QLocale locale;
    m_rateValue->setText(locale.toString(counts.isEmpty() ? 0.0 : counts.constLast()));
    const quint64 total = m_series.total(now);
    double peak = 0;
    for (double c : counts)
        peak = std::max(peak, c);
    m_rateNote->setText(
        total == 0
            ? tr("no requests yet (the control API is not counted)")
            : tr("%1 requests, peak %2/s").arg(locale.toString(total), locale.toString(peak)));

    QList<double> p99 = m_series.percentiles(0.99, end);
    for (double &v : p99) {
        if (!std::isfinite(v))
            v = 0;
    }
    m_latencyLine->setValues(p99);
    m_latencyValue->setText(DisplayFormat::duration(m_series.percentile(0.99, now)));
    m_latencyNote->setText(total == 0
                               ? tr("latency appears with the first request")
                               : tr("p50 %1 over the same requests")
                                     .arg(DisplayFormat::duration(m_series.percentile(0.5, now))));
}

} // namespace edgedesk
