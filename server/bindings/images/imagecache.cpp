#include "bindings/images/imagecache.h"

namespace edgedesk {

namespace {

// Bookkeeping beyond the pixels (key, node, hash slot), so that many tiny entries still count.
qint64 costOf(const QString &key, const ImageCacheEntry &entry)
{
    return entry.bytes.size() + entry.mimeType.size() + key.size() * 2 + 128;
}

} // namespace

ImageCache::ImageCache(qint64 capacityBytes) : m_capacity(qMax<qint64>(0, capacityBytes)) {}

QString ImageCache::makeKey(const QString &sourceEtag, const QString &normalizedOptions)
{
    return sourceEtag + QLatin1Char('|') + normalizedOptions;
}

std::optional<ImageCacheEntry> ImageCache::get(const QString &key)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_index.constFind(key);
    if (it == m_index.constEnd()) {
        ++m_misses;
        return std::nullopt;
    }
    m_lru.splice(m_lru.begin(), m_lru, it.value());
    ++m_hits;
    return m_lru.front().entry; // QByteArray copies share the bytes
}

void ImageCache::put(const QString &key, ImageCacheEntry entry)
{
    const qint64 cost = costOf(key, entry);
    QMutexLocker lock(&m_mutex);
    if (const auto it = m_index.find(key); it != m_index.end()) {
        m_bytes -= costOf(key, it.value()->entry);
        m_lru.erase(it.value());
        m_index.erase(it);
    }
    if (cost > m_capacity)
        return;
    m_lru.push_front(Node{key, std::move(entry)});
    m_index.insert(key, m_lru.begin());
    m_bytes += cost;
    evictLocked();
}

void ImageCache::evictLocked()
{
    while (m_bytes > m_capacity && !m_lru.empty()) {
        const Node &last = m_lru.back();
        m_bytes -= costOf(last.key, last.entry);
        m_index.remove(last.key);
        m_lru.pop_back();
    }
}

void ImageCache::clear()
{
    QMutexLocker lock(&m_mutex);
    m_lru.clear();
    m_index.clear();
    m_bytes = 0;
}

ImageCacheStats ImageCache::stats() const
{
    QMutexLocker lock(&m_mutex);
    return ImageCacheStats{qint64(m_lru.size()), m_bytes, m_capacity, m_hits, m_misses};
}

} // namespace edgedesk
