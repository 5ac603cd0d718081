#pragma once

#include <QFrame>
#include <QImage>

namespace edgedesk {

// An image shown whole inside its box: scaled down to fit (never up, so a small result looks
// small next to a large original), centred, over a checkerboard where it is transparent.
class ImagePreview final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImagePreview)

public:
    explicit ImagePreview(QWidget *parent = nullptr);

    void setImage(const QImage &image);
    void clear(const QString &placeholder);
    QImage image() const { return m_image; }
    QString placeholder() const { return m_placeholder; }

    QSize sizeHint() const override { return {320, 240}; }
    QSize minimumSizeHint() const override { return {120, 90}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QImage m_image;
    QString m_placeholder;
};

} // namespace edgedesk
