#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>

namespace edgedesk {

// A time chart of the last N seconds with axes, grid and a legend: requests/s and latency per
// route in the Traffic section. Values are one per second, oldest first; NaN leaves a gap (no
// request in that second has a latency).
class LineChart final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LineChart)

public:
    struct Series
    {
        QString name;
        QColor color;
        QList<double> values;
    };

    explicit LineChart(QWidget *parent = nullptr);

    void setTitle(const QString &title);
    QString title() const { return m_title; }
    void setUnit(const QString &unit); // "req/s", "ms"
    void setSeries(const QList<Series> &series);
    const QList<Series> &series() const { return m_series; }
    // Shown in the middle while every value is zero or missing.
    void setEmptyText(const QString &text);
    bool isEmpty() const;
    // The top of the vertical axis for the current values (a round number).
    double axisMaximum() const;

    // The smallest of 1, 2, 2.5, 5 x 10^n at or above `value` (at least `minimum`).
    static double niceCeiling(double value, double minimum = 1.0);
    // "12", "1.5", "0.25", "1.2k"
    static QString formatValue(double value);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_title;
    QString m_unit;
    QString m_emptyText;
    QList<Series> m_series;
};

} // namespace edgedesk
