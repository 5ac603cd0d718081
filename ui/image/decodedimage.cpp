#include "image/decodedimage.h"

#include <QBuffer>
#include <QImageReader>

namespace edgedesk {

DecodedImage DecodedImage::decode(const QByteArray &bytes, int maxSide)
{
    DecodedImage out;
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setAutoTransform(true);
    out.size = reader.size();
    if (!reader.canRead()) {
        out.error = reader.errorString();
        return out;
    }
    if (out.size.isValid() && (out.size.width() > maxSide || out.size.height() > maxSide)) {
        // Decoding straight to the preview size keeps a huge original cheap (JPEG decodes at
        // 1/2, 1/4 or 1/8 scale).
        reader.setScaledSize(out.size.scaled(maxSide, maxSide, Qt::KeepAspectRatio));
    }
    out.image = reader.read();
    if (out.image.isNull())
        out.error = reader.errorString();
    else if (!out.size.isValid())
        out.size = out.image.size();
    return out;
}

} // namespace edgedesk
