#include "widgets/elapsedindicator.h"

#include "widgets/displayformat.h"

#include <QPainter>
#include <QPainterPath>

namespace edgedesk {

ElapsedIndicator::ElapsedIndicator(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_timer.setInterval(80);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        m_angle = (m_angle + 30) % 360;
        update();
    });
    hide();
}

void ElapsedIndicator::start(const QString &label)
{
    m_label = label;
    m_clock.start();
    m_angle = 0;
    m_timer.start();
    show();
    updateGeometry();
    update();
}

void ElapsedIndicator::stop()
{
    m_timer.stop();
    hide();
}

QString ElapsedIndicator::text() const
{
    return QStringLiteral("%1 %2").arg(m_label, DisplayFormat::duration(double(elapsedMs())));
}

QSize ElapsedIndicator::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    const int spinner = fm.height();
    // Wide enough for the longest time it will show, so the row does not jiggle as it counts.
    const int text = fm.horizontalAdvance(m_label + QStringLiteral(" 00.00 min 00 s"));
    return {spinner + fm.averageCharWidth() + text, fm.height() + 4};
}

void ElapsedIndicator::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    const int side = fm.height() - 4;
    const QRectF arcRect(2, (height() - side) / 2.0, side, side);
    QPen track(palette().color(QPalette::Mid), 2.0);
    painter.setPen(track);
    painter.drawEllipse(arcRect);
    QPen arc(palette().color(QPalette::Highlight), 2.0);
    arc.setCapStyle(Qt::RoundCap);
    painter.setPen(arc);
    painter.drawArc(arcRect, -m_angle * 16, 100 * 16);
    painter.setPen(palette().color(QPalette::WindowText));
    const QRect textRect(int(arcRect.right()) + fm.averageCharWidth(), 0, width(), height());
    painter.drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, text());
}

} // namespace edgedesk
