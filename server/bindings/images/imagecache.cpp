#include "bindings/images/imagecache.h"

namespace edgedesk {

namespace {

// Bookkeeping beyond the pixels (key, node, hash slot), so that many tiny entries still count.
qint64 costOf(const QString &key, const ImageCacheEntry &entry)
{
    return entry.bytes.size() + entry.mimeType.size() + key.size() * 2 + 128;
}

} // namespace

ImageCache::ImageCache(qint64 capacityBytes) : m_lru(capacityBytes, &costOf) {}

QString ImageCache::makeKey(const QString &sourceEtag, const QString &normalizedOptions)
{
    return sourceEtag + QLatin1Char('|') + normalizedOptions;
}

} // namespace edgedesk
