#include "bindings/images/decodedimagecache.h"
#include "bindings/images/imagecache.h"
#include "bindings/images/imageoptions.h"
#include "bindings/images/imagetransform.h"
#include "util/imageheader.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QThreadPool>
#include <QtEndian>

#include <Magick++.h>

#include <atomic>
#include <cmath>
#include <vector>

using namespace edgedesk;

namespace {

QByteArray sample()
{
    static const QByteArray bytes = [] {
        QFile file(QStringLiteral(":/edgedesk/sample/pristine.jpg"));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }();
    return bytes;
}

// The product's 10 s budget per transform is for live requests; a test checks results, and a
// loaded machine may take longer (the budget itself has its own tests below).
constexpr int kTestBudgetMs = 300000;

ImageOptions options(const QString &query, const QByteArray &accept = QByteArray())
{
    auto parsed = parseImageOptions(QUrlQuery(query), accept);
    if (!parsed.ok())
        qFatal("bad test query %s: %s", qPrintable(query), qPrintable(parsed.error().message));
    parsed->timeoutMs = kTestBudgetMs;
    return *parsed;
}

QByteArray toBytes(const Magick::Blob &blob)
{
    return QByteArray(static_cast<const char *>(blob.data()), qsizetype(blob.length()));
}

Magick::Image decode(const QByteArray &bytes)
{
    Magick::Image image;
    image.read(Magick::Blob(bytes.constData(), size_t(bytes.size())));
    // Magick++ 6's pixelColor() misreads palette (PseudoClass) images, which small PNGs become.
    image.classType(Magick::DirectClass);
    return image;
}

// ImageMagick 6's Color::alpha() is really the opacity: 0 is opaque, 1 transparent.
double transparency(const Magick::Color &color)
{
    return color.alpha();
}

QByteArray encode(Magick::Image image, const char *format)
{
    image.magick(format);
    Magick::Blob blob;
    image.write(&blob);
    return toBytes(blob);
}

// Peak signal-to-noise ratio of two images of one size over their 8-bit RGB samples, in dB
// (infinite for identical pixels).
double psnr(Magick::Image a, Magick::Image b)
{
    const size_t width = a.columns();
    const size_t height = a.rows();
    if (b.columns() != width || b.rows() != height)
        return -1.0;
    std::vector<quint8> pa(width * height * 3);
    std::vector<quint8> pb(pa.size());
    a.write(0, 0, width, height, "RGB", Magick::CharPixel, pa.data());
    b.write(0, 0, width, height, "RGB", Magick::CharPixel, pb.data());
    double squares = 0;
    for (size_t i = 0; i < pa.size(); ++i) {
        const double d = double(pa[i]) - double(pb[i]);
        squares += d * d;
    }
    const double mse = squares / double(pa.size());
    return mse == 0 ? INFINITY : 10.0 * std::log10(255.0 * 255.0 / mse);
}

// The worst case for shrink-on-load: a 1600x1200 zone plate (concentric rings whose frequency grows
// to the pixel pitch at the edges), where any aliasing shows as false rings. In colour: ImageMagick
// decodes a grey JPEG as a palette image and resizes those with another filter (Mitchell).
QByteArray zonePlate()
{
    static const QByteArray bytes = [] {
        constexpr int width = 1600;
        constexpr int height = 1200;
        std::vector<quint8> pixels(size_t(width) * height * 3);
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width; ++x) {
                const double r2 = double(x - width / 2) * (x - width / 2) +
                                  double(y - height / 2) * (y - height / 2);
                const auto v = quint8(std::lround(127.5 + 127.5 * std::sin(r2 / 1200.0)));
                quint8 *p = &pixels[(size_t(y) * width + x) * 3];
                p[0] = v;
                p[1] = quint8(255 - v);
                p[2] = quint8(64 + v / 2);
            }
        }
        Magick::Image image(width, height, "RGB", Magick::CharPixel, pixels.data());
        image.quality(92);
        return encode(image, "JPEG");
    }();
    return bytes;
}

bool isRed(const Magick::ColorRGB &c)
{
    return c.red() > 0.8 && c.green() < 0.2 && c.blue() < 0.2;
}

bool isBlue(const Magick::ColorRGB &c)
{
    return c.red() < 0.2 && c.green() < 0.2 && c.blue() > 0.8;
}

