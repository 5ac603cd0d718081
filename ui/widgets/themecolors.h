#pragma once

#include <QColor>
#include <QPalette>

namespace edgedesk {

// The colours the window draws with besides the palette's own: badge fills and their text, the
// muted grey of captions, line colours. Every text colour here keeps WCAG AA contrast (4.5:1)
// against what it is drawn on, in light and dark palettes alike.
class ThemeColors final
{
public:
    enum class Tone
    {
        Neutral,
        Good,
        Busy,
        Warning,
        Bad
    };

    // WCAG 2 relative luminance (0 black .. 1 white) and contrast ratio (1 .. 21).
    static double luminance(const QColor &colour);
    static double contrast(const QColor &a, const QColor &b);

    // Secondary text: as far from the text colour toward the background as AA allows on both
    // Window and Base.
    static QColor muted(const QPalette &palette);
    // The fill of a badge of `tone` and the text drawn on it.
    static QColor badgeFill(Tone tone);
    static QColor badgeText(Tone tone);
    // A status colour used for text or small marks (dots, error lines) on `background`: the
    // badge fill, lightened on dark backgrounds until it reads.
    static QColor toneText(Tone tone, const QColor &background);
    // `colour` lightened (on dark backgrounds) or darkened until it reads on `background` (AA).
    static QColor readableOn(const QColor &colour, const QColor &background);
    // A light wash of `accent` over `background` for banners: the text colour stays readable.
    static QColor tint(const QColor &background, const QColor &accent);
    // A hairline (separators, chart frames, tracks) that shows on Window and Base.
    static QColor line(const QPalette &palette);

    // `colour` moved toward `target` in steps until it reaches `ratio` against `background` (or
    // `target` itself).
    static QColor untilContrast(QColor colour, const QColor &target, const QColor &background,
                                double ratio);
};

} // namespace edgedesk
