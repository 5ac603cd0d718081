#include "bindings/images/imagetransform.h"

#include "util/imageheader.h"
#include "bindings/images/decodedimagecache.h"
#include "bindings/images/imagelog.h"

#include <QElapsedTimer>
#include <QSemaphore>
#include <QThread>

#include <Magick++.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <exception>
#include <mutex>
#include <optional>

namespace edgedesk {

namespace {

using Clock = std::chrono::steady_clock;

Error unprocessable(const QString &message)
{
    return makeError(QStringLiteral("unprocessable"), message);
}

Error tooLarge(qint64 width, qint64 height)
{
    return makeError(QStringLiteral("payload_too_large"),
                     QStringLiteral("the image is %1x%2 pixels; sources are limited to %3 pixels "
                                    "a side and %4 megapixels")
                         .arg(width)
                         .arg(height)
                         .arg(kImageMaxSourceSide)
                         .arg(kImageMaxSourcePixels / 1000000));
}

// ImageMagick's own "time" resource is useless here: in ImageMagick 6 it counts from the first
// pixel cache of the *process* and then exits the process (a fatal error). A progress monitor on
// each image gives a per-transform deadline that fails only that transform.
MagickCore::MagickBooleanType deadlineMonitor(const char *, const MagickCore::MagickOffsetType,
                                              const MagickCore::MagickSizeType, void *data)
{
    const auto *deadline = static_cast<const Clock::time_point *>(data);
    return Clock::now() < *deadline ? MagickCore::MagickTrue : MagickCore::MagickFalse;
}

bool orientationSwapsAxes(Magick::OrientationType orientation)
{
    return orientation == Magick::LeftTopOrientation ||
           orientation == Magick::RightTopOrientation ||
           orientation == Magick::RightBottomOrientation ||
           orientation == Magick::LeftBottomOrientation;
}

// Messages of decoder warnings that mean the pixels are incomplete, not merely odd.
bool isTruncationWarning(const std::string &message)
{
    static const char *const signs[] = {
        "Premature end",  "premature end",  "truncat",      "Insufficient image data",
        "Unexpected end", "unexpected end", "Corrupt image"};
    return std::any_of(std::begin(signs), std::end(signs),
                       [&](const char *s) { return message.find(s) != std::string::npos; });
}

Magick::Color toMagickColor(const RgbaColor &color)
{
    return Magick::Color(color.hex().toStdString());
}

// Written by hand to keep the edge API's key order (width, height, original{file_size, width,
// height, format}); QJsonObject would sort the keys. Every value is a number or a fixed MIME type.
QByteArray jsonResult(int width, int height, const ImageOriginal &original)
{
    return QStringLiteral(R"({"width":%1,"height":%2,"original":{"file_size":%3,"width":%4,)"
                          R"("height":%5,"format":"%6"}})")
        .arg(width)
        .arg(height)
        .arg(original.fileSize)
        .arg(original.width)
        .arg(original.height)
        .arg(QString::fromLatin1(original.mimeType))
        .toUtf8();
}

ImageFormat outputFormatFor(ImageFormat requested, ImageSourceFormat source)
{
    if (requested != ImageFormat::Original)
        return requested;
    switch (source) {
    case ImageSourceFormat::Png:
        return ImageFormat::Png;
    case ImageSourceFormat::Webp:
        return ImageFormat::Webp;
    case ImageSourceFormat::Avif:
        return ImageFormat::Avif;
    default:
        // GIF and HEIC are decoded but not produced (no animation, HEIC encoding is not for the
        // web): JPEG like the edge API's fallback.
        return ImageFormat::Jpeg;
    }
}

void applyBlur(Magick::Image &image, double radius)
{
    // A Gaussian's cost grows with sigma; past a small sigma, blur a reduced copy and scale it
    // back, which looks the same and keeps blur=250 on a 4096-pixel output bounded.
    constexpr double kDirectSigma = 4.0;
    const double sigma = radius / 2.0;
    if (sigma <= kDirectSigma) {
        image.blur(0.0, sigma);
        return;
    }
    const size_t width = image.columns();
    const size_t height = image.rows();
    const double factor = sigma / kDirectSigma;
    Magick::Geometry reduced(std::max<size_t>(1, size_t(std::lround(width / factor))),
                             std::max<size_t>(1, size_t(std::lround(height / factor))));
    reduced.aspect(true);
    image.resize(reduced);
    image.blur(0.0, kDirectSigma);
    Magick::Geometry full(width, height);
    full.aspect(true);
    image.resize(full);
}

void encode(Magick::Image &image, ImageFormat format, int quality, const RgbaColor &background,
            Magick::Blob *out)
{
    const bool opaqueOnly = format == ImageFormat::Jpeg || format == ImageFormat::BaselineJpeg;
    if (opaqueOnly && image.matte()) {
        // JPEG has no alpha: composite over the background (opaque) rather than let transparent
        // pixels show whatever colour they happen to hold.
        RgbaColor opaque = background;
        opaque.a = 255;
        Magick::Image canvas(Magick::Geometry(image.columns(), image.rows()),
                             toMagickColor(opaque));
        canvas.composite(image, 0, 0, Magick::OverCompositeOp);
        image = canvas;
    }
    switch (format) {
    case ImageFormat::Jpeg:
        image.magick("JPEG");
        image.interlaceType(Magick::PlaneInterlace); // progressive
        image.quality(size_t(quality));
        break;
    case ImageFormat::BaselineJpeg:
        image.magick("JPEG");
        image.interlaceType(Magick::NoInterlace);
        image.quality(size_t(quality));
        break;
    case ImageFormat::Png:
        image.magick("PNG");
        image.quality(75); // zlib level 7, adaptive filtering: quality is not a PNG notion
        break;
    case ImageFormat::Webp:
        image.magick("WEBP");
        image.quality(size_t(quality));
        if (quality == 100)
            image.defineValue("webp", "lossless", "true"); // as the edge API does
        break;
    case ImageFormat::Avif:
        image.magick("AVIF");
        image.quality(size_t(quality));
        break;
    case ImageFormat::Original:
    case ImageFormat::Json:
        break;
    }
    image.write(out);
}

// Transforms are CPU-bound with one thread each: more of them at once than there are cores only
// share the caches (about 10% more CPU per transform with 4 on 2 cores). The worker pool keeps a
// few threads beyond the cores for work that waits on I/O; image work past the cores waits here.
QSemaphore &transformSlots()
{
    static QSemaphore slots(std::max(1, QThread::idealThreadCount()));
    return slots;
}

// The JPEG decode scale, as the denominator ImageMagick passes to libjpeg (which decodes at 1/2,
// 3/8, 1/4 or 1/8 of the size almost for free, filtering within each 8x8 block only). The
// smallest decode that still leaves the resize 1.5 times the pixels it produces a side, so that
// the resize filter, not the DCT, decides what aliases: against a full decode and the same
// resize, about 50 dB PSNR on the sample photo and above 30 dB on a zone plate (1 time, as
// sharp's fast shrink-on-load, falls to 24 dB there); 2 times costs 1.8x the resize time for
// 53 dB. The few denominators libjpeg tells apart keep the decoded-source cache small.
int jpegShrinkDenominator(int storedWidth, int storedHeight, int needWidth, int needHeight)
{
    constexpr double kHeadroom = 1.5;
    for (const int denominator : {8, 4, 3, 2}) {
        if (storedWidth / denominator >= kHeadroom * needWidth &&
            storedHeight / denominator >= kHeadroom * needHeight)
            return denominator;
    }
    return 1;
}

// Decodes the first frame at 1/denominator of the stored size, then applies what every transform
// of the source needs: EXIF orientation, sRGB instead of CMYK, no metadata. An error if the
// decoder fails, the file is truncated or the deadline passes.
std::optional<Error> decodeSource(const Magick::Blob &blob, const ImageHeader &header,
                                  int storedWidth, int storedHeight, int denominator,
                                  const Clock::time_point &deadline, const Error &timedOut,
                                  Magick::Image *out)
{
    Magick::Image &image = *out;
    image.magick(header.magickCoder());
    image.subImage(0); // first frame only: no animation, and no 10,000-frame GIF bombs
    image.subRange(1);
    MagickCore::SetImageInfoProgressMonitor(image.imageInfo(), deadlineMonitor,
                                            const_cast<Clock::time_point *>(&deadline));
    if (denominator > 1) {
        // ImageMagick asks libjpeg for 1/floor(min(stored / size)): these sizes give exactly
        // `denominator`.
        image.defineValue("jpeg", "size",
                          QStringLiteral("%1x%2")
                              .arg(storedWidth / denominator)
                              .arg(storedHeight / denominator)
                              .toStdString());
    }
    const auto expired = [&] { return Clock::now() >= deadline; };
    try {
        image.read(blob);
    } catch (const Magick::Warning &warning) {
        // Magick++ throws warnings after the image is read; most are harmless (extraneous
        // bytes, unknown markers), but a truncated file decodes as grey filler.
        if (expired())
            return timedOut;
        if (isTruncationWarning(warning.what()) || image.columns() == 0)
            return unprocessable(QStringLiteral("the image is truncated or corrupt"));
        qCDebug(lcImages) << "decoder warning:" << warning.what();
    }
    if (expired())
        return timedOut;
    MagickCore::SetImageProgressMonitor(image.image(), deadlineMonitor,
                                        const_cast<Clock::time_point *>(&deadline));
    image.quiet(true); // warnings from here on (e.g. profile oddities) are not failures
    image.autoOrient();
    if (image.colorSpace() == Magick::CMYKColorspace)
        image.colorSpace(Magick::sRGBColorspace);
    image.strip();
    // A step cut short by the deadline leaves incomplete pixels, which must not be kept.
    if (expired())
        return timedOut;
    return std::nullopt;
}

} // namespace

ImageGeometry planImageGeometry(int sourceWidth, int sourceHeight, const ImageOptions &options)
{
    ImageGeometry g;
    const int sw = std::max(1, sourceWidth);
    const int sh = std::max(1, sourceHeight);
    int bw = options.width;
    int bh = options.height;
    auto full = [&](int w, int h) {
        g.resizeWidth = w;
        g.resizeHeight = h;
        g.cropX = g.cropY = 0;
        g.cropWidth = w;
        g.cropHeight = h;
        g.outputWidth = w;
        g.outputHeight = h;
    };
    if (bw <= 0 && bh <= 0) {
        full(sw, sh);
        return g;
    }
    // One side given: the other follows the source's aspect, so every fit agrees.
    if (bw <= 0)
        bw = std::max(1, int(std::lround(double(sw) * bh / sh)));
    if (bh <= 0)
        bh = std::max(1, int(std::lround(double(sh) * bw / sw)));

    const double sx = double(bw) / sw;
    const double sy = double(bh) / sh;
    // Scaled sizes, snapping the side that set the scale to the box exactly.
    auto scaledTo = [&](double s, int &rw, int &rh) {
        rw = s == sx ? bw : std::max(1, int(std::lround(sw * s)));
        rh = s == sy ? bh : std::max(1, int(std::lround(sh * s)));
        if (s == 1.0) {
            rw = sw;
            rh = sh;
        }
    };

    switch (options.fit) {
    case ImageFit::Squeeze:
        full(bw, bh);
        break;
    case ImageFit::ScaleDown:
    case ImageFit::Contain:
    case ImageFit::Pad: {
        double s = std::min(sx, sy);
        if (options.fit == ImageFit::ScaleDown)
            s = std::min(s, 1.0);
        int rw = 0;
        int rh = 0;
        scaledTo(s, rw, rh);
        full(rw, rh);
        if (options.fit == ImageFit::Pad) {
            g.outputWidth = bw;
            g.outputHeight = bh;
        }
        break;
    }
    case ImageFit::Cover:
    case ImageFit::Crop: {
        double s = std::max(sx, sy);
        if (options.fit == ImageFit::Crop)
            s = std::min(s, 1.0);
        int rw = 0;
        int rh = 0;
        scaledTo(s, rw, rh);
        g.resizeWidth = rw;
        g.resizeHeight = rh;
        g.cropWidth = std::min(bw, rw);
        g.cropHeight = std::min(bh, rh);
        // Centre the crop on the focal point, kept inside the image.
        g.cropX = std::clamp(int(std::lround(options.gravityX * rw - g.cropWidth / 2.0)), 0,
                             rw - g.cropWidth);
        g.cropY = std::clamp(int(std::lround(options.gravityY * rh - g.cropHeight / 2.0)), 0,
                             rh - g.cropHeight);
        g.outputWidth = g.cropWidth;
        g.outputHeight = g.cropHeight;
        break;
    }
    }
    return g;
}

void initImageMagick()
{
    static std::once_flag once;
    std::call_once(once, [] {
        Magick::InitializeMagick(nullptr);
        // Transforms run in parallel on the worker pool; one thread each keeps them from
        // fighting over cores (and OpenMP from spawning a team per transform).
        Magick::ResourceLimits::thread(1);
        Magick::ResourceLimits::width(kImageMaxSourceSide);
        Magick::ResourceLimits::height(kImageMaxSourceSide);
        Magick::ResourceLimits::area(kImageMaxSourcePixels);
        Magick::ResourceLimits::memory(256ULL * 1024 * 1024);
        Magick::ResourceLimits::map(512ULL * 1024 * 1024);
        // A pixel cache that does not fit in memory fails instead of spilling to disk.
        Magick::ResourceLimits::disk(0);
        qCInfo(lcImages) << "ImageMagick" << MagickCore::GetMagickVersion(nullptr)
                         << "initialised, 1 thread per transform";
    });
}

Result<ImageResult> transformImage(const QByteArray &source, const ImageOptions &options,
                                   DecodedImageCache *decodedCache, const QString &sourceEtag)
{
    QElapsedTimer timer;
    timer.start();
    initImageMagick();

    const ImageHeader header = sniffImageHeader(source);
    if (header.format == ImageSourceFormat::Unknown)
        return makeError(QStringLiteral("unsupported_media_type"),
                         QStringLiteral("the source is not a JPEG, PNG, GIF, WebP, AVIF or HEIC "
                                        "image"));
    if (!header.dimensionsKnown())
        return unprocessable(QStringLiteral("the image header is corrupt or truncated"));
    if (header.width > kImageMaxSourceSide || header.height > kImageMaxSourceSide ||
        header.width * header.height > kImageMaxSourcePixels)
        return tooLarge(header.width, header.height);

    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(options.timeoutMs);
    const Error timedOut = unprocessable(
        QStringLiteral("the transform took longer than %1 ms").arg(options.timeoutMs));
    // A cancelled step does not always throw (a decoder stops early and returns what it has),
    // so the deadline is also checked between steps.
    auto expired = [&] { return Clock::now() >= deadline; };
    const Magick::Blob blob(source.constData(), size_t(source.size()));
    const ImageFormat format = outputFormatFor(options.format, header.format);

    ImageResult result;
    result.original.fileSize = source.size();
    result.original.mimeType = header.mimeType();
    try {
        // Header read through the chosen coder: the EXIF orientation, and a first check that
        // the decoder agrees this is an image.
        Magick::Image probe;
        probe.magick(header.magickCoder());
        probe.subImage(0);
        probe.subRange(1);
        probe.ping(blob);
        const Magick::OrientationType orientation = probe.orientation();
        const bool orientSwap = orientationSwapsAxes(orientation);
        const int storedWidth = int(probe.columns());
        const int storedHeight = int(probe.rows());
        if (storedWidth <= 0 || storedHeight <= 0)
            return unprocessable(QStringLiteral("the image has no pixels"));
        const int displayWidth = orientSwap ? storedHeight : storedWidth;
        const int displayHeight = orientSwap ? storedWidth : storedHeight;
        result.original.width = displayWidth;
        result.original.height = displayHeight;

        // rotate=90/270 turns the box's axes too ("width and height refer to axes after
        // rotation").
        const bool rotateSwap = options.rotate == 90 || options.rotate == 270;
        const int rotatedWidth = rotateSwap ? displayHeight : displayWidth;
        const int rotatedHeight = rotateSwap ? displayWidth : displayHeight;
        const ImageGeometry plan = planImageGeometry(rotatedWidth, rotatedHeight, options);

        if (format == ImageFormat::Json) {
            result.bytes = jsonResult(plan.outputWidth, plan.outputHeight, result.original);
            result.mimeType = imageFormatMimeType(ImageFormat::Json);
            result.width = plan.outputWidth;
            result.height = plan.outputHeight;
            result.durationMs = timer.elapsed();
            return result;
        }

        const auto waitMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                deadline - Clock::now())
                                .count();
        if (!transformSlots().tryAcquire(1, int(std::clamp<qint64>(waitMs, 0, INT_MAX))))
            return timedOut;
        const QSemaphoreReleaser slot(transformSlots());

        // In the file's own axes: what the resize needs, before orientation and rotation.
        const bool swap = orientSwap != rotateSwap;
        const int denominator =
            options.jpegShrinkOnLoad && header.format == ImageSourceFormat::Jpeg
                ? jpegShrinkDenominator(storedWidth, storedHeight,
                                        swap ? plan.resizeHeight : plan.resizeWidth,
                                        swap ? plan.resizeWidth : plan.resizeHeight)
                : 1;
        const QString decodedKey = decodedCache && !sourceEtag.isEmpty()
                                       ? DecodedImageCache::makeKey(sourceEtag, denominator)
                                       : QString();
        std::optional<Magick::Image> decodedImage;
        if (!decodedKey.isEmpty())
            decodedImage = decodedCache->get(decodedKey);
        if (!decodedImage) {
            Magick::Image fresh;
            if (const auto failed = decodeSource(blob, header, storedWidth, storedHeight,
                                                 denominator, deadline, timedOut, &fresh))
                return *failed;
            if (!decodedKey.isEmpty())
                decodedCache->put(decodedKey, fresh);
            decodedImage = DecodedImageCache::privateCopy(fresh);
            if (!decodedImage)
                throw Magick::ErrorResourceLimit("cannot copy the decoded image");
        }
        // The same fresh Image whether the pixels were decoded now or before: equal outputs.
        Magick::Image &image = *decodedImage;
        MagickCore::SetImageProgressMonitor(image.image(), deadlineMonitor,
                                            const_cast<Clock::time_point *>(&deadline));
        image.quiet(true);
        if (options.rotate != 0)
            image.rotate(options.rotate);

        if (int(image.columns()) != plan.resizeWidth || int(image.rows()) != plan.resizeHeight) {
            Magick::Geometry size(size_t(plan.resizeWidth), size_t(plan.resizeHeight));
            size.aspect(true);
            image.resize(size);
        }
        if (plan.cropWidth != plan.resizeWidth || plan.cropHeight != plan.resizeHeight) {
            image.crop(Magick::Geometry(size_t(plan.cropWidth), size_t(plan.cropHeight), plan.cropX,
                                        plan.cropY));
            image.repage();
        }
        if (plan.outputWidth != plan.cropWidth || plan.outputHeight != plan.cropHeight) {
            if (options.background.a < 255)
                image.matte(true);
            image.extent(Magick::Geometry(size_t(plan.outputWidth), size_t(plan.outputHeight)),
                         toMagickColor(options.background), Magick::CenterGravity);
            image.repage();
        }
        if (options.sharpen > 0)
            image.unsharpmask(0.0, 1.0, options.sharpen / 2.0, 0.0);
        if (options.blur > 0)
            applyBlur(image, options.blur);

        if (expired())
            return timedOut;
        Magick::Blob out;
        encode(image, format, options.quality, options.background, &out);
        if (expired())
            return timedOut;
        result.bytes = QByteArray(static_cast<const char *>(out.data()), qsizetype(out.length()));
        result.mimeType = imageFormatMimeType(format);
        result.width = int(image.columns());
        result.height = int(image.rows());
    } catch (const Magick::ErrorResourceLimit &e) {
        qCInfo(lcImages) << "refused over resource limits:" << e.what();
        if (expired())
            return timedOut;
        return tooLarge(header.width, header.height);
    } catch (const Magick::Exception &e) {
        if (expired())
            return timedOut;
        qCInfo(lcImages) << "cannot transform:" << e.what();
        return unprocessable(QStringLiteral("the image is corrupt or cannot be decoded"));
    } catch (const std::exception &e) {
        qCWarning(lcImages) << "transform failed:" << e.what();
        return makeError(QStringLiteral("internal_error"),
                         QStringLiteral("the image transform failed"));
    } catch (...) {
        qCWarning(lcImages) << "transform failed with an unknown exception";
        return makeError(QStringLiteral("internal_error"),
                         QStringLiteral("the image transform failed"));
    }
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace edgedesk
