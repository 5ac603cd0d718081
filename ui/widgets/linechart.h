#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>

#include <limits>

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
    // A dashed horizontal line at `value` labelled `label` (an instance type's limit), included
    // in the axis; NaN removes it.
    void setLimit(double value, const QString &label);
    double limit() const { return m_limit; }
    // Seconds between two values, for the time axis (1 unless set).
    void setSampleSeconds(int seconds);
    // Fills the area under each line with its colour, lightly.
    void setFilled(bool filled);

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
    double m_limit = std::numeric_limits<double>::quiet_NaN();
    QString m_limitLabel;
    int m_sampleSeconds = 1;
    bool m_filled = false;
};

} // namespace edgedesk
