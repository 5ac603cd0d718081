#pragma once

#include <QByteArray>

namespace edgedesk {

enum class ImageSourceFormat
{
    Unknown,
    Jpeg,
    Png,
    Gif,
    Webp,
    Avif,
    Heic
};

// What the first bytes of a file say, read without any decoder: the format (by its magic bytes)
// and, where the header holds them, the dimensions. Deciding the format here means ImageMagick is
// always told which coder to use and never guesses one from hostile bytes; reading the
// dimensions here refuses a "50000x50000" header before any decoder allocates anything.
struct ImageHeader
{
    ImageSourceFormat format = ImageSourceFormat::Unknown;
    qint64 width = 0; // 0 when the header did not yield them
    qint64 height = 0;

    bool dimensionsKnown() const { return width > 0 && height > 0; }
    QByteArray mimeType() const;     // e.g. "image/jpeg"; empty for Unknown
    const char *magickCoder() const; // ImageMagick's coder name, e.g. "JPEG"
};

ImageHeader sniffImageHeader(const QByteArray &bytes);

} // namespace edgedesk
