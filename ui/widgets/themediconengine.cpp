#include "widgets/themediconengine.h"

#include <QApplication>
#include <QPainter>
#include <QPalette>
#include <QSvgRenderer>

namespace edgedesk {

ThemedIconEngine::ThemedIconEngine(QByteArray svg, QByteArray placeholder)
    : m_svg(std::move(svg)), m_placeholder(std::move(placeholder))
{}

QColor ThemedIconEngine::colourFor(QIcon::Mode mode)
{
    const QPalette palette = QApplication::palette();
    switch (mode) {
    case QIcon::Disabled:
        return palette.color(QPalette::Disabled, QPalette::WindowText);
    case QIcon::Selected:
        return palette.color(QPalette::HighlightedText);
    default:
        return palette.color(QPalette::WindowText);
    }
}

QPixmap ThemedIconEngine::pixmap(const QSize &size, QIcon::Mode mode, QIcon::State)
{
    if (size.isEmpty())
        return {};
    const QColor colour = colourFor(mode);
    const QString cacheKey = QStringLiteral("%1x%2/%3/%4")
                                 .arg(size.width())
                                 .arg(size.height())
                                 .arg(int(mode))
                                 .arg(colour.name(QColor::HexArgb));
    if (const auto it = m_cache.constFind(cacheKey); it != m_cache.cend())
        return *it;
    QByteArray svg = m_svg;
    svg.replace(m_placeholder, colour.name().toLatin1());
    QSvgRenderer renderer(svg);
    QPixmap pixmap(size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    // Disabled icons are drawn in the disabled text colour, a little lighter still.
    if (mode == QIcon::Disabled)
        painter.setOpacity(0.75);
    renderer.render(&painter, QRectF(QPointF(0, 0), QSizeF(size)));
    painter.end();
    // Old colours are never asked for again once the theme changed.
    if (m_cache.size() > 64)
        m_cache.clear();
    m_cache.insert(cacheKey, pixmap);
    return pixmap;
}

void ThemedIconEngine::paint(QPainter *painter, const QRect &rect, QIcon::Mode mode,
                             QIcon::State state)
{
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    QPixmap pm = pixmap(rect.size() * dpr, mode, state);
    pm.setDevicePixelRatio(dpr);
    painter->drawPixmap(rect, pm);
}

QSize ThemedIconEngine::actualSize(const QSize &size, QIcon::Mode, QIcon::State)
{
    const int side = qMin(size.width(), size.height());
    return {side, side};
}

QIconEngine *ThemedIconEngine::clone() const
{
    return new ThemedIconEngine(m_svg, m_placeholder);
}

QString ThemedIconEngine::key() const
{
    return QStringLiteral("edgedesk-themed");
}

} // namespace edgedesk
