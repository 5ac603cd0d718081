#include "settings/theme.h"

#include "widgets/themecolors.h"

#include <QApplication>
#include <QLabel>
#include <QStyle>
#include <QStyleFactory>

namespace edgedesk {

namespace {

struct SystemLook
{
    bool captured = false;
    QPalette palette;
    QString style;
    Theme::Mode current = Theme::Mode::System;
};

// The look the platform gave the application before the first switch.
SystemLook &systemLook()
{
    static SystemLook look;
    if (!look.captured) {
        look.captured = true;
        look.palette = QApplication::palette();
        look.style = QApplication::style() ? QApplication::style()->name() : QString();
    }
    return look;
}

void useStyle(const QString &name)
{
    if (name.isEmpty() || !QApplication::style() ||
        QApplication::style()->name().compare(name, Qt::CaseInsensitive) == 0)
        return;
    QApplication::setStyle(QStyleFactory::create(name));
}

// Rich text takes its link colour from the palette when it is parsed: labels with rich text
// parse theirs again so links read in the new theme.
void reparseRichText()
{
    const QWidgetList widgets = QApplication::allWidgets();
    for (QWidget *widget : widgets) {
        auto *label = qobject_cast<QLabel *>(widget);
        if (!label || label->textFormat() == Qt::PlainText || !label->text().contains(QLatin1Char('<')))
            continue;
        const QString text = label->text();
        label->clear();
        label->setText(text);
    }
}

} // namespace

Theme::Mode Theme::fromString(const QString &name)
{
    if (name.compare(QLatin1String("light"), Qt::CaseInsensitive) == 0)
        return Mode::Light;
    if (name.compare(QLatin1String("dark"), Qt::CaseInsensitive) == 0)
        return Mode::Dark;
    return Mode::System;
}

QString Theme::toString(Mode mode)
{
    switch (mode) {
    case Mode::Light:
        return QStringLiteral("light");
    case Mode::Dark:
        return QStringLiteral("dark");
    case Mode::System:
        break;
    }
    return QStringLiteral("system");
}

QPalette Theme::readable(QPalette palette)
{
    const QColor muted = ThemeColors::muted(palette);
    for (QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive})
        palette.setColor(group, QPalette::PlaceholderText, muted);
    // Disabled text stays distinguishable from enabled muted text, but never below 3:1.
    const QColor window = palette.color(QPalette::Window);
    QColor disabled = palette.color(QPalette::Disabled, QPalette::WindowText);
    disabled = ThemeColors::untilContrast(disabled, palette.color(QPalette::WindowText), window,
                                          3.0);
    palette.setColor(QPalette::Disabled, QPalette::PlaceholderText, disabled);
    // Links read on the window and on views (the platform's may be pure blue on dark grey).
    for (QPalette::ColorRole role : {QPalette::Link, QPalette::LinkVisited}) {
        QColor link = palette.color(role);
        for (QPalette::ColorRole background : {QPalette::Window, QPalette::Base})
            link = ThemeColors::readableOn(link, palette.color(background));
        palette.setColor(role, link);
    }
    return palette;
}

QPalette Theme::lightPalette()
{
    QPalette p(QColor(0xef, 0xf0, 0xf1), QColor(0xf6, 0xf7, 0xf8));
    p.setColor(QPalette::WindowText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::ButtonText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xee, 0xf0, 0xf3));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x5f, 0xc7));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x1f, 0x52, 0xb8));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xe8));
    p.setColor(QPalette::ToolTipText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Mid, QColor(0xb4, 0xb9, 0xc0));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x8a, 0x90, 0x98));
    return readable(p);
}

QPalette Theme::darkPalette()
{
    // Built from the button and window colours so that Light, Midlight, Dark and Shadow (frame
    // and separator edges) are dark shades too, not the light palette's white.
    QPalette p(QColor(0x3a, 0x3c, 0x41), QColor(0x2b, 0x2d, 0x31));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2d));
    p.setColor(QPalette::Highlight, QColor(0x3b, 0x6f, 0xd8));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x7a, 0xb7, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb0, 0x9c, 0xff));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3c, 0x41));
    p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4d, 0x53));
    p.setColor(QPalette::Midlight, QColor(0x42, 0x45, 0x4a));
    p.setColor(QPalette::Mid, QColor(0x55, 0x57, 0x5c));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1b, 0x1e));
    p.setColor(QPalette::Shadow, QColor(0x12, 0x13, 0x15));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x80, 0x83, 0x89));
    p.setColor(QPalette::Disabled, QPalette::Button, QColor(0x33, 0x35, 0x39));
    p.setColor(QPalette::Disabled, QPalette::Base, QColor(0x25, 0x26, 0x29));
    return readable(p);
}

void Theme::apply(Mode mode)
{
    SystemLook &look = systemLook();
    look.current = mode;
    switch (mode) {
    case Mode::System:
        useStyle(look.style);
        QApplication::setPalette(readable(look.palette));
        break;
    case Mode::Light:
        useStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(lightPalette());
        break;
    case Mode::Dark:
        useStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(darkPalette());
        break;
    }
    reparseRichText();
}

Theme::Mode Theme::current()
{
    return systemLook().current;
}

} // namespace edgedesk
