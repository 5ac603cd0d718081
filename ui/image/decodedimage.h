#pragma once

#include <QImage>
#include <QSize>
#include <QString>

namespace edgedesk {

// An image's bytes decoded for a preview: never larger than the preview needs, so a huge
// original stays cheap. Blocking: the panel decodes off the GUI thread.
struct DecodedImage
{
    QImage image;  // scaled to fit `maxSide`; null when Qt cannot decode the format
    QSize size;    // the image's own dimensions (when known)
    QString error; // why it could not be decoded

    static DecodedImage decode(const QByteArray &bytes, int maxSide);
};

} // namespace edgedesk
