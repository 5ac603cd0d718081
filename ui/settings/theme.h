#pragma once

#include <QPalette>
#include <QString>

namespace edgedesk {

// Light, Dark or the system's look, switched at run time: the application palette (and the
// Fusion style for Light and Dark, which draws from the palette alone). Widgets draw from the
// palette, so a switch repaints them in the new colours; icons follow through
// ThemedIconEngine.
class Theme final
{
public:
    enum class Mode
    {
        System,
        Light,
        Dark
    };

    static Mode fromString(const QString &name); // "light", "dark"; anything else: System
    static QString toString(Mode mode);

    // Sets the application palette (and style) for `mode`. The first call remembers the
    // system's palette and style, which System brings back.
    static void apply(Mode mode);
    static Mode current();

    static QPalette lightPalette();
    static QPalette darkPalette();
    // `palette` with its secondary-text role (PlaceholderText) at AA contrast and a line colour
    // (Mid) that shows, whatever the palette came from.
    static QPalette readable(QPalette palette);
};

} // namespace edgedesk
