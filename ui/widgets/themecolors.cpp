#include "widgets/themecolors.h"

#include <algorithm>
#include <cmath>

namespace edgedesk {

namespace {

// A little above AA, so rounding to 8-bit channels never lands just under it.
constexpr double kTarget = 4.7;

double channel(double c)
{
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

// Opaque `colour` as it shows over `background` (palette colours may carry alpha).
QColor flatten(const QColor &colour, const QColor &background)
{
    return mix(background, QColor(colour.rgb()), colour.alphaF());
}

} // namespace

double ThemeColors::luminance(const QColor &colour)
{
    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) +
           0.0722 * channel(colour.blueF());
}

double ThemeColors::contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor ThemeColors::untilContrast(QColor colour, const QColor &target, const QColor &background,
                                  double ratio)
{
    const QColor start = colour;
    for (int step = 1; step <= 20 && contrast(colour, background) < ratio; ++step)
        colour = mix(start, target, step / 20.0);
    return colour;
}

QColor ThemeColors::muted(const QPalette &palette)
{
    const QColor window = palette.color(QPalette::Window);
    const QColor base = palette.color(QPalette::Base);
    const QColor text = flatten(palette.color(QPalette::WindowText), window);
    // Start at 55% of the way from the background to the text, then back toward the text until
    // both backgrounds give AA contrast.
    const QColor start = mix(window, text, 0.55);
    QColor muted = untilContrast(start, text, window, kTarget);
    const QColor alternate = palette.color(QPalette::AlternateBase);
    for (const QColor &background : {base, alternate})
        muted = untilContrast(muted, text, background, kTarget);
    return muted;
}

QColor ThemeColors::badgeFill(Tone tone)
{
    // White on each of these is at least 4.5:1.
    switch (tone) {
    case Tone::Neutral:
        return QColor(0x5a, 0x65, 0x78);
    case Tone::Good:
        return QColor(0x1a, 0x7f, 0x37);
    case Tone::Busy:
        return QColor(0x2f, 0x5f, 0xc7);
    case Tone::Warning:
        return QColor(0x95, 0x5f, 0x00);
    case Tone::Bad:
        return QColor(0xc0, 0x2d, 0x2d);
    }
    return QColor(0x5a, 0x65, 0x78);
}

QColor ThemeColors::badgeText(Tone)
{
    return QColor(Qt::white);
}

QColor ThemeColors::toneText(Tone tone, const QColor &background)
{
    return readableOn(badgeFill(tone), background);
}

QColor ThemeColors::readableOn(const QColor &colour, const QColor &background)
{
    const QColor toward = luminance(background) < 0.2 ? QColor(Qt::white) : QColor(Qt::black);
    return untilContrast(colour, toward, background, kTarget);
}

QColor ThemeColors::tint(const QColor &background, const QColor &accent)
{
    return mix(background, accent, 0.14);
}

QColor ThemeColors::line(const QPalette &palette)
{
    const QColor window = palette.color(QPalette::Window);
    const QColor text = palette.color(QPalette::WindowText);
    return mix(window, text, 0.22);
}

} // namespace edgedesk
