#pragma once

#include "bindings/images/imagelru.h"

#include <QMutex>
#include <QString>

#include <memory>
#include <optional>

namespace Magick {
class Image;
}

namespace edgedesk {

// Decoded sources kept for the next transform of the same object: the pixels after decoding at a
// JPEG shrink-on-load scale, EXIF orientation, sRGB conversion and metadata stripping, which is
// the same for every transform that decodes at that scale. Keyed by the object's etag (a digest of
// its bytes, so a new upload misses naturally) and the shrink denominator. Bounded by the bytes
// the pixels take (8 bytes a pixel at ImageMagick's Q16).
//
// Entries are never handed out: get() returns a private Image that shares the entry's pixels until
// either side writes (ImageMagick's copy-on-write pixel cache), so concurrent transforms read the
// same pixels without copying them or touching each other's Image.
class DecodedImageCache final
{
public:
    static constexpr qint64 kDefaultCapacityBytes = 64LL * 1024 * 1024;

    explicit DecodedImageCache(qint64 capacityBytes = kDefaultCapacityBytes);
    ~DecodedImageCache();
    DecodedImageCache(const DecodedImageCache &) = delete;
    DecodedImageCache &operator=(const DecodedImageCache &) = delete;

    static QString makeKey(const QString &sourceEtag, int shrinkDenominator);
    // A new Image of its own (no options, no progress monitor) sharing `image`'s pixels until
    // either writes. Empty if ImageMagick cannot allocate it.
    static std::optional<Magick::Image> privateCopy(const Magick::Image &image);

    std::optional<Magick::Image> get(const QString &key);
    // Keeps a private copy of `decoded` (its progress monitor dropped); `decoded` stays the
    // caller's to change. Sources larger than the whole capacity are not kept.
    void put(const QString &key, const Magick::Image &decoded);
    void clear() { m_lru.clear(); }
    ImageCacheStats stats() const { return m_lru.stats(); }

private:
    struct Entry
    {
        std::shared_ptr<const Magick::Image> image;
        qint64 bytes = 0;
    };
    static qint64 costOf(const QString &key, const Entry &entry);

    ImageLru<Entry> m_lru;
    // CloneImage() reads the entry's Image (properties, reference counts): one clone at a time.
    QMutex m_cloneMutex;
};

} // namespace edgedesk
