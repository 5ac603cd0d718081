#pragma once

#include "bindings/images/imageoptions.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>

namespace edgedesk {

class DecodedImageCache;

// Limits for sources. A source over them is refused with `payload_too_large` from its header
// alone, before any decoder runs.
constexpr qint64 kImageMaxSourceSide = 16384;
constexpr qint64 kImageMaxSourcePixels = 128LL * 1000 * 1000;

struct ImageOriginal
{
    qint64 fileSize = 0;
    int width = 0; // as displayed (after EXIF orientation)
    int height = 0;
    QByteArray mimeType; // "image/jpeg", ...
};

struct ImageResult
{
    QByteArray bytes;
    QByteArray mimeType; // image/jpeg, image/png, image/webp, image/avif or application/json
    int width = 0;
    int height = 0;
    ImageOriginal original;
    qint64 durationMs = 0;
};

// Where the pixels go, in the oriented and rotated source's axes: resize the whole source to
// resizeWidth x resizeHeight, take the crop rectangle from that, then place it centred on an
// output canvas (larger than the crop only for fit=pad).
struct ImageGeometry
{
    int resizeWidth = 0;
    int resizeHeight = 0;
    int cropX = 0;
    int cropY = 0;
    int cropWidth = 0;
    int cropHeight = 0;
    int outputWidth = 0;
    int outputHeight = 0;
};

// The fit arithmetic alone (pure, no ImageMagick): source size as displayed, after rotation.
ImageGeometry planImageGeometry(int sourceWidth, int sourceHeight, const ImageOptions &options);

// Initialises Magick++ and sets the process-wide resource limits (1 thread per operation, pixel
// dimensions, memory, map, no disk). Safe to call any number of times from any thread;
// transformImage() calls it too.
void initImageMagick();

// Decodes, orients, transforms and encodes one image. Never throws. Errors:
// unsupported_media_type (not an image format we decode), payload_too_large (over the source
// limits), unprocessable (corrupt, truncated, or over options.timeoutMs), internal_error (an
// encoder failed for another reason).
// With a cache and the source's etag, the decoded source is taken from the cache when an earlier
// transform decoded it at the same scale, and kept there otherwise; the output is the same either
// way.
Result<ImageResult> transformImage(const QByteArray &source, const ImageOptions &options,
                                   DecodedImageCache *decodedCache = nullptr,
                                   const QString &sourceEtag = QString());

} // namespace edgedesk
