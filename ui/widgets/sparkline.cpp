#include "widgets/sparkline.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace edgedesk {

Sparkline::Sparkline(QWidget *parent) : QWidget(parent), m_color(0x3b, 0x6f, 0xd8)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void Sparkline::setValues(const QList<double> &values)
{
    m_values = values;
    if (m_values.size() > m_capacity)
        m_values = m_values.mid(m_values.size() - m_capacity);
    update();
}

void Sparkline::append(double value)
{
    m_values.append(value);
    while (m_values.size() > m_capacity)
        m_values.removeFirst();
    update();
}

void Sparkline::setCapacity(int capacity)
{
    m_capacity = qMax(2, capacity);
    setValues(m_values);
}

void Sparkline::setColor(const QColor &color)
{
    m_color = color;
    update();
}

void Sparkline::setScaleFloor(double floor)
{
    m_scaleFloor = floor > 0 ? floor : 1.0;
    update();
}

QSize Sparkline::sizeHint() const
{
    const int h = fontMetrics().height();
    return {h * 6, int(h * 1.6)};
}

QSize Sparkline::minimumSizeHint() const
{
    const int h = fontMetrics().height();
    return {h * 3, int(h * 1.6)};
}

void Sparkline::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1.5, 2.5, -1.5, -1.5);

    QColor baseline = palette().color(QPalette::Mid);
    baseline.setAlphaF(0.6);
    p.setPen(QPen(baseline, 1));
    p.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()));

    if (m_values.size() < 2 || area.width() < 4 || area.height() < 4)
        return;

    // Scaled to the largest value so far, with headroom so the peak does not touch the edge.
    double top = m_scaleFloor;
    for (double v : m_values) {
        if (std::isfinite(v))
            top = std::max(top, v * 1.15);
    }
    // The samples collected so far span the whole width: a young series reads as a shape, not
    // as a tick at the right edge.
    const double step = area.width() / double(m_values.size() - 1);
    const double x0 = area.left();
    QPainterPath line;
    for (int i = 0; i < m_values.size(); ++i) {
        const double v = std::isfinite(m_values[i]) ? std::max(0.0, m_values[i]) : 0.0;
        const QPointF pt(x0 + step * i, area.bottom() - (v / top) * area.height());
        if (i == 0)
            line.moveTo(pt);
        else
            line.lineTo(pt);
    }
    QPainterPath fill = line;
    fill.lineTo(area.right(), area.bottom());
    fill.lineTo(x0, area.bottom());
    fill.closeSubpath();
    QColor fillColour = m_color;
    fillColour.setAlphaF(0.3);
    p.fillPath(fill, fillColour);
    p.setPen(QPen(m_color, 1.8));
    p.drawPath(line);
}

} // namespace edgedesk
