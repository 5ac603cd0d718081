#pragma once

#include "bindings/images/imagelru.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace edgedesk {

// One transformed image kept for reuse.
struct ImageCacheEntry
{
    QByteArray bytes;
    QByteArray mimeType;
    int width = 0;
    int height = 0;
    qint64 transformMs = 0; // how long the transform that produced it took
};

// A memory LRU of transformed images, bounded by the bytes it holds. Keyed by the source object's
// etag plus ImageOptions::normalizedKey() (see makeKey), so a new upload of the source misses
// naturally and nothing needs invalidating. Thread-safe.
class ImageCache final
{
public:
    explicit ImageCache(qint64 capacityBytes = 64LL * 1024 * 1024);
    ImageCache(const ImageCache &) = delete;
    ImageCache &operator=(const ImageCache &) = delete;

    static QString makeKey(const QString &sourceEtag, const QString &normalizedOptions);

    std::optional<ImageCacheEntry> get(const QString &key) { return m_lru.get(key); }
    // Entries larger than the whole capacity are not kept.
    void put(const QString &key, ImageCacheEntry entry) { m_lru.put(key, std::move(entry)); }
    void clear() { m_lru.clear(); }
    ImageCacheStats stats() const { return m_lru.stats(); }

private:
    ImageLru<ImageCacheEntry> m_lru;
};

} // namespace edgedesk
