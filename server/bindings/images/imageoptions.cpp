#include "bindings/images/imageoptions.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <optional>

namespace edgedesk {

namespace {

constexpr int kMaxDimension = 4096;

Error badParameter(const QString &message)
{
    return makeError(QStringLiteral("bad_request"), message);
}

// Digits only: no sign, no spaces, no exponent.
std::optional<int> strictInt(const QString &text)
{
    if (text.isEmpty() || text.size() > 9)
        return std::nullopt;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
    }
    return text.toInt();
}

std::optional<double> strictNumber(const QString &text)
{
    if (text.isEmpty() || text.size() > 32)
        return std::nullopt;
    for (const QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || c == u'.'))
            return std::nullopt;
    }
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return std::nullopt;
    return value;
}

QString number(double value)
{
    return QString::number(value, 'g', 6);
}

QString fitName(ImageFit fit)
{
    switch (fit) {
    case ImageFit::ScaleDown:
        return QStringLiteral("scale-down");
    case ImageFit::Contain:
        return QStringLiteral("contain");
    case ImageFit::Cover:
        return QStringLiteral("cover");
    case ImageFit::Crop:
        return QStringLiteral("crop");
    case ImageFit::Pad:
        return QStringLiteral("pad");
    case ImageFit::Squeeze:
        return QStringLiteral("squeeze");
    }
    return QString();
}

QString formatName(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Original:
        return QStringLiteral("original");
    case ImageFormat::Avif:
        return QStringLiteral("avif");
    case ImageFormat::Webp:
        return QStringLiteral("webp");
    case ImageFormat::Jpeg:
        return QStringLiteral("jpeg");
    case ImageFormat::BaselineJpeg:
        return QStringLiteral("baseline-jpeg");
    case ImageFormat::Png:
        return QStringLiteral("png");
    case ImageFormat::Json:
        return QStringLiteral("json");
    }
    return QString();
}

// True when the Accept header lists `type` with a non-zero q.
bool accepts(const QByteArray &acceptHeader, const QByteArray &type)
{
    const auto ranges = acceptHeader.split(',');
    for (const QByteArray &range : ranges) {
        const auto params = range.split(';');
        if (params.first().trimmed().toLower() != type)
            continue;
        double q = 1.0;
        for (qsizetype i = 1; i < params.size(); ++i) {
            const QByteArray p = params[i].trimmed();
            if (p.startsWith("q=")) {
                bool ok = false;
                q = p.mid(2).toDouble(&ok);
                if (!ok)
                    q = 0;
            }
        }
        if (q > 0)
            return true;
    }
    return false;
}

struct Parameter
{
    bool present = false;
    QString value;
};

Parameter parameter(const QUrlQuery &query, const QString &name)
{
    if (!query.hasQueryItem(name))
        return {};
    return {true, query.queryItemValue(name, QUrl::FullyDecoded).trimmed()};
}

} // namespace

QByteArray imageFormatMimeType(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Avif:
        return QByteArrayLiteral("image/avif");
    case ImageFormat::Webp:
        return QByteArrayLiteral("image/webp");
    case ImageFormat::Jpeg:
    case ImageFormat::BaselineJpeg:
        return QByteArrayLiteral("image/jpeg");
    case ImageFormat::Png:
        return QByteArrayLiteral("image/png");
    case ImageFormat::Json:
        return QByteArrayLiteral("application/json");
    case ImageFormat::Original:
        break;
    }
    return QByteArray();
}

QString ImageOptions::normalizedKey() const
{
    QStringList pairs{
        QStringLiteral("background=") + background.hex(),
        QStringLiteral("blur=") + number(blur),
        QStringLiteral("fit=") + fitName(fit),
        QStringLiteral("format=") + formatName(format),
        QStringLiteral("gravity=") + number(gravityX) + QLatin1Char('x') + number(gravityY),
        QStringLiteral("height=") + QString::number(height),
        QStringLiteral("quality=") + QString::number(quality),
        QStringLiteral("rotate=") + QString::number(rotate),
        QStringLiteral("sharpen=") + number(sharpen),
        QStringLiteral("width=") + QString::number(width),
    };
    if (!jpegShrinkOnLoad)
        pairs.append(QStringLiteral("x-shrink-on-load=off"));
    return pairs.join(QLatin1Char('&'));
}

