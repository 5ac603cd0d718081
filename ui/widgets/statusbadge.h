#pragma once

#include "widgets/themecolors.h"

#include <QLabel>

namespace edgedesk {

// A small coloured pill with a word in it: container states, exit codes, HTTP statuses. The
// fill and text colours come from ThemeColors (AA contrast in light and dark themes) and are
// kept in the badge's palette (Window, WindowText), where tests read them.
class StatusBadge final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusBadge)

public:
    using Tone = ThemeColors::Tone;

    explicit StatusBadge(QWidget *parent = nullptr);
    void set(const QString &text, Tone tone);
    Tone tone() const { return m_tone; }
    QColor fillColour() const;
    QColor textColour() const;
    // 2xx good, 3xx neutral, 4xx warning, 5xx bad, 0 bad.
    static Tone toneForHttpStatus(int status);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    Tone m_tone = Tone::Neutral;
};

} // namespace edgedesk
