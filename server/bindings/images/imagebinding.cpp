#include "bindings/images/imagebinding.h"

#include "bindings/bucket/bucketbinding.h"
#include "bindings/images/decodedimagecache.h"
#include "bindings/images/imagelog.h"
#include "bindings/images/imageoptions.h"
#include "bindings/images/imagetransform.h"
#include "routing/httpfields.h"
#include "routing/router.h"
#include "storage/bucket/bucketstore.h"
#include "util/imageheader.h"
#include "util/workerpool.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>

#include <cmath>
#include <optional>
#include <vector>

namespace edgedesk {

namespace {

// Objects larger than this are first judged by their header alone: a 100 MiB file that is not
// an image, or whose header claims a bomb's dimensions, is refused without reading it.
constexpr qint64 kSniffBytes = 64 * 1024;
constexpr qint64 kImageCacheBytes = 64LL * 1024 * 1024;
const QByteArray kCacheControl = QByteArrayLiteral("public, max-age=3600");

QByteArray imageEtag(const QString &cacheKey)
{
    return '"' + QCryptographicHash::hash(cacheKey.toUtf8(), QCryptographicHash::Md5).toHex() + '"';
}

HttpResponse errorResponse(const Error &error)
{
    HttpResponse response = HttpResponse::error(error);
    response.header("Cache-Control", "no-store");
    return response;
}

HttpResponse imageResponse(const ImageCacheEntry &entry, const QByteArray &etag, bool varyAccept,
                           const QByteArray &cacheState, double transformMs)
{
    HttpResponse response = HttpResponse::bytes(200, entry.mimeType, entry.bytes);
    response.header("ETag", etag);
    response.header("Cache-Control", kCacheControl);
    if (varyAccept)
        response.header("Vary", "Accept");
    response.header("X-EdgeDesk-Image", cacheState);
    response.header("X-EdgeDesk-Transform-Ms", QByteArray::number(transformMs, 'f', 1));
    return response;
}

bool overSourceLimits(const ImageHeader &header)
{
    return header.dimensionsKnown() &&
           (header.width > kImageMaxSourceSide || header.height > kImageMaxSourceSide ||
            header.width * header.height > kImageMaxSourcePixels);
}

// The first `name=` item's value, percent-decoded to bytes. A key must be valid UTF-8, and
// QUrlQuery would replace invalid sequences instead of letting them be refused.
std::optional<QByteArray> rawQueryItem(const QByteArray &rawQuery, const QByteArray &name)
{
    for (const QByteArray &item : rawQuery.split('&')) {
        const qsizetype eq = item.indexOf('=');
        const QByteArray itemName = eq < 0 ? item : item.left(eq);
        if (QByteArray::fromPercentEncoding(itemName) == name)
            return QByteArray::fromPercentEncoding(eq < 0 ? QByteArray() : item.mid(eq + 1));
    }
    return std::nullopt;
}

struct TransformOutcome
{
    std::optional<Error> error;
    QString cacheKey; // of the version actually transformed (the object may have changed)
    ImageCacheEntry entry;
    double transformMs = 0;
};

bool shrinkOnLoadFromEnvironment()
{
    return qEnvironmentVariable("EDGEDESK_IMAGE_SHRINK_ON_LOAD").trimmed() != QLatin1String("0");
}

} // namespace

struct ImageBinding::State
{
    std::shared_ptr<BucketStore> store;
    QString binding;
    QString unavailable; // why the store is missing (a sentence naming it)
    QString defaultKey;
    bool shrinkOnLoad = true;
    ImageCache cache{kImageCacheBytes};
    DecodedImageCache decoded; // sources decoded at a shrink-on-load scale, for other sizes

    struct Waiter
    {
        ExchangePtr exchange;
        bool varyAccept = false;
    };
    // Misses being transformed, by cache key; server thread only.
    QHash<QString, std::vector<Waiter>> inflight;

