#pragma once

#include <QByteArray>
#include <QHash>
#include <QIconEngine>
#include <QPixmap>

namespace edgedesk {

// An icon drawn from a one-colour SVG in the colour of the palette at paint time: window text
// normally, highlighted text when selected, the disabled text colour when disabled. A theme
// switched at run time recolours every icon on the next paint.
class ThemedIconEngine final : public QIconEngine
{
public:
    // `svg` draws with `placeholder` (a fixed grey) wherever the palette colour belongs.
    ThemedIconEngine(QByteArray svg, QByteArray placeholder);

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override;
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override;
    QSize actualSize(const QSize &size, QIcon::Mode mode, QIcon::State state) override;
    QIconEngine *clone() const override;
    QString key() const override;

    // The colour an icon takes in `mode` under the application palette.
    static QColor colourFor(QIcon::Mode mode);

private:
    QByteArray m_svg;
    QByteArray m_placeholder;
    QHash<QString, QPixmap> m_cache; // by size, mode and colour
};

} // namespace edgedesk
