#pragma once

#include <QLabel>

namespace edgedesk {

// A one-paragraph message above a result: what went wrong (the server's own words) or what to do
// next. Tinted from the palette so it reads on light and dark themes; hidden when empty.
class MessageBanner final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageBanner)

public:
    enum class Tone
    {
        Info,
        Warning,
        Error
    };
    explicit MessageBanner(QWidget *parent = nullptr);

    // Plain text; `linkText` (optional) is appended as a link whose activation emits
    // linkActivated(linkTarget).
    void showMessage(Tone tone, const QString &text, const QString &linkText = {},
                     const QString &linkTarget = {});
    void clear();
    Tone tone() const { return m_tone; }
    // The message without the link, as given.
    QString message() const { return m_message; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void restyle();

    Tone m_tone = Tone::Info;
    QString m_message;
    bool m_restyling = false;
};

} // namespace edgedesk