    // Runs on the pool.
    TransformOutcome transform(const QString &key, qint64 sourceSize, const QString &sourceEtag,
                               const ImageOptions &options, const QString &cacheKey);
};

TransformOutcome ImageBinding::State::transform(const QString &key, qint64 sourceSize,
                                                const QString &sourceEtag,
                                                const ImageOptions &options,
                                                const QString &cacheKey)
{
    TransformOutcome out;
    out.cacheKey = cacheKey;
    if (sourceSize > kSniffBytes) {
        auto prefix = store->readRange(key, 0, kSniffBytes);
        if (!prefix) {
            out.error = prefix.error();
            return out;
        }
        const ImageHeader header = sniffImageHeader(prefix->bytes);
        if (header.format == ImageSourceFormat::Unknown || overSourceLimits(header)) {
            // The core refuses these from the header before decoding anything, with its own
            // code and message: the prefix is all it needs.
            auto refused = transformImage(prefix->bytes, options);
            if (!refused) {
                out.error = refused.error();
                return out;
            }
        }
    }
    auto source = store->readAll(key);
    if (!source) {
        out.error = source.error();
        return out;
    }
    if (source->object.etag != sourceEtag)
        out.cacheKey = ImageCache::makeKey(source->object.etag, options.normalizedKey());

    QElapsedTimer timer;
    timer.start();
    auto result = transformImage(source->bytes, options, &decoded, source->object.etag);
    out.transformMs = double(timer.nsecsElapsed()) / 1e6;
    if (!result) {
        out.error = result.error();
        return out;
    }
    out.entry = ImageCacheEntry{std::move(result->bytes), result->mimeType, result->width,
                                result->height, qint64(std::llround(out.transformMs))};
    cache.put(out.cacheKey, out.entry);
    return out;
}

ImageBinding::ImageBinding(const ServerContext &context, const QString &binding,
                           OpenedStore<BucketStore> bucket)
    : m_context(context), m_state(std::make_shared<State>())
{
    m_state->store = std::move(bucket.store);
    m_state->binding = binding;
    m_state->unavailable = bucket.error;
    m_state->defaultKey = BucketBinding::defaultObjectKey();
    m_state->shrinkOnLoad = shrinkOnLoadFromEnvironment();
    if (!m_state->shrinkOnLoad)
        qCWarning(lcImages) << "JPEG shrink-on-load is off (EDGEDESK_IMAGE_SHRINK_ON_LOAD=0)";
}

ImageBinding::~ImageBinding() = default;

void ImageBinding::addRoutes(Router &router)
{
    Route route;
    route.name = QStringLiteral("image");
    route.binding = m_state->binding;
    route.pattern = "/image";
    route.methods = {"GET"};
    route.handler = [this](const ExchangePtr &ex) { handle(ex); };
    router.add(std::move(route));
}

std::optional<ConfigSection> ImageBinding::configSection() const
{
    const State &state = *m_state;
    const ImageCacheStats stats = state.cache.stats();
    return ConfigSection{
        QStringLiteral("image"),
        QJsonObject{{QStringLiteral("binding"), state.binding},
                    {QStringLiteral("available"), state.store != nullptr},
                    {QStringLiteral("default_key"), state.defaultKey},
                    {QStringLiteral("default_width"), kDefaultBox.width()},
                    {QStringLiteral("default_height"), kDefaultBox.height()},
                    {QStringLiteral("default_fit"), QStringLiteral("cover")},
                    {QStringLiteral("default_format"), QStringLiteral("auto")},
                    {QStringLiteral("shrink_on_load"), state.shrinkOnLoad},
                    {QStringLiteral("cache"),
                     QJsonObject{{QStringLiteral("entries"), double(stats.entries)},
                                 {QStringLiteral("bytes"), double(stats.bytes)},
                                 {QStringLiteral("capacity_bytes"), double(stats.capacityBytes)},
                                 {QStringLiteral("hits"), double(stats.hits)},
                                 {QStringLiteral("misses"), double(stats.misses)}}}}};
}

void ImageBinding::shutdown()
{
    // Transforms still running finish on the pool; their answers find no one waiting.
    m_state->inflight.clear();
    m_state->cache.clear();
    m_state->decoded.clear();
}

ImageCacheStats ImageBinding::cacheStats() const
{
    return m_state->cache.stats();
}

void ImageBinding::handle(const ExchangePtr &ex)
{
    State &state = *m_state;
    if (!state.store) {
        ex->respond(errorResponse(makeError(QStringLiteral("storage_error"), state.unavailable)));
        return;
    }
    const QUrlQuery &query = ex->query();
    auto options = parseImageOptions(query, ex->header("accept"), routeDefaults());
    if (!options) {
        ex->respond(errorResponse(options.error()));
        return;
    }
    options->jpegShrinkOnLoad = state.shrinkOnLoad;
    const bool varyAccept = options->formatFromAccept;
    QString key = state.defaultKey;
    if (const auto raw = rawQueryItem(ex->rawQuery(), "key")) {
        auto requested = BucketStore::keyFromUtf8(*raw);
        if (!requested) {
            ex->respond(errorResponse(requested.error()));
            return;
        }
        key = *requested;
    }

    // Metadata only (one indexed SQLite row): enough for the ETag and the cache key.
    auto source = state.store->head(key);
    if (!source) {
        ex->respond(errorResponse(source.error()));
        return;
    }
    const QString cacheKey = ImageCache::makeKey(source->etag, options->normalizedKey());
    const QByteArray etag = imageEtag(cacheKey);
    if (const QByteArray inm = ex->header("if-none-match");
        !inm.isEmpty() && HttpFields::etagMatches(inm, etag)) {
        HttpResponse notModified = HttpResponse::notModified(etag);
        notModified.header("Cache-Control", kCacheControl);
        if (varyAccept)
            notModified.header("Vary", "Accept");
        ex->respond(std::move(notModified));
        return;
    }
    if (const auto hit = state.cache.get(cacheKey)) {
        ex->respond(imageResponse(*hit, etag, varyAccept, "hit", double(hit->transformMs)));
        return;
    }

    if (const auto waiting = state.inflight.find(cacheKey); waiting != state.inflight.end()) {
        waiting->push_back({ex, varyAccept});
        return;
    }
    state.inflight.insert(cacheKey, {{ex, varyAccept}});
    std::shared_ptr<State> shared = m_state;
    std::weak_ptr<State> weak = m_state;
    m_context.pool->run(
        m_context.serverThread,
        [shared, key, size = source->size, sourceEtag = source->etag, options = *options,
         cacheKey] { return shared->transform(key, size, sourceEtag, options, cacheKey); },
        [weak, cacheKey](const TransformOutcome &outcome) {
            const auto state = weak.lock();
            if (!state)
                return;
            const std::vector<State::Waiter> waiters = state->inflight.take(cacheKey);
            const QByteArray etag = imageEtag(outcome.cacheKey);
            for (const State::Waiter &w : waiters) {
                if (outcome.error)
                    w.exchange->respond(errorResponse(*outcome.error));
                else
                    w.exchange->respond(imageResponse(outcome.entry, etag, w.varyAccept, "miss",
                                                      outcome.transformMs));
            }
        });
}

} // namespace edgedesk
