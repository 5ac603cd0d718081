#pragma once

#include "bindings/images/csscolor.h"
#include "util/result.h"

#include <QByteArray>
#include <QSize>
#include <QString>
#include <QUrlQuery>

namespace edgedesk {

// The edge image API's `fit` modes.
enum class ImageFit
{
    ScaleDown, // inside the box, aspect kept, never enlarged (the default)
    Contain,   // inside the box, aspect kept
    Cover,     // fills the box, aspect kept, overflow cropped around `gravity`
    Crop,      // like cover, but never enlarged (a smaller source is left as it is)
    Pad,       // contain, then padded to exactly the box with `background`
    Squeeze    // exactly the box, aspect ignored
};

enum class ImageFormat
{
    Original, // no `format`: the source's own format (JPEG, PNG, WebP or AVIF; JPEG otherwise)
    Avif,
    Webp,
    Jpeg,         // progressive, as the edge API's `jpeg`
    BaselineJpeg, // `baseline-jpeg`
    Png,
    Json // the dimensions as JSON instead of an image
};

// Parsed, validated image options. Produced by parseImageOptions(); the transform trusts them.
struct ImageOptions
{
    int width = 0;  // target box, already multiplied by dpr and capped at 4096; 0 = not given
    int height = 0; // (both 0: the source's own size)
    ImageFit fit = ImageFit::ScaleDown;
    // Focal point for cover/crop, as fractions of the source (0 = left/top, 1 = right/bottom).
    // `auto` has no saliency detection here and means the centre.
    double gravityX = 0.5;
    double gravityY = 0.5;
    ImageFormat format = ImageFormat::Original; // `auto` is resolved from Accept while parsing
    bool formatFromAccept = false;              // so the answer varies with Accept
    int quality = 85;
    RgbaColor background{255, 255, 255, 255};
    double dpr = 1.0;
    int rotate = 0;       // 0, 90, 180, 270, clockwise, after EXIF orientation
    double sharpen = 0.0; // 0..10
    double blur = 0.0;    // 0 (none) or 1..250
    // Decode JPEG sources at a reduced scale (libjpeg DCT scaling, via ImageMagick's jpeg:size)
    // when the output is much smaller. Not a URL parameter: benchmarks turn it off to measure it.
    bool jpegShrinkOnLoad = true;
    // Wall-time budget for the transform (not a URL parameter, not part of the key).
    int timeoutMs = 10000;

    // Canonical form of everything that affects the output: sorted `name=value` pairs joined by
    // '&', defaults filled in, dpr folded into width/height, format resolved. Equal options give
    // equal strings, so it keys caches and ETags (together with the source's etag).
    QString normalizedKey() const;
};

// MIME type of an output format (Original has none: it depends on the source).
QByteArray imageFormatMimeType(ImageFormat format);

// What a route uses for the parameters a request leaves out; default-constructed, the edge image
// API's own defaults.
struct ImageDefaults
{
    QSize box; // when neither width nor height is given (valid: used; else the source's size)
    ImageFit fit = ImageFit::ScaleDown;
    bool negotiateFormat = false; // no `format`: as format=auto instead of the source's format
};

// Parses the image parameters of a query exactly as the edge image API names them: width, height,
// fit, gravity, format, quality, background, dpr, rotate, sharpen, blur. Unknown parameters
// (including `key`, which names the source object and is the caller's) are ignored. Every bad
// value gives `bad_request` with a message that names the parameter. `acceptHeader` resolves
// format=auto (AVIF, then WebP, then JPEG).
Result<ImageOptions> parseImageOptions(const QUrlQuery &query, const QByteArray &acceptHeader,
                                       const ImageDefaults &defaults = {});

} // namespace edgedesk
