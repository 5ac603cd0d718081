#include "widgets/messagebanner.h"

#include "widgets/themecolors.h"

#include <QApplication>
#include <QEvent>

namespace edgedesk {

MessageBanner::MessageBanner(QWidget *parent) : QLabel(parent)
{
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse |
                            Qt::LinksAccessibleByKeyboard);
    setOpenExternalLinks(false);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    QLabel::hide();
}

void MessageBanner::showMessage(Tone tone, const QString &text, const QString &linkText,
                                const QString &linkTarget)
{
    m_tone = tone;
    m_message = text;
    QString html = text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    if (!linkText.isEmpty())
        html += QStringLiteral(" <a href=\"%1\">%2</a>")
                    .arg(linkTarget.toHtmlEscaped(), linkText.toHtmlEscaped());
    setText(html);
    restyle();
    QLabel::show();
}

void MessageBanner::clear()
{
    m_message.clear();
    setText(QString());
    QLabel::hide();
}

void MessageBanner::changeEvent(QEvent *event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_restyling && !m_message.isEmpty())
        restyle();
}

void MessageBanner::restyle()
{
    QColor accent;
    switch (m_tone) {
    case Tone::Info:
        accent = ThemeColors::badgeFill(ThemeColors::Tone::Busy);
        break;
    case Tone::Warning:
        accent = ThemeColors::badgeFill(ThemeColors::Tone::Warning);
        break;
    case Tone::Error:
        accent = ThemeColors::badgeFill(ThemeColors::Tone::Bad);
        break;
    }
    // A light wash of the accent over the window colour keeps the text colour readable on both
    // light and dark palettes.
    // The parent's palette: this label's own one is changed by the style sheet set below.
    const QPalette base = parentWidget() ? parentWidget()->palette() : QApplication::palette();
    const QColor window = base.color(QPalette::Window);
    const QColor wash = ThemeColors::tint(window, accent);
    // Only this label is styled (the selector), so the stylesheet does not reach other widgets.
    const QString name = objectName().isEmpty() ? QStringLiteral("messageBanner") : objectName();
    if (objectName().isEmpty())
        setObjectName(name);
    const QString sheet =
        QStringLiteral("QLabel#%1 { background: %2; border: 1px solid %3; border-left: 4px solid "
                       "%3; border-radius: 6px; padding: 6px 10px; }")
            .arg(name, wash.name(), accent.name());
    if (styleSheet() != sheet) {
        m_restyling = true;
        setStyleSheet(sheet);
        m_restyling = false;
    }
}

} // namespace edgedesk