Result<ImageOptions> parseImageOptions(const QUrlQuery &query, const QByteArray &acceptHeader,
                                       const ImageDefaults &defaults)
{
    ImageOptions options;
    options.fit = defaults.fit;
    const QSize defaultBox = defaults.box;

    const Parameter width = parameter(query, QStringLiteral("width"));
    const Parameter height = parameter(query, QStringLiteral("height"));
    std::optional<int> w;
    std::optional<int> h;
    if (width.present) {
        w = strictInt(width.value);
        if (!w || *w < 1 || *w > kMaxDimension)
            return badParameter(
                QStringLiteral("width must be an integer 1..%1").arg(kMaxDimension));
    }
    if (height.present) {
        h = strictInt(height.value);
        if (!h || *h < 1 || *h > kMaxDimension)
            return badParameter(
                QStringLiteral("height must be an integer 1..%1").arg(kMaxDimension));
    }
    if (!w && !h && defaultBox.isValid() && !defaultBox.isEmpty()) {
        w = std::clamp(defaultBox.width(), 1, kMaxDimension);
        h = std::clamp(defaultBox.height(), 1, kMaxDimension);
    }

    if (const Parameter fit = parameter(query, QStringLiteral("fit")); fit.present) {
        static const std::pair<const char *, ImageFit> fits[] = {
            {"scale-down", ImageFit::ScaleDown},
            {"contain", ImageFit::Contain},
            {"cover", ImageFit::Cover},
            {"crop", ImageFit::Crop},
            {"pad", ImageFit::Pad},
            {"squeeze", ImageFit::Squeeze}};
        const auto *match = std::find_if(std::begin(fits), std::end(fits), [&](const auto &f) {
            return fit.value == QLatin1String(f.first);
        });
        if (match == std::end(fits))
            return badParameter(QStringLiteral(
                "fit must be one of scale-down, contain, cover, crop, pad, squeeze"));
        options.fit = match->second;
    }

    if (const Parameter gravity = parameter(query, QStringLiteral("gravity")); gravity.present) {
        const QString g = gravity.value;
        if (g == QLatin1String("auto") || g == QLatin1String("center") ||
            g == QLatin1String("centre") || g == QLatin1String("face")) {
            // No saliency or face detection here: the edge API falls back to the centre too.
        } else if (g == QLatin1String("left")) {
            options.gravityX = 0.0;
        } else if (g == QLatin1String("right")) {
            options.gravityX = 1.0;
        } else if (g == QLatin1String("top")) {
            options.gravityY = 0.0;
        } else if (g == QLatin1String("bottom")) {
            options.gravityY = 1.0;
        } else {
            const QStringList xy = g.split(u'x');
            std::optional<double> x;
            std::optional<double> y;
            if (xy.size() == 2) {
                x = strictNumber(xy[0]);
                y = strictNumber(xy[1]);
            }
            if (!x || !y || *x > 1.0 || *y > 1.0)
                return badParameter(QStringLiteral("gravity must be auto, center, left, right, "
                                                   "top, bottom or XxY with X and Y in 0..1"));
            options.gravityX = *x;
            options.gravityY = *y;
        }
    }

    const Parameter format = parameter(query, QStringLiteral("format"));
    if (format.value == QLatin1String("auto") || (!format.present && defaults.negotiateFormat)) {
        options.formatFromAccept = true;
        if (accepts(acceptHeader, "image/avif"))
            options.format = ImageFormat::Avif;
        else if (accepts(acceptHeader, "image/webp"))
            options.format = ImageFormat::Webp;
        else
            options.format = ImageFormat::Jpeg;
    } else if (format.present) {
        const QString f = format.value;
        if (f == QLatin1String("avif")) {
            options.format = ImageFormat::Avif;
        } else if (f == QLatin1String("webp")) {
            options.format = ImageFormat::Webp;
        } else if (f == QLatin1String("jpeg")) {
            options.format = ImageFormat::Jpeg;
        } else if (f == QLatin1String("baseline-jpeg")) {
            options.format = ImageFormat::BaselineJpeg;
        } else if (f == QLatin1String("png")) {
            options.format = ImageFormat::Png;
        } else if (f == QLatin1String("json")) {
            options.format = ImageFormat::Json;
        } else {
            return badParameter(QStringLiteral(
                "format must be one of auto, avif, webp, jpeg, baseline-jpeg, png, json"));
        }
    }

    if (const Parameter quality = parameter(query, QStringLiteral("quality")); quality.present) {
        // The edge API documents these four perceptual levels without numbers; these are the
        // usual points on its 1..100 scale.
        static const std::pair<const char *, int> levels[] = {
            {"high", 90}, {"medium-high", 75}, {"medium-low", 60}, {"low", 45}};
        const auto *level = std::find_if(std::begin(levels), std::end(levels), [&](const auto &l) {
            return quality.value == QLatin1String(l.first);
        });
        if (level != std::end(levels)) {
            options.quality = level->second;
        } else {
            const auto q = strictInt(quality.value);
            if (!q || *q < 1 || *q > 100)
                return badParameter(QStringLiteral("quality must be an integer 1..100 or high, "
                                                   "medium-high, medium-low, low"));
            options.quality = *q;
        }
    }

    if (const Parameter background = parameter(query, QStringLiteral("background"));
        background.present) {
        const auto color = parseCssColor(background.value);
        if (!color)
            return badParameter(QStringLiteral(
                "background must be a CSS color such as #ff0000, red or rgba(255,0,0,0.5)"));
        options.background = *color;
    }

    if (const Parameter dpr = parameter(query, QStringLiteral("dpr")); dpr.present) {
        const auto d = strictNumber(dpr.value);
        if (!d || *d < 1.0 || *d > 3.0)
            return badParameter(QStringLiteral("dpr must be a number 1..3"));
        options.dpr = *d;
    }

    if (const Parameter rotate = parameter(query, QStringLiteral("rotate")); rotate.present) {
        const auto r = strictInt(rotate.value);
        if (!r || (*r != 0 && *r != 90 && *r != 180 && *r != 270))
            return badParameter(QStringLiteral("rotate must be 0, 90, 180 or 270"));
        options.rotate = *r;
    }

    if (const Parameter sharpen = parameter(query, QStringLiteral("sharpen")); sharpen.present) {
        const auto s = strictNumber(sharpen.value);
        if (!s || *s > 10.0)
            return badParameter(QStringLiteral("sharpen must be a number 0..10"));
        options.sharpen = *s;
    }

    if (const Parameter blur = parameter(query, QStringLiteral("blur")); blur.present) {
        const auto b = strictNumber(blur.value);
        if (!b || *b < 1.0 || *b > 250.0)
            return badParameter(QStringLiteral("blur must be a number 1..250"));
        options.blur = *b;
    }

    // dpr scales the box; folding it in here keeps width=200&dpr=2 and width=400 one cache entry.
    auto scaled = [&](int v) {
        return std::clamp(int(std::lround(v * options.dpr)), 1, kMaxDimension);
    };
    options.width = w ? scaled(*w) : 0;
    options.height = h ? scaled(*h) : 0;
    return options;
}

} // namespace edgedesk
