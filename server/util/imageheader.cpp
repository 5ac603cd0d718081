#include "util/imageheader.h"

#include <algorithm>

namespace edgedesk {

namespace {

quint32 be16(const QByteArray &b, qsizetype at)
{
    return (quint32(quint8(b[at])) << 8) | quint8(b[at + 1]);
}

quint32 be32(const QByteArray &b, qsizetype at)
{
    return (be16(b, at) << 16) | be16(b, at + 2);
}

quint32 le16(const QByteArray &b, qsizetype at)
{
    return quint8(b[at]) | (quint32(quint8(b[at + 1])) << 8);
}

quint32 le24(const QByteArray &b, qsizetype at)
{
    return le16(b, at) | (quint32(quint8(b[at + 2])) << 16);
}

quint32 le32(const QByteArray &b, qsizetype at)
{
    return le16(b, at) | (le16(b, at + 2) << 16);
}

void jpegDimensions(const QByteArray &b, ImageHeader &header)
{
    qsizetype at = 2;
    while (at + 4 <= b.size()) {
        if (quint8(b[at]) != 0xFF)
            return; // not at a marker: corrupt
        const quint8 marker = quint8(b[at + 1]);
        if (marker == 0xFF) { // fill byte
            ++at;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // no length
            at += 2;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9)
            return; // scan data or end before any frame header
        const quint32 length = be16(b, at + 2);
        if (length < 2)
            return;
        const bool frame =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame) {
            if (at + 9 > b.size())
                return;
            header.height = be16(b, at + 5);
            header.width = be16(b, at + 7);
            return;
        }
        at += 2 + length;
    }
}

void webpDimensions(const QByteArray &b, ImageHeader &header)
{
    if (b.size() < 30)
        return;
    const QByteArray chunk = b.mid(12, 4);
    if (chunk == "VP8 ") {
        if (quint8(b[23]) != 0x9D || quint8(b[24]) != 0x01 || quint8(b[25]) != 0x2A)
            return;
        header.width = le16(b, 26) & 0x3FFF;
        header.height = le16(b, 28) & 0x3FFF;
    } else if (chunk == "VP8L") {
        if (quint8(b[20]) != 0x2F)
            return;
        const quint32 bits = le32(b, 21);
        header.width = (bits & 0x3FFF) + 1;
        header.height = ((bits >> 14) & 0x3FFF) + 1;
    } else if (chunk == "VP8X") {
        header.width = qint64(le24(b, 24)) + 1;
        header.height = qint64(le24(b, 27)) + 1;
    }
}

// HEIF/AVIF keep each item's size in an `ispe` property. A file can hold several (thumbnails,
// grid tiles, the grid itself); the largest is what a decoder may have to allocate.
void heifDimensions(const QByteArray &b, ImageHeader &header)
{
    const qsizetype window = std::min<qsizetype>(b.size(), 1 << 20);
    qsizetype at = 0;
    while ((at = b.indexOf("ispe", at)) >= 0 && at + 16 <= window) {
        header.width = std::max<qint64>(header.width, be32(b, at + 8));
        header.height = std::max<qint64>(header.height, be32(b, at + 12));
        at += 4;
    }
}

ImageSourceFormat isoBrand(const QByteArray &b)
{
    if (b.size() < 16 || b.mid(4, 4) != "ftyp")
        return ImageSourceFormat::Unknown;
    const qsizetype boxSize = std::min<qsizetype>(be32(b, 0), b.size());
    bool avif = false;
    bool heic = false;
    // Major brand at 8, minor version at 12, compatible brands from 16.
    for (qsizetype at = 8; at + 4 <= boxSize; at += (at == 8 ? 8 : 4)) {
        const QByteArray brand = b.mid(at, 4);
        if (brand == "avif" || brand == "avis")
            avif = true;
        else if (brand == "heic" || brand == "heix" || brand == "heim" || brand == "heis" ||
                 brand == "hevc" || brand == "hevx")
            heic = true;
    }
    if (avif)
        return ImageSourceFormat::Avif;
    if (heic)
        return ImageSourceFormat::Heic;
    return ImageSourceFormat::Unknown;
}

} // namespace

QByteArray ImageHeader::mimeType() const
{
    switch (format) {
    case ImageSourceFormat::Jpeg:
        return QByteArrayLiteral("image/jpeg");
    case ImageSourceFormat::Png:
        return QByteArrayLiteral("image/png");
    case ImageSourceFormat::Gif:
        return QByteArrayLiteral("image/gif");
    case ImageSourceFormat::Webp:
        return QByteArrayLiteral("image/webp");
    case ImageSourceFormat::Avif:
        return QByteArrayLiteral("image/avif");
    case ImageSourceFormat::Heic:
        return QByteArrayLiteral("image/heic");
    case ImageSourceFormat::Unknown:
        break;
    }
    return QByteArray();
}

const char *ImageHeader::magickCoder() const
{
    switch (format) {
    case ImageSourceFormat::Jpeg:
        return "JPEG";
    case ImageSourceFormat::Png:
        return "PNG";
    case ImageSourceFormat::Gif:
        return "GIF";
    case ImageSourceFormat::Webp:
        return "WEBP";
    case ImageSourceFormat::Avif:
        return "AVIF";
    case ImageSourceFormat::Heic:
        return "HEIC";
    case ImageSourceFormat::Unknown:
        break;
    }
    return "";
}

ImageHeader sniffImageHeader(const QByteArray &b)
{
    ImageHeader header;
    if (b.size() >= 3 && quint8(b[0]) == 0xFF && quint8(b[1]) == 0xD8 && quint8(b[2]) == 0xFF) {
        header.format = ImageSourceFormat::Jpeg;
        jpegDimensions(b, header);
    } else if (b.startsWith("\x89PNG\r\n\x1a\n")) {
        header.format = ImageSourceFormat::Png;
        if (b.size() >= 24 && b.mid(12, 4) == "IHDR") {
            header.width = be32(b, 16);
            header.height = be32(b, 20);
        }
    } else if (b.startsWith("GIF87a") || b.startsWith("GIF89a")) {
        header.format = ImageSourceFormat::Gif;
        if (b.size() >= 10) {
            header.width = le16(b, 6);
            header.height = le16(b, 8);
        }
    } else if (b.size() >= 16 && b.startsWith("RIFF") && b.mid(8, 4) == "WEBP") {
        header.format = ImageSourceFormat::Webp;
        webpDimensions(b, header);
    } else {
        header.format = isoBrand(b);
        if (header.format != ImageSourceFormat::Unknown)
            heifDimensions(b, header);
    }
    return header;
}

} // namespace edgedesk
