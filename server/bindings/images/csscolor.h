#pragma once

#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace edgedesk {

// An sRGB colour with alpha, 8 bits a channel.
struct RgbaColor
{
    quint8 r = 0;
    quint8 g = 0;
    quint8 b = 0;
    quint8 a = 255;

    // "#rrggbbaa": the canonical form used in cache keys and handed to ImageMagick.
    QString hex() const;
    bool operator==(const RgbaColor &) const = default;
};

// Parses the CSS colours the image API's `background` accepts: #rgb, #rgba, #rrggbb, #rrggbbaa,
// rgb()/rgba() in both the comma and the CSS 4 space syntax (numbers or percentages, alpha as
// 0..1 or a percentage), the CSS named colours and `transparent`. Case-insensitive. The server
// library has no QtGui, hence no QColor.
std::optional<RgbaColor> parseCssColor(QStringView text);

} // namespace edgedesk
