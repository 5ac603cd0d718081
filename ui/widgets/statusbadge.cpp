#include "widgets/statusbadge.h"

#include <QPainter>
#include <QPainterPath>

namespace edgedesk {

StatusBadge::StatusBadge(QWidget *parent) : QLabel(parent)
{
    setAlignment(Qt::AlignCenter);
    QFont bold = font();
    bold.setWeight(QFont::DemiBold);
    setFont(bold);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    set(QString(), Tone::Neutral);
}

void StatusBadge::set(const QString &text, Tone tone)
{
    m_tone = tone;
    setText(text);
    setVisible(!text.isEmpty());
    QPalette p = palette();
    p.setColor(QPalette::Window, ThemeColors::badgeFill(tone));
    p.setColor(QPalette::WindowText, ThemeColors::badgeText(tone));
    setPalette(p);
    updateGeometry();
    update();
}

QColor StatusBadge::fillColour() const
{
    return ThemeColors::badgeFill(m_tone);
}

QColor StatusBadge::textColour() const
{
    return ThemeColors::badgeText(m_tone);
}

QSize StatusBadge::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    return {fm.horizontalAdvance(text()) + fm.height(), fm.height() + 6};
}

QSize StatusBadge::minimumSizeHint() const
{
    return sizeHint();
}

void StatusBadge::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath pill;
    pill.addRoundedRect(r, r.height() / 2, r.height() / 2);
    p.fillPath(pill, fillColour());
    p.setPen(textColour());
    p.setFont(font());
    p.drawText(rect(), Qt::AlignCenter, text());
}

StatusBadge::Tone StatusBadge::toneForHttpStatus(int status)
{
    if (status >= 200 && status < 300)
        return Tone::Good;
    if (status >= 300 && status < 400)
        return Tone::Neutral;
    if (status >= 400 && status < 500)
        return Tone::Warning;
    return Tone::Bad;
}

} // namespace edgedesk