quint32 crc32(const QByteArray &bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char c : bytes) {
        crc ^= quint8(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray pngChunk(const QByteArray &type, const QByteArray &data)
{
    QByteArray chunk(4, Qt::Uninitialized);
    qToBigEndian(quint32(data.size()), chunk.data());
    chunk += type + data;
    QByteArray tail(4, Qt::Uninitialized);
    qToBigEndian(crc32(type + data), tail.data());
    return chunk + tail;
}

// A valid PNG signature and IHDR claiming width x height, then a tiny IDAT: a decompression
// bomb's header.
QByteArray craftedPng(quint32 width, quint32 height)
{
    QByteArray ihdr(13, '\0');
    qToBigEndian(width, ihdr.data());
    qToBigEndian(height, ihdr.data() + 4);
    ihdr[8] = 8;                                                     // bit depth
    ihdr[9] = 2;                                                     // RGB
    const QByteArray idat = qCompress(QByteArray(100, '\0')).mid(4); // zlib stream
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", idat) +
           pngChunk("IEND", QByteArray());
}

// An EXIF block (APP1 payload as ImageMagick stores it) with one Orientation entry.
QByteArray exifWithOrientation(quint16 orientation)
{
    QByteArray tiff("MM\0\x2a\0\0\0\x08", 8);
    tiff += QByteArray("\0\x01", 2);                   // one entry
    tiff += QByteArray("\x01\x12\0\x03\0\0\0\x01", 8); // Orientation, SHORT, count 1
    tiff += char(orientation >> 8);
    tiff += char(orientation & 0xFF);
    tiff += QByteArray(2, '\0');
    tiff += QByteArray(4, '\0'); // no next IFD
    return QByteArray("Exif\0\0", 6) + tiff;
}

} // namespace

class TestImageTransform final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        initImageMagick();
        initImageMagick(); // idempotent
        QVERIFY(!sample().isEmpty());
    }

    void sampleIsThePristinePhoto()
    {
        const ImageHeader header = sniffImageHeader(sample());
        QCOMPARE(header.format, ImageSourceFormat::Jpeg);
        QCOMPARE(header.width, 1600);
        QCOMPARE(header.height, 1200);
        QVERIFY(sample().size() < 600 * 1024);
        Magick::Image image = decode(sample());
        QCOMPARE(image.orientation(), Magick::TopLeftOrientation);
    }

    void fitsProduceTheirSizes_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QSize>("size");
        QTest::addRow("scale-down") << "width=120&height=80&fit=scale-down" << QSize(107, 80);
        QTest::addRow("contain") << "width=120&height=80&fit=contain" << QSize(107, 80);
        QTest::addRow("cover") << "width=120&height=80&fit=cover" << QSize(120, 80);
        QTest::addRow("crop") << "width=120&height=80&fit=crop" << QSize(120, 80);
        QTest::addRow("pad") << "width=120&height=80&fit=pad" << QSize(120, 80);
        QTest::addRow("squeeze") << "width=120&height=80&fit=squeeze" << QSize(120, 80);
        QTest::addRow("only width") << "width=400" << QSize(400, 300);
        QTest::addRow("only height") << "height=300" << QSize(400, 300);
        QTest::addRow("scale-down never enlarges") << "width=3000&height=3000" << QSize(1600, 1200);
        QTest::addRow("crop never enlarges")
            << "width=2000&height=100&fit=crop" << QSize(1600, 100);
        QTest::addRow("contain enlarges")
            << "width=2000&height=2000&fit=contain" << QSize(2000, 1500);
        QTest::addRow("rotate 90 swaps axes") << "rotate=90" << QSize(1200, 1600);
        QTest::addRow("rotate then fit the box")
            << "rotate=270&width=300&height=300" << QSize(225, 300);
        QTest::addRow("dpr") << "width=50&dpr=3" << QSize(150, 113);
        QTest::addRow("without shrink-on-load")
            << "width=120&height=80&fit=cover" << QSize(120, 80);
    }

    void fitsProduceTheirSizes()
    {
        QFETCH(QString, query);
        QFETCH(QSize, size);
        ImageOptions opts = options(query + QStringLiteral("&format=png"));
        if (QByteArray(QTest::currentDataTag()).startsWith("without"))
            opts.jpegShrinkOnLoad = false;
        auto result = transformImage(sample(), opts);
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
        QCOMPARE(QSize(result->width, result->height), size);
        Magick::Image decoded = decode(result->bytes);
        QCOMPARE(QSize(int(decoded.columns()), int(decoded.rows())), size);
        QCOMPARE(result->original.width, 1600);
        QCOMPARE(result->original.height, 1200);
        QCOMPARE(result->original.fileSize, sample().size());
        QCOMPARE(result->original.mimeType, QByteArrayLiteral("image/jpeg"));

        // format=json reports exactly the size the transform produces, without producing it.
        ImageOptions json = opts;
        json.format = ImageFormat::Json;
        auto info = transformImage(sample(), json);
        QVERIFY(info.ok());
        const QJsonObject object = QJsonDocument::fromJson(info->bytes).object();
        QCOMPARE(object.value(QStringLiteral("width")).toInt(), size.width());
        QCOMPARE(object.value(QStringLiteral("height")).toInt(), size.height());
    }

    void outputFormatsByMagicBytes_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("mime");
        QTest::addColumn<QByteArray>("magic"); // '?' matches any byte
        QTest::addRow("jpeg") << "jpeg" << QByteArray("image/jpeg") << QByteArray("\xff\xd8\xff");
        QTest::addRow("baseline-jpeg")
            << "baseline-jpeg" << QByteArray("image/jpeg") << QByteArray("\xff\xd8\xff");
        QTest::addRow("png") << "png" << QByteArray("image/png") << QByteArray("\x89PNG\r\n\x1a\n");
        QTest::addRow("webp") << "webp" << QByteArray("image/webp") << QByteArray("RIFF????WEBP");
        QTest::addRow("avif") << "avif" << QByteArray("image/avif") << QByteArray("????ftypavif");
        QTest::addRow("original of a JPEG")
            << "" << QByteArray("image/jpeg") << QByteArray("\xff\xd8\xff");
    }

    void outputFormatsByMagicBytes()
    {
        QFETCH(QString, format);
        QFETCH(QByteArray, mime);
        QFETCH(QByteArray, magic);
        QString query = QStringLiteral("width=160&height=120");
        if (!format.isEmpty())
            query += QStringLiteral("&format=") + format;
        auto result = transformImage(sample(), options(query));
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
        QCOMPARE(result->mimeType, mime);
        QVERIFY(result->bytes.size() > magic.size());
        for (qsizetype i = 0; i < magic.size(); ++i) {
            if (magic[i] != '?')
                QCOMPARE(result->bytes[i], magic[i]);
        }
        QCOMPARE(sniffImageHeader(result->bytes).width, 160);
        QCOMPARE(sniffImageHeader(result->bytes).height, 120);
    }

    void progressiveAndBaselineJpeg()
    {
        auto progressive =
            transformImage(sample(), options(QStringLiteral("width=160&format=jpeg")));
        auto baseline =
            transformImage(sample(), options(QStringLiteral("width=160&format=baseline-jpeg")));
        QVERIFY(progressive.ok() && baseline.ok());
        // SOF2 marks a progressive JPEG, SOF0 a baseline one.
        QVERIFY(progressive->bytes.contains(QByteArray("\xff\xc2", 2)));
        QVERIFY(!progressive->bytes.contains(QByteArray("\xff\xc0", 2)));
        QVERIFY(baseline->bytes.contains(QByteArray("\xff\xc0", 2)));
        QVERIFY(!baseline->bytes.contains(QByteArray("\xff\xc2", 2)));
    }

    void originalFormatFollowsTheSource()
    {
        Magick::Image green(Magick::Geometry(64, 48), Magick::Color("green"));
        const QByteArray png = encode(green, "PNG");
        auto result = transformImage(png, options(QStringLiteral("width=32")));
        QVERIFY(result.ok());
        QCOMPARE(result->mimeType, QByteArrayLiteral("image/png"));
        QCOMPARE(result->original.mimeType, QByteArrayLiteral("image/png"));
        QCOMPARE(QSize(result->width, result->height), QSize(32, 24));

        const QByteArray webp = encode(green, "WEBP");
        auto fromWebp = transformImage(webp, options(QStringLiteral("width=32")));
        QVERIFY(fromWebp.ok());
        QCOMPARE(fromWebp->mimeType, QByteArrayLiteral("image/webp"));
        QCOMPARE(fromWebp->original.mimeType, QByteArrayLiteral("image/webp"));

        const QByteArray gif = encode(green, "GIF");
        auto fromGif = transformImage(gif, options(QStringLiteral("width=32")));
        QVERIFY(fromGif.ok());
        QCOMPARE(fromGif->mimeType, QByteArrayLiteral("image/jpeg"));
        QCOMPARE(fromGif->original.mimeType, QByteArrayLiteral("image/gif"));
    }

    void autoFormatFollowsAccept_data()
    {
        QTest::addColumn<QByteArray>("accept");
        QTest::addColumn<QByteArray>("mime");
        QTest::addRow("Chrome") << QByteArray("image/avif,image/webp,image/apng,image/*,*/*;q=0.8")
                                << QByteArray("image/avif");
        QTest::addRow("Safari 14") << QByteArray("image/webp,image/png,image/svg+xml,image/*;q=0.8")
                                   << QByteArray("image/webp");
        QTest::addRow("curl") << QByteArray("*/*") << QByteArray("image/jpeg");
        QTest::addRow("none") << QByteArray() << QByteArray("image/jpeg");
    }

    void autoFormatFollowsAccept()
    {
        QFETCH(QByteArray, accept);
        QFETCH(QByteArray, mime);
        auto result =
            transformImage(sample(), options(QStringLiteral("width=100&format=auto"), accept));
        QVERIFY(result.ok());
        QCOMPARE(result->mimeType, mime);
    }

    void qualityChangesSize_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addRow("jpeg") << "jpeg";
        QTest::addRow("webp") << "webp";
        QTest::addRow("avif") << "avif";
    }

    void qualityChangesSize()
    {
        QFETCH(QString, format);
        const QString base = QStringLiteral("width=400&format=") + format;
        auto low = transformImage(sample(), options(base + QStringLiteral("&quality=20")));
        auto high = transformImage(sample(), options(base + QStringLiteral("&quality=95")));
        auto named = transformImage(sample(), options(base + QStringLiteral("&quality=low")));
        QVERIFY(low.ok() && high.ok() && named.ok());
        QVERIFY2(
            low->bytes.size() * 3 / 2 < high->bytes.size(),
            qPrintable(QStringLiteral("%1 vs %2").arg(low->bytes.size()).arg(high->bytes.size())));
        QVERIFY(named->bytes.size() < high->bytes.size());
    }

    void exifOrientationIsApplied()
    {
        // Stored 300x200 with a red block at the stored top-left, tagged orientation 6 ("rotate
        // 90 degrees clockwise to display"): upright it is 200x300 with the block top-right.
        Magick::Image stored(Magick::Geometry(300, 200), Magick::Color("blue"));
        stored.fillColor(Magick::Color("red"));
        stored.draw(Magick::DrawableRectangle(0, 0, 99, 99));
        const QByteArray exif = exifWithOrientation(6);
        stored.profile("EXIF", Magick::Blob(exif.constData(), size_t(exif.size())));
        stored.orientation(Magick::RightTopOrientation);
        stored.quality(95);
        const QByteArray jpeg = encode(stored, "JPEG");
        QCOMPARE(decode(jpeg).orientation(), Magick::RightTopOrientation);

        auto result = transformImage(jpeg, options(QStringLiteral("format=png")));
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
        QCOMPARE(QSize(result->width, result->height), QSize(200, 300));
        QCOMPARE(QSize(result->original.width, result->original.height), QSize(200, 300));
        Magick::Image upright = decode(result->bytes);
        QVERIFY(isRed(upright.pixelColor(150, 50)));   // top-right
        QVERIFY(isBlue(upright.pixelColor(50, 50)));   // top-left
        QVERIFY(isBlue(upright.pixelColor(150, 250))); // bottom-right

        // With a box: the box applies to the upright image (and the shrink-on-load hint to the
        // stored axes).
        auto boxed = transformImage(jpeg, options(QStringLiteral("width=100&format=png")));
        QVERIFY(boxed.ok());
        QCOMPARE(QSize(boxed->width, boxed->height), QSize(100, 150));
        Magick::Image small = decode(boxed->bytes);
        QVERIFY(isRed(small.pixelColor(75, 25)));
        QVERIFY(isBlue(small.pixelColor(25, 25)));

        // Metadata is stripped: no EXIF (and so no orientation to apply twice) in the output.
        auto asJpeg = transformImage(jpeg, options(QStringLiteral("format=jpeg")));
        QVERIFY(asJpeg.ok());
        QVERIFY(!asJpeg->bytes.contains("Exif"));
        QCOMPARE(decode(asJpeg->bytes).profile("EXIF").length(), size_t(0));
    }

    void jsonShape()
    {
        auto result = transformImage(
            sample(), options(QStringLiteral("width=120&height=80&fit=cover&format=json")));
        QVERIFY(result.ok());
        QCOMPARE(result->mimeType, QByteArrayLiteral("application/json"));
        const QByteArray expected =
            QByteArrayLiteral(R"({"width":120,"height":80,"original":{"file_size":)") +
            QByteArray::number(sample().size()) +
            QByteArrayLiteral(R"(,"width":1600,"height":1200,"format":"image/jpeg"}})");
        QCOMPARE(result->bytes, expected);
        const QJsonObject object = QJsonDocument::fromJson(result->bytes).object();
        QCOMPARE(object.keys(), (QStringList{QStringLiteral("height"), QStringLiteral("original"),
                                             QStringLiteral("width")}));
        QCOMPARE(object.value(QStringLiteral("original")).toObject().keys(),
                 (QStringList{QStringLiteral("file_size"), QStringLiteral("format"),
                              QStringLiteral("height"), QStringLiteral("width")}));
    }

    void padUsesTheBackground()
    {
        auto red = transformImage(
            sample(),
            options(QStringLiteral("width=200&height=200&fit=pad&background=red&format=png")));
        QVERIFY(red.ok());
        QCOMPARE(QSize(red->width, red->height), QSize(200, 200));
        Magick::Image padded = decode(red->bytes);
        // 200x150 of photo centred: 25 rows of padding above and below.
        QVERIFY(isRed(padded.pixelColor(100, 5)));
        QVERIFY(isRed(padded.pixelColor(100, 195)));
        QVERIFY(!isRed(padded.pixelColor(100, 100)));

        auto clear = transformImage(
            sample(), options(QStringLiteral(
                          "width=200&height=200&fit=pad&background=transparent&format=png")));
        QVERIFY(clear.ok());
        Magick::Image transparent = decode(clear->bytes);
        QVERIFY(transparent.matte());
        QCOMPARE(transparency(transparent.pixelColor(100, 5)), 1.0);
        QCOMPARE(transparency(transparent.pixelColor(100, 100)), 0.0);

        // JPEG has no alpha: a transparent PNG source is flattened onto the background.
        Magick::Image hole(Magick::Geometry(40, 40), Magick::Color("none"));
        hole.matte(true);
        auto flattened = transformImage(
            encode(hole, "PNG"), options(QStringLiteral("format=jpeg&background=%23ff0000")));
        QVERIFY(flattened.ok());
        QVERIFY(isRed(decode(flattened->bytes).pixelColor(20, 20)));
    }

    void effectsKeepTheSize()
    {
        for (const char *effect : {"blur=1", "blur=250", "sharpen=10", "sharpen=1&blur=30"}) {
            auto result = transformImage(
                sample(), options(QStringLiteral("width=400&format=png&") + QLatin1String(effect)));
            QVERIFY2(result.ok(), effect);
            QCOMPARE(QSize(result->width, result->height), QSize(400, 300));
        }
        // A strong blur flattens the picture: far fewer distinct bytes to encode.
        auto plain = transformImage(sample(), options(QStringLiteral("width=400&format=png")));
        auto blurred =
            transformImage(sample(), options(QStringLiteral("width=400&format=png&blur=250")));
        QVERIFY(blurred->bytes.size() * 4 < plain->bytes.size());
    }

    void firstFrameOfAnAnimation()
    {
        std::vector<Magick::Image> frames;
        frames.emplace_back(Magick::Geometry(80, 60), Magick::Color("red"));
        frames.emplace_back(Magick::Geometry(80, 60), Magick::Color("blue"));
        for (auto &frame : frames) {
            frame.magick("GIF");
            frame.animationDelay(10);
        }
        Magick::Blob blob;
        Magick::writeImages(frames.begin(), frames.end(), &blob, true);
        const QByteArray gif = toBytes(blob);
        auto result = transformImage(gif, options(QStringLiteral("format=png")));
        QVERIFY(result.ok());
        Magick::Image first = decode(result->bytes);
        QCOMPARE(QSize(int(first.columns()), int(first.rows())), QSize(80, 60));
        QVERIFY(isRed(first.pixelColor(40, 30)));
    }

    void hostileInputs_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("code");
        // format=json reads headers only, so it refuses what the headers give away and
        // describes an image whose pixels are damaged ("" = succeeds).
        QTest::addColumn<QString>("jsonCode");

        QTest::addRow("PNG claiming 50000x50000")
            << craftedPng(50000, 50000) << QStringLiteral("payload_too_large")
            << QStringLiteral("payload_too_large");
        QTest::addRow("PNG 20000 wide")
            << craftedPng(20000, 10) << QStringLiteral("payload_too_large")
            << QStringLiteral("payload_too_large");
        QTest::addRow("PNG 12000x12000 (over 128 MP)")
            << craftedPng(12000, 12000) << QStringLiteral("payload_too_large")
            << QStringLiteral("payload_too_large");
        QByteArray bigJpeg = sample();
        {
            // Patch the frame header (SOF0) to claim 60000x60000.
            const qsizetype sof = bigJpeg.indexOf(QByteArray("\xff\xc0", 2));
            qToBigEndian(quint16(60000), bigJpeg.data() + sof + 5);
            qToBigEndian(quint16(60000), bigJpeg.data() + sof + 7);
        }
        QTest::addRow("JPEG claiming 60000x60000") << bigJpeg << QStringLiteral("payload_too_large")
                                                   << QStringLiteral("payload_too_large");
        QTest::addRow("truncated JPEG") << sample().left(sample().size() * 2 / 5)
                                        << QStringLiteral("unprocessable") << QString();
        QTest::addRow("JPEG header only")
            << sample().left(600) << QStringLiteral("unprocessable") << QString();
        QTest::addRow("JPEG magic then garbage")
            << QByteArray("\xff\xd8\xff\xe0garbage-garbage-garbage")
            << QStringLiteral("unprocessable") << QStringLiteral("unprocessable");
        QByteArray corruptPng = craftedPng(100, 100);
        QTest::addRow("PNG with an undersized IDAT")
            << corruptPng << QStringLiteral("unprocessable") << QString();
        QTest::addRow("PNG without IHDR")
            << QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(40, 'x')
            << QStringLiteral("unprocessable") << QStringLiteral("unprocessable");
        Magick::Image small(Magick::Geometry(64, 64), Magick::Color("orange"));
        const QByteArray png = encode(small, "PNG");
        QTest::addRow("truncated PNG")
            << png.left(png.size() / 2) << QStringLiteral("unprocessable")
            << QStringLiteral("unprocessable");
        QTest::addRow("text") << QByteArray("hello, this is not an image\n")
                              << QStringLiteral("unsupported_media_type")
                              << QStringLiteral("unsupported_media_type");
        QTest::addRow("empty") << QByteArray() << QStringLiteral("unsupported_media_type")
                               << QStringLiteral("unsupported_media_type");
        QTest::addRow("SVG") << QByteArray("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
                             << QStringLiteral("unsupported_media_type")
                             << QStringLiteral("unsupported_media_type");
        QTest::addRow("ImageMagick MVG script")
            << QByteArray("push graphic-context\nviewbox 0 0 640 480\nimage over 0,0 0,0 "
                          "'label:@/etc/passwd'\npop graphic-context\n")
            << QStringLiteral("unsupported_media_type") << QStringLiteral("unsupported_media_type");
        QTest::addRow("PDF") << QByteArray("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
                             << QStringLiteral("unsupported_media_type")
                             << QStringLiteral("unsupported_media_type");
        QTest::addRow("BMP") << QByteArray("BM") + QByteArray(60, '\0')
                             << QStringLiteral("unsupported_media_type")
                             << QStringLiteral("unsupported_media_type");
    }

    void hostileInputs()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);
        QFETCH(QString, jsonCode);
        auto result = transformImage(bytes, options(QStringLiteral("width=100&format=png")));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, code);
        QVERIFY(!result.error().message.isEmpty());
        auto json = transformImage(bytes, options(QStringLiteral("width=100&format=json")));
        if (jsonCode.isEmpty()) {
            QVERIFY(json.ok());
        } else {
            QVERIFY(!json.ok());
            QCOMPARE(json.error().code, jsonCode);
        }
    }

    void overTheTimeBudgetIsRefused()
    {
        // A full decode of the 1600x1200 photo takes tens of milliseconds; 1 ms cannot do.
        ImageOptions opts = options(QStringLiteral("format=png&blur=100"));
        opts.jpegShrinkOnLoad = false;
        opts.timeoutMs = 1;
        auto result = transformImage(sample(), opts);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, QStringLiteral("unprocessable"));
        QCOMPARE(result.error().message, QStringLiteral("the transform took longer than 1 ms"));
        // The budget is per transform, not per process: the next one is fine.
        opts.timeoutMs = kTestBudgetMs;
        QVERIFY(transformImage(sample(), opts).ok());
        QVERIFY(!opts.normalizedKey().contains(QString::number(kTestBudgetMs)));
    }

    void concurrentTransformsAgree()
    {
        const ImageOptions opts =
            options(QStringLiteral("width=200&height=200&fit=cover&format=webp"));
        auto reference = transformImage(sample(), opts);
        QVERIFY(reference.ok());
        QThreadPool pool;
        pool.setMaxThreadCount(4);
        std::atomic<int> mismatches{0};
        for (int i = 0; i < 8; ++i) {
            pool.start([&] {
                auto result = transformImage(sample(), opts);
                if (!result.ok() || result->bytes != reference->bytes)
                    ++mismatches;
            });
        }
        pool.waitForDone();
        QCOMPARE(mismatches.load(), 0);
    }

    // Shrink-on-load changes pixels only within a small bound: a cold result (decoded at a
    // reduced JPEG scale, then resized) against the reference, a full decode resized straight to
    // the same size by ImageMagick's default (Lanczos) filter. PNG out, so that only the resampling
    // differs. The boxes sit on both sides of each decode scale's limit (1/8 up to 133x100, 1/4 up
    // to 266x200, 3/8 up to 355x266, 1/2 up to 533x400), where the resize after the decode has the
    // least room; the zone plate is where aliasing would show first.
    void coldResultIsCloseToTheFullDecode_data()
    {
        QTest::addColumn<bool>("zone");
        QTest::addColumn<QSize>("box");
        QTest::addColumn<QSize>("size");
        const std::pair<QSize, QSize> boxes[] = {
            {QSize(64, 64), QSize(64, 48)},     {QSize(100, 75), QSize(100, 75)},
            {QSize(133, 100), QSize(133, 100)}, {QSize(134, 101), QSize(134, 101)},
            {QSize(200, 150), QSize(200, 150)}, {QSize(266, 200), QSize(266, 200)},
            {QSize(267, 200), QSize(267, 200)}, {QSize(355, 266), QSize(355, 266)},
            {QSize(356, 267), QSize(356, 267)}, {QSize(400, 300), QSize(400, 300)},
            {QSize(533, 400), QSize(533, 400)}, {QSize(640, 480), QSize(640, 480)},
        };
        for (const bool zone : {false, true}) {
            for (const auto &[box, size] : boxes)
                QTest::addRow("%s %dx%d", zone ? "zone plate" : "photo", box.width(),
                              box.height())
                    << zone << box << size;
        }
    }

    void coldResultIsCloseToTheFullDecode()
    {
        QFETCH(bool, zone);
        QFETCH(QSize, box);
        QFETCH(QSize, size);
        const QByteArray source = zone ? zonePlate() : sample();
        auto cold = transformImage(source, options(QStringLiteral("width=%1&height=%2&format=png")
                                                       .arg(box.width())
                                                       .arg(box.height())));
        QVERIFY(cold.ok());
        QCOMPARE(QSize(cold->width, cold->height), size);
        Magick::Image reference = decode(source);
        Magick::Geometry exact(size_t(size.width()), size_t(size.height()));
        exact.aspect(true);
        reference.resize(exact);
        const double db = psnr(decode(cold->bytes), reference);
        QVERIFY2(db > 30.0, qPrintable(QStringLiteral("PSNR %1 dB").arg(db)));
    }

    // The decoded-source cache changes no output byte: the same options give the same bytes
    // without the cache, when they fill it and when they are served from it, including after
    // transforms that write into pixels they got from it (rotation, padding, effects, alpha).
    void decodedCacheGivesTheSameBytes()
    {
        const QString queries[] = {
            QStringLiteral("width=120&height=80&fit=cover"),
            QStringLiteral("width=300&height=200&format=png"),
            QStringLiteral("width=640&height=480&format=webp"),
            QStringLiteral("width=200&rotate=90&format=baseline-jpeg"),
            QStringLiteral("width=300&height=300&fit=pad&background=transparent&format=png"),
            QStringLiteral("width=250&sharpen=5&blur=3"),
            QStringLiteral("width=128&height=128&fit=squeeze&format=png"),
        };
        DecodedImageCache cache;
        for (int pass = 0; pass < 2; ++pass) {
            for (const QString &query : queries) {
                const ImageOptions opts = options(query);
                auto plain = transformImage(sample(), opts);
                auto cached = transformImage(sample(), opts, &cache, QStringLiteral("etag1"));
                QVERIFY2(plain.ok() && cached.ok(), qPrintable(query));
                QVERIFY2(cached->bytes == plain->bytes, qPrintable(query));
                QCOMPARE(cached->mimeType, plain->mimeType);
                QCOMPARE(QSize(cached->width, cached->height),
                         QSize(plain->width, plain->height));
            }
        }
        // The second pass found every decode of the first.
        const ImageCacheStats stats = cache.stats();
        QCOMPARE(stats.misses, stats.entries);
        QCOMPARE(stats.hits, qint64(std::size(queries)) * 2 - stats.entries);
    }

    // One entry per object version and decode scale: boxes that decode at the same scale share
    // it, another scale or another etag is another entry, and a PNG decodes at full size.
    void decodedCacheKeysByEtagAndScale()
    {
        DecodedImageCache cache;
        auto run = [&](const QString &query, const QByteArray &source, const QString &etag) {
            return transformImage(source, options(query), &cache, etag).ok();
        };
        QVERIFY(run(QStringLiteral("width=100"), sample(), QStringLiteral("a")));
        QVERIFY(run(QStringLiteral("width=90&height=60"), sample(), QStringLiteral("a")));
        QCOMPARE(cache.stats().entries, 1);
        QCOMPARE(cache.stats().hits, 1);
        QVERIFY(run(QStringLiteral("width=400"), sample(), QStringLiteral("a")));
        QVERIFY(run(QStringLiteral("width=100"), sample(), QStringLiteral("b")));
        QVERIFY(run(QStringLiteral("width=1000"), sample(), QStringLiteral("a")));
        Magick::Image green(Magick::Geometry(64, 48), Magick::Color("green"));
        QVERIFY(run(QStringLiteral("width=10"), encode(green, "PNG"), QStringLiteral("png")));
        QCOMPARE(cache.stats().entries, 5);
        QCOMPARE(cache.stats().hits, 1);

        // The entries hold the oriented source at libjpeg's scales: 1/8, 1/2, full.
        const std::pair<QString, QSize> expected[] = {
            {DecodedImageCache::makeKey(QStringLiteral("a"), 8), QSize(200, 150)},
            {DecodedImageCache::makeKey(QStringLiteral("b"), 8), QSize(200, 150)},
            {DecodedImageCache::makeKey(QStringLiteral("a"), 2), QSize(800, 600)},
            {DecodedImageCache::makeKey(QStringLiteral("a"), 1), QSize(1600, 1200)},
            {DecodedImageCache::makeKey(QStringLiteral("png"), 1), QSize(64, 48)},
        };
        for (const auto &[key, size] : expected) {
            const std::optional<Magick::Image> entry = cache.get(key);
            QVERIFY2(entry.has_value(), qPrintable(key));
            QCOMPARE(QSize(int(entry->columns()), int(entry->rows())), size);
        }
        QVERIFY(!cache.get(DecodedImageCache::makeKey(QStringLiteral("a"), 4)));
        // Without an etag nothing is kept.
        QVERIFY(run(QStringLiteral("width=300"), sample(), QString()));
        QCOMPARE(cache.stats().entries, 5);
    }

    void decodedCacheEvictsByPixelBytes()
    {
        // Room for one 200x150 decode (8 bytes a pixel) and its bookkeeping, not two.
        DecodedImageCache cache(200 * 150 * 8 + 4096);
        auto run = [&](const QString &query, const QString &etag) {
            return transformImage(sample(), options(query), &cache, etag).ok();
        };
        QVERIFY(run(QStringLiteral("width=100"), QStringLiteral("a")));
        QCOMPARE(cache.stats().entries, 1);
        QVERIFY(cache.stats().bytes >= 200 * 150 * 8);
        QVERIFY(run(QStringLiteral("width=100"), QStringLiteral("b")));
        QCOMPARE(cache.stats().entries, 1);
        QVERIFY(!cache.get(DecodedImageCache::makeKey(QStringLiteral("a"), 8)));
        QVERIFY(cache.get(DecodedImageCache::makeKey(QStringLiteral("b"), 8)));
        // An 800x600 decode is larger than the whole cache: not kept, and nothing else goes.
        QVERIFY(run(QStringLiteral("width=400"), QStringLiteral("b")));
        QVERIFY(!cache.get(DecodedImageCache::makeKey(QStringLiteral("b"), 2)));
        QVERIFY(cache.get(DecodedImageCache::makeKey(QStringLiteral("b"), 8)));
        QVERIFY(cache.stats().bytes <= cache.stats().capacityBytes);
        cache.clear();
        QCOMPARE(cache.stats().entries, 0);
        QCOMPARE(cache.stats().bytes, 0);
    }

    // A decode cut short by the deadline leaves partial pixels: refused, and never cached.
    void timedOutDecodeIsNotCached()
    {
        DecodedImageCache cache;
        ImageOptions opts = options(QStringLiteral("width=400"));
        opts.timeoutMs = 0;
        auto late = transformImage(sample(), opts, &cache, QStringLiteral("etag"));
        QVERIFY(!late.ok());
        QCOMPARE(late.error().code, QStringLiteral("unprocessable"));
        QCOMPARE(cache.stats().entries, 0);
        opts.timeoutMs = kTestBudgetMs;
        auto onTime = transformImage(sample(), opts, &cache, QStringLiteral("etag"));
        QVERIFY(onTime.ok());
        QCOMPARE(cache.stats().entries, 1);
        QCOMPARE(onTime->bytes, transformImage(sample(), opts)->bytes);
    }

    // Concurrent transforms of many sizes read one cached decode at a time and each still gets
    // exactly its own uncached output.
    void concurrentTransformsShareTheDecodedSource()
    {
        std::vector<ImageOptions> all;
        std::vector<QByteArray> expected;
        for (int k = 1; k <= 16; ++k) {
            all.push_back(options(QStringLiteral("width=%1&height=%2")
                                      .arg(64 + (k * 7919) % 577)
                                      .arg(64 + (k * 104729) % 417)));
            auto plain = transformImage(sample(), all.back());
            QVERIFY(plain.ok());
            expected.push_back(plain->bytes);
        }
        DecodedImageCache cache;
        QThreadPool pool;
        pool.setMaxThreadCount(4);
        std::atomic<int> mismatches{0};
        for (int round = 0; round < 2; ++round) {
            for (size_t i = 0; i < all.size(); ++i) {
                pool.start([&, i] {
                    auto result = transformImage(sample(), all[i], &cache, QStringLiteral("e"));
                    if (!result.ok() || result->bytes != expected[i])
                        ++mismatches;
                });
            }
        }
        pool.waitForDone();
        QCOMPARE(mismatches.load(), 0);
        QVERIFY(cache.stats().entries >= 2);
        QVERIFY(cache.stats().hits >= 32 - 2 * cache.stats().entries);
    }

    void cacheReturnsIdenticalBytes()
    {
        ImageCache cache;
        const ImageOptions opts =
            options(QStringLiteral("width=120&height=80&fit=cover&format=jpeg"));
        const QString key = ImageCache::makeKey(QStringLiteral("etag1"), opts.normalizedKey());
        QVERIFY(!cache.get(key).has_value());
        auto result = transformImage(sample(), opts);
        QVERIFY(result.ok());
        cache.put(key, ImageCacheEntry{result->bytes, result->mimeType, result->width,
                                       result->height, result->durationMs});
        const auto hit = cache.get(key);
        QVERIFY(hit.has_value());
        QCOMPARE(hit->bytes, result->bytes);
        QCOMPARE(hit->mimeType, QByteArrayLiteral("image/jpeg"));
        QCOMPARE(hit->width, 120);
        QCOMPARE(hit->height, 80);
        QCOMPARE(hit->transformMs, result->durationMs);
        // Another source version or other options miss.
        QVERIFY(!cache.get(ImageCache::makeKey(QStringLiteral("etag2"), opts.normalizedKey())));
        QVERIFY(!cache.get(ImageCache::makeKey(
            QStringLiteral("etag1"),
            options(QStringLiteral("width=121&height=80&fit=cover&format=jpeg")).normalizedKey())));
        const ImageCacheStats stats = cache.stats();
        QCOMPARE(stats.entries, 1);
        QCOMPARE(stats.hits, 1);
        QCOMPARE(stats.misses, 3);
        QCOMPARE(stats.capacityBytes, 64LL * 1024 * 1024);
    }

    void cacheEvictsLeastRecentlyUsedByBytes()
    {
        ImageCache cache(10000);
        auto entry = [](char c) {
            return ImageCacheEntry{QByteArray(3000, c), "image/png", 1, 1, 0};
        };
        cache.put(QStringLiteral("a"), entry('a'));
        cache.put(QStringLiteral("b"), entry('b'));
        cache.put(QStringLiteral("c"), entry('c'));
        QVERIFY(cache.get(QStringLiteral("a")));    // a is now the most recent
        cache.put(QStringLiteral("d"), entry('d')); // over 10000: evicts b
        QVERIFY(cache.get(QStringLiteral("a")));
        QVERIFY(!cache.get(QStringLiteral("b")));
        QVERIFY(cache.get(QStringLiteral("c")));
        QVERIFY(cache.get(QStringLiteral("d")));
        QVERIFY(cache.stats().bytes <= 10000);
        QCOMPARE(cache.stats().entries, 3);

        // Replacing an entry does not count it twice; an entry over the capacity is not kept.
        cache.put(QStringLiteral("d"), entry('e'));
        QCOMPARE(cache.get(QStringLiteral("d"))->bytes, QByteArray(3000, 'e'));
        QCOMPARE(cache.stats().entries, 3);
        cache.put(QStringLiteral("huge"),
                  ImageCacheEntry{QByteArray(20000, 'h'), "image/png", 1, 1, 0});
        QVERIFY(!cache.get(QStringLiteral("huge")));
        QCOMPARE(cache.stats().entries, 3);
        cache.clear();
        QCOMPARE(cache.stats().entries, 0);
        QCOMPARE(cache.stats().bytes, 0);
    }
};

QTEST_GUILESS_MAIN(TestImageTransform)
#include "test_imagetransform.moc"
