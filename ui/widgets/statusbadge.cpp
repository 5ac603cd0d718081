#include "widgets/statusbadge.h"

namespace edgedesk {

StatusBadge::StatusBadge(QWidget *parent) : QLabel(parent)
{
    setAlignment(Qt::AlignCenter);
    set(QString(), Tone::Neutral);
}

void StatusBadge::set(const QString &text, Tone tone)
{
    m_tone = tone;
    setText(text);
    setVisible(!text.isEmpty());
    QString colour;
    switch (tone) {
    case Tone::Neutral:
        colour = QStringLiteral("#718096");
        break;
    case Tone::Good:
        colour = QStringLiteral("#1f9d55");
        break;
    case Tone::Busy:
        colour = QStringLiteral("#3b6fd8");
        break;
    case Tone::Warning:
        colour = QStringLiteral("#c48a0e");
        break;
    case Tone::Bad:
        colour = QStringLiteral("#d64545");
        break;
    }
    setStyleSheet(
        QStringLiteral(
            "QLabel { background: %1; color: white; border-radius: 9px; padding: 2px 10px; "
            "font-weight: 600; }")
            .arg(colour));
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
