#pragma once

#include <QLabel>

namespace edgedesk {

// A small coloured pill with a word in it: container states, exit codes, HTTP statuses.
class StatusBadge final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusBadge)

public:
    enum class Tone
    {
        Neutral,
        Good,
        Busy,
        Warning,
        Bad
    };
    explicit StatusBadge(QWidget *parent = nullptr);
    void set(const QString &text, Tone tone);
    Tone tone() const { return m_tone; }
    // 2xx good, 3xx neutral, 4xx warning, 5xx bad, 0 bad.
    static Tone toneForHttpStatus(int status);

private:
    Tone m_tone = Tone::Neutral;
};

} // namespace edgedesk
