#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <list>
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

struct ImageCacheStats
{
    qint64 entries = 0;
    qint64 bytes = 0;
    qint64 capacityBytes = 0;
    qint64 hits = 0;
    qint64 misses = 0;
};

// A memory LRU of transformed images, bounded by the bytes it holds. Keyed by the source object's
// etag plus ImageOptions::normalizedKey() (see makeKey), so a new upload of the source misses
// naturally and nothing needs invalidating. Thread-safe: one mutex, held only for map updates.
class ImageCache final
{
public:
    explicit ImageCache(qint64 capacityBytes = 64LL * 1024 * 1024);
    ImageCache(const ImageCache &) = delete;
    ImageCache &operator=(const ImageCache &) = delete;

    static QString makeKey(const QString &sourceEtag, const QString &normalizedOptions);

    std::optional<ImageCacheEntry> get(const QString &key);
    // Entries larger than the whole capacity are not kept.
    void put(const QString &key, ImageCacheEntry entry);
    void clear();
    ImageCacheStats stats() const;

private:
    struct Node
    {
        QString key;
        ImageCacheEntry entry;
    };
    void evictLocked();

    mutable QMutex m_mutex;
    std::list<Node> m_lru; // most recently used first
    QHash<QString, std::list<Node>::iterator> m_index;
    qint64 m_capacity;
    qint64 m_bytes = 0;
    qint64 m_hits = 0;
    qint64 m_misses = 0;
};

} // namespace edgedesk
