#include "bindings/images/csscolor.h"
#include "bindings/images/imageoptions.h"
#include "bindings/images/imagetransform.h"

#include <QTest>

using namespace edgedesk;

namespace {

QUrlQuery query(const char *text)
{
    return QUrlQuery(QString::fromUtf8(text));
}

ImageOptions parsed(const char *text, const QByteArray &accept = QByteArray(),
                    const ImageDefaults &defaults = {})
{
    auto options = parseImageOptions(query(text), accept, defaults);
    if (!options.ok()) {
        qWarning() << options.error().message;
        return ImageOptions{};
    }
    return *options;
}

} // namespace

class TestImageOptions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults()
    {
        auto options = parseImageOptions(QUrlQuery(), QByteArray());
        QVERIFY(options.ok());
        QCOMPARE(options->width, 0);
        QCOMPARE(options->height, 0);
        QCOMPARE(options->fit, ImageFit::ScaleDown);
        QCOMPARE(options->format, ImageFormat::Original);
        QCOMPARE(options->quality, 85);
        QCOMPARE(options->rotate, 0);
        QCOMPARE(options->normalizedKey(),
                 QStringLiteral("background=#ffffffff&blur=0&fit=scale-down&format=original&"
                                "gravity=0.5x0.5&height=0&quality=85&rotate=0&sharpen=0&width=0"));
    }

    void defaultBoxIsTheCallersChoice()
    {
        const ImageDefaults box{QSize(100, 100)};
        QCOMPARE(parsed("", {}, box).width, 100);
        QCOMPARE(parsed("", {}, box).height, 100);
        // Any explicit dimension replaces the default box entirely.
        QCOMPARE(parsed("width=300", {}, box).width, 300);
        QCOMPARE(parsed("width=300", {}, box).height, 0);
        QCOMPARE(parsed("height=50", {}, box).width, 0);
        // The default box is scaled by dpr like an explicit one.
        QCOMPARE(parsed("dpr=2", {}, box).width, 200);
        QCOMPARE(parsed("").width, 0);
    }

    void routeDefaultsFitAndFormat_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("accept");
        QTest::addColumn<int>("fit");
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("fromAccept");
        const QByteArray browser("image/avif,image/webp,image/apng,image/*,*/*;q=0.8");
        QTest::addRow("browser") << QByteArray("") << browser << int(ImageFit::Cover)
                                 << int(ImageFormat::Avif) << true;
        QTest::addRow("webp only") << QByteArray("") << QByteArray("image/webp")
                                   << int(ImageFit::Cover) << int(ImageFormat::Webp) << true;
        QTest::addRow("curl") << QByteArray("") << QByteArray("*/*") << int(ImageFit::Cover)
                              << int(ImageFormat::Jpeg) << true;
        QTest::addRow("no Accept") << QByteArray("") << QByteArray() << int(ImageFit::Cover)
                                   << int(ImageFormat::Jpeg) << true;
        QTest::addRow("explicit format wins")
            << QByteArray("format=png") << browser << int(ImageFit::Cover) << int(ImageFormat::Png)
            << false;
        QTest::addRow("explicit fit wins")
            << QByteArray("fit=contain") << QByteArray() << int(ImageFit::Contain)
            << int(ImageFormat::Jpeg) << true;
    }
    void routeDefaultsFitAndFormat()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, accept);
        QFETCH(int, fit);
        QFETCH(int, format);
        QFETCH(bool, fromAccept);
        const ImageOptions o =
            parsed(text.constData(), accept, ImageDefaults{QSize(100, 100), ImageFit::Cover, true});
        QCOMPARE(int(o.fit), fit);
        QCOMPARE(int(o.format), format);
        QCOMPARE(o.formatFromAccept, fromAccept);
        // Without route defaults nothing is negotiated unless asked for.
        if (text.isEmpty()) {
            QCOMPARE(parsed("", accept).format, ImageFormat::Original);
            QCOMPARE(parsed("", accept).formatFromAccept, false);
        }
    }

    void acceptedValues_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QByteArray>("accept");
        QTest::addColumn<QString>("normalized");
        const QString base = QStringLiteral("background=#ffffffff&blur=0&fit=%1&format=%2&"
                                            "gravity=%3&height=%4&quality=%5&rotate=%6&"
                                            "sharpen=%7&width=%8");
        auto key = [&](const char *fit, const char *format, const char *gravity, int h, int q,
                       int rotate, const char *sharpen, int w) {
            return base.arg(QLatin1String(fit), QLatin1String(format), QLatin1String(gravity))
                .arg(h)
                .arg(q)
                .arg(rotate)
                .arg(QLatin1String(sharpen))
                .arg(w);
        };
        QTest::addRow("width and height")
            << "width=120&height=80" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 80, 85, 0, "0", 120);
        QTest::addRow("order does not matter")
            << "height=80&width=120" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 80, 85, 0, "0", 120);
        QTest::addRow("unknown and key ignored")
            << "key=pristine.jpg&width=120&height=80&foo=bar&w=9" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 80, 85, 0, "0", 120);
        QTest::addRow("dpr folded")
            << "width=60&height=40&dpr=2" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 80, 85, 0, "0", 120);
        QTest::addRow("dpr capped")
            << "width=4000&dpr=3" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 0, 85, 0, "0", 4096);
        QTest::addRow("fractional dpr")
            << "width=101&dpr=1.5" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 0, 85, 0, "0", 152);
        QTest::addRow("fit cover gravity left")
            << "width=10&fit=cover&gravity=left" << QByteArray()
            << key("cover", "original", "0x0.5", 0, 85, 0, "0", 10);
        QTest::addRow("gravity auto is centre")
            << "width=10&gravity=auto" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 0, 85, 0, "0", 10);
        QTest::addRow("gravity bottom")
            << "width=10&gravity=bottom" << QByteArray()
            << key("scale-down", "original", "0.5x1", 0, 85, 0, "0", 10);
        QTest::addRow("gravity point")
            << "width=10&gravity=0.25x0.75" << QByteArray()
            << key("scale-down", "original", "0.25x0.75", 0, 85, 0, "0", 10);
        QTest::addRow("quality number")
            << "quality=42" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 0, 42, 0, "0", 0);
        QTest::addRow("quality high") << "quality=high" << QByteArray()
                                      << key("scale-down", "original", "0.5x0.5", 0, 90, 0, "0", 0);
        QTest::addRow("quality medium-high")
            << "quality=medium-high" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 0, 75, 0, "0", 0);
        QTest::addRow("quality medium-low")
            << "quality=medium-low" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 0, 60, 0, "0", 0);
        QTest::addRow("quality low") << "quality=low" << QByteArray()
                                     << key("scale-down", "original", "0.5x0.5", 0, 45, 0, "0", 0);
        QTest::addRow("rotate and sharpen")
            << "rotate=270&sharpen=1.5" << QByteArray()
            << key("scale-down", "original", "0.5x0.5", 0, 85, 270, "1.5", 0);
        QTest::addRow("format png") << "format=png" << QByteArray()
                                    << key("scale-down", "png", "0.5x0.5", 0, 85, 0, "0", 0);
        QTest::addRow("format baseline-jpeg")
            << "format=baseline-jpeg" << QByteArray()
            << key("scale-down", "baseline-jpeg", "0.5x0.5", 0, 85, 0, "0", 0);
        // format=auto: AVIF, then WebP, then JPEG, from Accept.
        QTest::addRow("auto, Chrome")
            << "format=auto" << QByteArray("image/avif,image/webp,image/apng,image/*,*/*;q=0.8")
            << key("scale-down", "avif", "0.5x0.5", 0, 85, 0, "0", 0);
        QTest::addRow("auto, WebP only")
            << "format=auto" << QByteArray("image/webp,image/apng,image/*,*/*;q=0.8")
            << key("scale-down", "webp", "0.5x0.5", 0, 85, 0, "0", 0);
        QTest::addRow("auto, AVIF refused with q=0")
            << "format=auto" << QByteArray("image/avif;q=0, image/webp;q=0.9")
            << key("scale-down", "webp", "0.5x0.5", 0, 85, 0, "0", 0);
        QTest::addRow("auto, old browser")
            << "format=auto" << QByteArray("image/jpeg,image/*;q=0.8")
            << key("scale-down", "jpeg", "0.5x0.5", 0, 85, 0, "0", 0);
        QTest::addRow("auto, no Accept") << "format=auto" << QByteArray()
                                         << key("scale-down", "jpeg", "0.5x0.5", 0, 85, 0, "0", 0);
        QTest::addRow("auto, case-insensitive")
            << "format=auto" << QByteArray("IMAGE/AVIF")
            << key("scale-down", "avif", "0.5x0.5", 0, 85, 0, "0", 0);
    }

    void acceptedValues()
    {
        QFETCH(QString, query);
        QFETCH(QByteArray, accept);
        QFETCH(QString, normalized);
        auto options = parseImageOptions(QUrlQuery(query), accept);
        QVERIFY2(options.ok(), options.ok() ? "" : qPrintable(options.error().message));
        QCOMPARE(options->normalizedKey(), normalized);
    }

    void backgroundNormalisation_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("hex");
        QTest::addRow("#rgb") << "#f00"
                              << "#ff0000ff";
        QTest::addRow("#rgba") << "#f008"
                               << "#ff000088";
        QTest::addRow("#rrggbb") << "#FF8000"
                                 << "#ff8000ff";
        QTest::addRow("#rrggbbaa") << "#11223344"
                                   << "#11223344";
        QTest::addRow("name") << "red"
                              << "#ff0000ff";
        QTest::addRow("name, any case") << "RebeccaPurple"
                                        << "#663399ff";
        QTest::addRow("CSS gray is 128") << "gray"
                                         << "#808080ff";
        QTest::addRow("transparent") << "transparent"
                                     << "#00000000";
        QTest::addRow("rgb()") << "rgb(240,40,145)"
                               << "#f02891ff";
        QTest::addRow("rgba() commas") << "rgba(240, 40, 145, 0)"
                                       << "#f0289100";
        QTest::addRow("rgba() half") << "rgba(0,0,255,0.5)"
                                     << "#0000ff80";
        QTest::addRow("CSS 4 spaces") << "rgb(255 255 0)"
                                      << "#ffff00ff";
        QTest::addRow("CSS 4 slash alpha") << "rgb(255 255 0 / 50%)"
                                           << "#ffff0080";
        QTest::addRow("percent channels") << "rgb(100%,0%,50%)"
                                          << "#ff0080ff";
        QTest::addRow("alpha clamped") << "rgba(255 255 0 100)"
                                       << "#ffff00ff";
        QTest::addRow("channel clamped") << "rgb(300,-5,0)"
                                         << "#ff0000ff";
    }

    void backgroundNormalisation()
    {
        QFETCH(QString, value);
        QFETCH(QString, hex);
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("background"),
                       QString::fromUtf8(QUrl::toPercentEncoding(value)));
        auto options = parseImageOptions(q, QByteArray());
        QVERIFY2(options.ok(), options.ok() ? "" : qPrintable(options.error().message));
        QCOMPARE(options->background.hex(), hex);
        QVERIFY(options->normalizedKey().startsWith(QStringLiteral("background=") + hex + u'&'));
    }

    void refusedValues_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("message");
        const QString width = QStringLiteral("width must be an integer 1..4096");
        const QString height = QStringLiteral("height must be an integer 1..4096");
        QTest::addRow("width 0") << "width=0" << width;
        QTest::addRow("width 4097") << "width=4097" << width;
        QTest::addRow("width negative") << "width=-5" << width;
        QTest::addRow("width plus sign") << "width=%2B5" << width;
        QTest::addRow("width decimal") << "width=10.5" << width;
        QTest::addRow("width text") << "width=abc" << width;
        QTest::addRow("width empty") << "width=" << width;
        QTest::addRow("width huge") << "width=99999999999999999999" << width;
        QTest::addRow("width exponent") << "width=1e3" << width;
        QTest::addRow("height 0") << "height=0" << height;
        QTest::addRow("height 5000") << "height=5000" << height;
        QTest::addRow("height text") << "height=tall" << height;
        const QString fit =
            QStringLiteral("fit must be one of scale-down, contain, cover, crop, pad, squeeze");
        QTest::addRow("fit unknown") << "fit=stretch" << fit;
        QTest::addRow("fit case") << "fit=Cover" << fit;
        QTest::addRow("fit empty") << "fit=" << fit;
        const QString gravity = QStringLiteral("gravity must be auto, center, left, right, top, "
                                               "bottom or XxY with X and Y in 0..1");
        QTest::addRow("gravity unknown") << "gravity=north" << gravity;
        QTest::addRow("gravity x over 1") << "gravity=1.5x0.5" << gravity;
        QTest::addRow("gravity negative") << "gravity=-0.1x0.5" << gravity;
        QTest::addRow("gravity one number") << "gravity=0.5" << gravity;
        QTest::addRow("gravity three parts") << "gravity=0.1x0.2x0.3" << gravity;
        const QString format = QStringLiteral("format must be one of auto, avif, webp, jpeg, "
                                              "baseline-jpeg, png, json");
        QTest::addRow("format gif") << "format=gif" << format;
        QTest::addRow("format jpg") << "format=jpg" << format;
        QTest::addRow("format empty") << "format=" << format;
        const QString quality = QStringLiteral("quality must be an integer 1..100 or high, "
                                               "medium-high, medium-low, low");
        QTest::addRow("quality 0") << "quality=0" << quality;
        QTest::addRow("quality 101") << "quality=101" << quality;
        QTest::addRow("quality word") << "quality=best" << quality;
        QTest::addRow("quality decimal") << "quality=85.5" << quality;
        const QString background = QStringLiteral(
            "background must be a CSS color such as #ff0000, red or rgba(255,0,0,0.5)");
        QTest::addRow("background unknown name") << "background=reddish" << background;
        QTest::addRow("background bad hex") << "background=%23ff00zz" << background;
        QTest::addRow("background 5 hex digits") << "background=%23ff000" << background;
        QTest::addRow("background rgb two parts") << "background=rgb(1,2)" << background;
        QTest::addRow("background rgb garbage") << "background=rgb(a,b,c)" << background;
        QTest::addRow("background empty") << "background=" << background;
        QTest::addRow("background ImageMagick-only syntax") << "background=gray50" << background;
        const QString dpr = QStringLiteral("dpr must be a number 1..3");
        QTest::addRow("dpr 0.5") << "dpr=0.5" << dpr;
        QTest::addRow("dpr 4") << "dpr=4" << dpr;
        QTest::addRow("dpr text") << "dpr=two" << dpr;
        QTest::addRow("dpr infinite") << "dpr=inf" << dpr;
        const QString rotate = QStringLiteral("rotate must be 0, 90, 180 or 270");
        QTest::addRow("rotate 45") << "rotate=45" << rotate;
        QTest::addRow("rotate 360") << "rotate=360" << rotate;
        QTest::addRow("rotate negative") << "rotate=-90" << rotate;
        const QString sharpen = QStringLiteral("sharpen must be a number 0..10");
        QTest::addRow("sharpen 11") << "sharpen=11" << sharpen;
        QTest::addRow("sharpen negative") << "sharpen=-1" << sharpen;
        QTest::addRow("sharpen text") << "sharpen=lots" << sharpen;
        const QString blur = QStringLiteral("blur must be a number 1..250");
        QTest::addRow("blur 0") << "blur=0" << blur;
        QTest::addRow("blur 251") << "blur=251" << blur;
        QTest::addRow("blur text") << "blur=soft" << blur;
        // The first bad parameter is reported even when others are fine.
        QTest::addRow("good width, bad fit") << "width=100&fit=nope" << fit;
    }

    void refusedValues()
    {
        QFETCH(QString, query);
        QFETCH(QString, message);
        auto options = parseImageOptions(QUrlQuery(query), QByteArray(), {QSize(100, 100)});
        QVERIFY(!options.ok());
        QCOMPARE(options.error().code, QStringLiteral("bad_request"));
        QCOMPARE(options.error().message, message);
    }

    void fitTable_data()
    {
        QTest::addColumn<int>("sourceWidth");
        QTest::addColumn<int>("sourceHeight");
        QTest::addColumn<QString>("query");
        QTest::addColumn<QSize>("output");
        QTest::addColumn<QSize>("resize");

        // The 1600x1200 sample against every fit.
        QTest::addRow("scale-down 120x80") << 1600 << 1200 << "width=120&height=80&fit=scale-down"
                                           << QSize(107, 80) << QSize(107, 80);
        QTest::addRow("contain 120x80") << 1600 << 1200 << "width=120&height=80&fit=contain"
                                        << QSize(107, 80) << QSize(107, 80);
        QTest::addRow("cover 120x80")
            << 1600 << 1200 << "width=120&height=80&fit=cover" << QSize(120, 80) << QSize(120, 90);
        QTest::addRow("crop 120x80")
            << 1600 << 1200 << "width=120&height=80&fit=crop" << QSize(120, 80) << QSize(120, 90);
        QTest::addRow("pad 120x80")
            << 1600 << 1200 << "width=120&height=80&fit=pad" << QSize(120, 80) << QSize(107, 80);
        QTest::addRow("squeeze 120x80") << 1600 << 1200 << "width=120&height=80&fit=squeeze"
                                        << QSize(120, 80) << QSize(120, 80);
        QTest::addRow("default 100x100 box")
            << 1600 << 1200 << "" << QSize(100, 75) << QSize(100, 75);
        QTest::addRow("cover square") << 1600 << 1200 << "width=100&height=100&fit=cover"
                                      << QSize(100, 100) << QSize(133, 100);
        QTest::addRow("contain tall box") << 1600 << 1200 << "width=300&height=900&fit=contain"
                                          << QSize(300, 225) << QSize(300, 225);
        // Only one side: the other follows the aspect ratio, whatever the fit.
        QTest::addRow("only width")
            << 1600 << 1200 << "width=400" << QSize(400, 300) << QSize(400, 300);
        QTest::addRow("only height")
            << 1600 << 1200 << "height=300" << QSize(400, 300) << QSize(400, 300);
        QTest::addRow("only width, cover")
            << 1600 << 1200 << "width=400&fit=cover" << QSize(400, 300) << QSize(400, 300);
        QTest::addRow("only height, squeeze")
            << 1600 << 1200 << "height=600&fit=squeeze" << QSize(800, 600) << QSize(800, 600);
        QTest::addRow("only width, pad")
            << 1600 << 1200 << "width=200&fit=pad" << QSize(200, 150) << QSize(200, 150);
        // Enlargement: scale-down and crop never enlarge; contain, cover, pad, squeeze do.
        QTest::addRow("scale-down enlarge")
            << 1600 << 1200 << "width=3200&height=2400&fit=scale-down" << QSize(1600, 1200)
            << QSize(1600, 1200);
        QTest::addRow("scale-down only width enlarge")
            << 1600 << 1200 << "width=2000" << QSize(1600, 1200) << QSize(1600, 1200);
        QTest::addRow("crop enlarge") << 1600 << 1200 << "width=3200&height=3200&fit=crop"
                                      << QSize(1600, 1200) << QSize(1600, 1200);
        QTest::addRow("crop enlarge one side") << 1600 << 1200 << "width=2000&height=100&fit=crop"
                                               << QSize(1600, 100) << QSize(1600, 1200);
        QTest::addRow("contain enlarge") << 1600 << 1200 << "width=3200&height=3200&fit=contain"
                                         << QSize(3200, 2400) << QSize(3200, 2400);
        QTest::addRow("cover enlarge") << 1600 << 1200 << "width=2000&height=2000&fit=cover"
                                       << QSize(2000, 2000) << QSize(2667, 2000);
        QTest::addRow("pad enlarge") << 1600 << 1200 << "width=2000&height=2000&fit=pad"
                                     << QSize(2000, 2000) << QSize(2000, 1500);
        QTest::addRow("squeeze enlarge") << 1600 << 1200 << "width=2000&height=500&fit=squeeze"
                                         << QSize(2000, 500) << QSize(2000, 500);
        // dpr multiplies the box.
        QTest::addRow("dpr 2") << 1600 << 1200 << "width=60&height=40&dpr=2&fit=cover"
                               << QSize(120, 80) << QSize(120, 90);
        // The edge API's documented examples.
        QTest::addRow("docs scale-down 1080x720 in 500x500")
            << 1080 << 720 << "width=500&height=500" << QSize(500, 333) << QSize(500, 333);
        QTest::addRow("docs cover 1080x720 in 500x500")
            << 1080 << 720 << "width=500&height=500&fit=cover" << QSize(500, 500)
            << QSize(750, 500);
        QTest::addRow("docs crop 1080x720 in 1296x1296")
            << 1080 << 720 << "width=1296&height=1296&fit=crop" << QSize(1080, 720)
            << QSize(1080, 720);
        QTest::addRow("docs pad 1080x720 in 1080x1080")
            << 1080 << 720 << "width=1080&height=1080&fit=pad" << QSize(1080, 1080)
            << QSize(1080, 720);
        QTest::addRow("docs squeeze 1080x720 to 1080x540")
            << 1080 << 720 << "width=1080&height=540&fit=squeeze" << QSize(1080, 540)
            << QSize(1080, 540);
        // No box at all: the source size.
        QTest::addRow("no box") << 1600 << 1200 << "fit=cover" << QSize(1600, 1200)
                                << QSize(1600, 1200);
        // Extreme aspect: never a zero side.
        QTest::addRow("sliver") << 4000 << 2 << "width=100" << QSize(100, 1) << QSize(100, 1);
    }

    void fitTable()
    {
        QFETCH(int, sourceWidth);
        QFETCH(int, sourceHeight);
        QFETCH(QString, query);
        QFETCH(QSize, output);
        QFETCH(QSize, resize);
        // Like the demo's /image: 100x100 when no dimension is asked for at all.
        auto options = parseImageOptions(QUrlQuery(query), QByteArray(),
                                         {query.isEmpty() ? QSize(100, 100) : QSize()});
        QVERIFY(options.ok());
        const ImageGeometry g = planImageGeometry(sourceWidth, sourceHeight, *options);
        QCOMPARE(QSize(g.outputWidth, g.outputHeight), output);
        QCOMPARE(QSize(g.resizeWidth, g.resizeHeight), resize);
        QVERIFY(g.cropX >= 0 && g.cropY >= 0);
        QVERIFY(g.cropX + g.cropWidth <= g.resizeWidth);
        QVERIFY(g.cropY + g.cropHeight <= g.resizeHeight);
    }

    void gravityPlacesTheCrop_data()
    {
        QTest::addColumn<QString>("gravity");
        QTest::addColumn<QPoint>("offset");
        // 1600x1200 covered into 100x100: resized to 133x100, 33 columns to drop.
        QTest::addRow("center") << "center" << QPoint(17, 0);
        QTest::addRow("left") << "left" << QPoint(0, 0);
        QTest::addRow("right") << "right" << QPoint(33, 0);
        QTest::addRow("top changes nothing horizontally") << "top" << QPoint(17, 0);
        QTest::addRow("focal point near the left edge") << "0.1x0.5" << QPoint(0, 0);
        QTest::addRow("focal point at 60 percent") << "0.6x0.5" << QPoint(30, 0);
    }

    void gravityPlacesTheCrop()
    {
        QFETCH(QString, gravity);
        QFETCH(QPoint, offset);
        auto options = parseImageOptions(
            QUrlQuery(QStringLiteral("width=100&height=100&fit=cover&gravity=") + gravity),
            QByteArray());
        QVERIFY(options.ok());
        const ImageGeometry g = planImageGeometry(1600, 1200, *options);
        QCOMPARE(QPoint(g.cropX, g.cropY), offset);
        // A portrait source crops vertically.
        auto portrait = parseImageOptions(
            QUrlQuery(QStringLiteral("width=100&height=100&fit=cover&gravity=bottom")),
            QByteArray());
        const ImageGeometry p = planImageGeometry(1200, 1600, *portrait);
        QCOMPARE(QPoint(p.cropX, p.cropY), QPoint(0, 33));
    }

    void cssColorsRefuseGarbage_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addRow("empty") << "";
        QTest::addRow("hash only") << "#";
        QTest::addRow("seven digits") << "#1234567";
        QTest::addRow("rgb missing paren") << "rgb(1,2,3";
        QTest::addRow("rgb five parts") << "rgb(1,2,3,4,5)";
        QTest::addRow("hsl not supported") << "hsl(0,100%,50%)";
        QTest::addRow("very long") << QString(100, u'a');
    }

    void cssColorsRefuseGarbage()
    {
        QFETCH(QString, text);
        QVERIFY(!parseCssColor(text).has_value());
    }
};

QTEST_GUILESS_MAIN(TestImageOptions)
#include "test_imageoptions.moc"
