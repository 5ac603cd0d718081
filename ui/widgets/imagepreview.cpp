#include "widgets/imagepreview.h"

#include <QPainter>

namespace edgedesk {

ImagePreview::ImagePreview(QWidget *parent) : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
}

void ImagePreview::setImage(const QImage &image)
{
    m_image = image;
    m_placeholder.clear();
    update();
}

void ImagePreview::clear(const QString &placeholder)
{
    m_image = QImage();
    m_placeholder = placeholder;
    update();
}

void ImagePreview::paintEvent(QPaintEvent *event)
{
    QFrame::paintEvent(event);
    QPainter painter(this);
    const QRect area = contentsRect().adjusted(6, 6, -6, -6);
    if (m_image.isNull()) {
        QColor text = palette().color(QPalette::Text);
        text.setAlphaF(0.6);
        painter.setPen(text);
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    // Sizes in device-independent pixels: one image pixel per logical pixel at most.
    QSizeF size = m_image.size();
    if (size.width() > area.width() || size.height() > area.height())
        size.scale(area.size(), Qt::KeepAspectRatio);
    const QRectF target(area.x() + (area.width() - size.width()) / 2.0,
                        area.y() + (area.height() - size.height()) / 2.0, size.width(),
                        size.height());
    if (m_image.hasAlphaChannel()) {
        const int cell = 8;
        const QColor a = palette().color(QPalette::Base);
        const QColor b = palette().color(QPalette::AlternateBase).darker(110);
        painter.save();
        painter.setClipRect(target);
        for (int y = int(target.top()); y < target.bottom(); y += cell) {
            for (int x = int(target.left()); x < target.right(); x += cell)
                painter.fillRect(
                    x, y, cell, cell,
                    ((x - int(target.left())) / cell + (y - int(target.top())) / cell) % 2 ? a : b);
        }
        painter.restore();
    }
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(target, m_image);
}

} // namespace edgedesk
