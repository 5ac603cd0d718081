#include "bindings/images/decodedimagecache.h"

#include <Magick++.h>

namespace edgedesk {

DecodedImageCache::DecodedImageCache(qint64 capacityBytes) : m_lru(capacityBytes, &costOf) {}

DecodedImageCache::~DecodedImageCache() = default;

QString DecodedImageCache::makeKey(const QString &sourceEtag, int shrinkDenominator)
{
    return sourceEtag + QLatin1Char('/') + QString::number(shrinkDenominator);
}

qint64 DecodedImageCache::costOf(const QString &key, const Entry &entry)
{
    return entry.bytes + key.size() * 2 + 1024;
}

std::optional<Magick::Image> DecodedImageCache::privateCopy(const Magick::Image &image)
{
    MagickCore::ExceptionInfo *exception = MagickCore::AcquireExceptionInfo();
    // Zero columns and rows: the clone references the pixel cache instead of copying it.
    MagickCore::Image *copy =
        MagickCore::CloneImage(image.constImage(), 0, 0, MagickCore::MagickTrue, exception);
    MagickCore::DestroyExceptionInfo(exception);
    if (!copy)
        return std::nullopt;
    return Magick::Image(copy);
}

std::optional<Magick::Image> DecodedImageCache::get(const QString &key)
{
    const std::optional<Entry> entry = m_lru.get(key);
    if (!entry)
        return std::nullopt;
    QMutexLocker lock(&m_cloneMutex);
    return privateCopy(*entry->image);
}

void DecodedImageCache::put(const QString &key, const Magick::Image &decoded)
{
    std::optional<Magick::Image> copy = privateCopy(decoded);
    if (!copy)
        return;
    // The caller's monitor points into its stack frame; the entry outlives it.
    MagickCore::SetImageProgressMonitor(copy->image(), nullptr, nullptr);
    // PixelPacket (4 x 16 bits) per pixel, plus an index per pixel for palette images.
    const qint64 perPixel = 8 + (copy->classType() == Magick::PseudoClass ? 2 : 0);
    const qint64 bytes = qint64(copy->columns()) * qint64(copy->rows()) * perPixel;
    m_lru.put(key, Entry{std::make_shared<const Magick::Image>(std::move(*copy)), bytes});
}

} // namespace edgedesk
