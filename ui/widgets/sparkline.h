#pragma once

#include <QColor>
#include <QList>
#include <QWidget>

namespace edgedesk {

// A small filled line chart without axes: the shape of a recent series (requests/s, CPU %, RSS)
// next to its current value, spread over the width and scaled to the values collected so far.
class Sparkline final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Sparkline)

public:
    explicit Sparkline(QWidget *parent = nullptr);

    void setValues(const QList<double> &values);
    // Adds a value on the right and drops the oldest past capacity().
    void append(double value);
    QList<double> values() const { return m_values; }
    void setCapacity(int capacity);
    int capacity() const { return m_capacity; }
    void setColor(const QColor &color);
    QColor color() const { return m_color; }
    // The vertical scale never goes below 0..floor, so that noise near zero (0.1% CPU) is not
    // drawn as full-height spikes.
    void setScaleFloor(double floor);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<double> m_values;
    int m_capacity = 300;
    QColor m_color;
    double m_scaleFloor = 1.0;
};

} // namespace edgedesk
