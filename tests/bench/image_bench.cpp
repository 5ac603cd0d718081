// Image transform benchmark: the sample photo (1600x1200 JPEG) through transformImage() with the
// JPEG shrink-on-load hint on and off, per output format, and from the cache; then the cold
// random-size boxes of image_wrk_bench.py one after another, as CPU time per transform, for the
// naive Magick++ pipeline and transformImage() without and with a decoded-source cache. Prints one
// line per case and, with --json FILE, writes the same numbers as JSON.
// Not a test: it asserts nothing about timings, it measures them.
//   image_bench [--runs N] [--json FILE]
#include "image_naive.h"

#include "bindings/images/decodedimagecache.h"
#include "bindings/images/imagecache.h"
#include "bindings/images/imageoptions.h"
#include "bindings/images/imagetransform.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <utility>

using namespace edgedesk;

namespace {

struct Case
{
    const char *name;
    const char *query;
    bool shrinkOnLoad;
};

double percentile(QList<double> samples, double p)
{
    std::sort(samples.begin(), samples.end());
    const qsizetype at = std::min<qsizetype>(samples.size() - 1, qsizetype(p * samples.size()));
    return samples[at];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Runs per case."), QStringLiteral("n"),
                      QStringLiteral("40")});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("Also write JSON here."), QStringLiteral("file")});
    parser.process(app);
    const int runs = std::max(3, parser.value(QStringLiteral("runs")).toInt());

    QFile file(QStringLiteral(":/edgedesk/sample/pristine.jpg"));
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "the sample image is not compiled in\n");
        return 1;
    }
    const QByteArray source = file.readAll();
    initImageMagick();

    const Case cases[] = {
        {"120x80 jpeg, shrink-on-load", "width=120&height=80&fit=cover&format=jpeg", true},
        {"120x80 jpeg, full decode", "width=120&height=80&fit=cover&format=jpeg", false},
        {"100x100 default, shrink-on-load", "width=100&height=100&format=jpeg", true},
        {"100x100 default, full decode", "width=100&height=100&format=jpeg", false},
        {"400x300 webp, shrink-on-load", "width=400&format=webp", true},
        {"400x300 webp, full decode", "width=400&format=webp", false},
        {"400x300 avif, shrink-on-load", "width=400&format=avif", true},
        {"400x300 png, shrink-on-load", "width=400&format=png", true},
        {"1600x1200 jpeg re-encode", "format=jpeg", true},
        {"json only", "width=120&height=80&format=json", true},
    };

    QJsonArray results;
    std::printf("%-36s %10s %10s %8s\n", "case", "median ms", "p95 ms", "bytes");
    for (const Case &c : cases) {
        auto options = parseImageOptions(QUrlQuery(QString::fromLatin1(c.query)), QByteArray());
        if (!options.ok()) {
            std::fprintf(stderr, "%s: %s\n", c.name, qPrintable(options.error().message));
            return 1;
        }
        options->jpegShrinkOnLoad = c.shrinkOnLoad;
        transformImage(source, *options); // warm-up: coders load, caches fill
        QList<double> samples;
        qsizetype bytes = 0;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer timer;
            timer.start();
            auto result = transformImage(source, *options);
            samples.append(timer.nsecsElapsed() / 1e6);
            if (!result.ok()) {
                std::fprintf(stderr, "%s: %s\n", c.name, qPrintable(result.error().message));
                return 1;
            }
            bytes = result->bytes.size();
        }
        const double median = percentile(samples, 0.5);
        const double p95 = percentile(samples, 0.95);
        std::printf("%-36s %10.2f %10.2f %8lld\n", c.name, median, p95, qlonglong(bytes));
        results.append(QJsonObject{{QStringLiteral("case"), QString::fromLatin1(c.name)},
                                   {QStringLiteral("query"), QString::fromLatin1(c.query)},
                                   {QStringLiteral("shrink_on_load"), c.shrinkOnLoad},
                                   {QStringLiteral("median_ms"), median},
                                   {QStringLiteral("p95_ms"), p95},
                                   {QStringLiteral("bytes"), bytes},
                                   {QStringLiteral("runs"), runs}});
    }

    // A cache hit: what a repeated /image request costs once transformed.
    {
        ImageCache cache;
        auto options = parseImageOptions(QUrlQuery(QStringLiteral("width=120&height=80")), {});
        auto result = transformImage(source, *options);
        const QString key = ImageCache::makeKey(QStringLiteral("etag"), options->normalizedKey());
        cache.put(key, ImageCacheEntry{result->bytes, result->mimeType, result->width,
                                       result->height, result->durationMs});
        QList<double> samples;
        for (int i = 0; i < runs * 100; ++i) {
            QElapsedTimer timer;
            timer.start();
            const auto hit = cache.get(key);
            samples.append(timer.nsecsElapsed() / 1e6);
            if (!hit)
                return 1;
        }
        std::printf("%-36s %10.4f %10.4f %8lld\n", "cache hit", percentile(samples, 0.5),
                    percentile(samples, 0.95), qlonglong(result->bytes.size()));
        results.append(QJsonObject{{QStringLiteral("case"), QStringLiteral("cache hit")},
                                   {QStringLiteral("median_ms"), percentile(samples, 0.5)},
                                   {QStringLiteral("p95_ms"), percentile(samples, 0.95)},
                                   {QStringLiteral("runs"), runs * 100}});
    }

    // Cold random sizes: CPU time (this process's, so a busy machine hardly matters) per transform.
    // ImageMagick runs one thread per operation here, the naive pipeline included.
    {
        const Magick::Blob blob(source.constData(), size_t(source.size()));
        const int count = runs * 5;
        auto options = [](int width, int height) {
            return *parseImageOptions(
                QUrlQuery(QStringLiteral("width=%1&height=%2").arg(width).arg(height)), {});
        };
        DecodedImageCache decoded;
        const std::pair<const char *, std::function<bool(int, int)>> pipelines[] = {
            {"cold random sizes: naive Magick++",
             [&](int w, int h) { return !naiveImageTransform(blob, w, h).empty(); }},
            {"cold random sizes: transformImage",
             [&](int w, int h) { return transformImage(source, options(w, h)).ok(); }},
            {"cold random sizes: + decoded cache",
             [&](int w, int h) {
                 return transformImage(source, options(w, h), &decoded, QStringLiteral("etag"))
                     .ok();
             }},
        };
        for (const auto &[name, transformOne] : pipelines) {
            const std::clock_t start = std::clock();
            for (long k = 1; k <= count; ++k) {
                int width = 0;
                int height = 0;
                coldImageBox(k, &width, &height);
                if (!transformOne(width, height)) {
                    std::fprintf(stderr, "%s: %dx%d failed\n", name, width, height);
                    return 1;
                }
            }
            const double cpuMs = double(std::clock() - start) * 1000.0 / CLOCKS_PER_SEC / count;
            std::printf("%-36s %10.2f %10s %8s  (CPU ms per transform, %d boxes)\n", name, cpuMs,
                        "", "", count);
            results.append(QJsonObject{{QStringLiteral("case"), QString::fromLatin1(name)},
                                       {QStringLiteral("cpu_ms_per_transform"), cpuMs},
                                       {QStringLiteral("runs"), count}});
        }
    }

    // Refusals: a decompression-bomb header and a non-image, turned away before any decoder runs.
    {
        QByteArray bomb("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
        const char ihdr[] = {0, 0, '\xc3', '\x50', 0, 0, '\xc3', '\x50', 8, 2, 0, 0, 0};
        bomb.append(ihdr, sizeof(ihdr)).append(QByteArray(4, '\0')); // 50000x50000, CRC unchecked
        const QByteArray text("not an image at all");
        auto options = parseImageOptions(QUrlQuery(QStringLiteral("width=100")), {});
        for (const auto &[name, bytes] : {std::pair{"refuse 50000x50000 PNG header", bomb},
                                          std::pair{"refuse text bytes", text}}) {
            QList<double> samples;
            QString code;
            for (int i = 0; i < runs; ++i) {
                QElapsedTimer timer;
                timer.start();
                auto result = transformImage(bytes, *options);
                samples.append(timer.nsecsElapsed() / 1e6);
                code = result.ok() ? QStringLiteral("ok") : result.error().code;
            }
            std::printf("%-36s %10.4f %10.4f %8s\n", name, percentile(samples, 0.5),
                        percentile(samples, 0.95), qPrintable(code));
            results.append(QJsonObject{{QStringLiteral("case"), QString::fromLatin1(name)},
                                       {QStringLiteral("median_ms"), percentile(samples, 0.5)},
                                       {QStringLiteral("p95_ms"), percentile(samples, 0.95)},
                                       {QStringLiteral("error"), code},
                                       {QStringLiteral("runs"), runs}});
        }
    }

    if (parser.isSet(QStringLiteral("json"))) {
        QFile out(parser.value(QStringLiteral("json")));
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(out.fileName()));
            return 1;
        }
        out.write(QJsonDocument(QJsonObject{{QStringLiteral("benchmark"), QStringLiteral("image")},
                                            {QStringLiteral("results"), results}})
                      .toJson());
    }
    return 0;
}
