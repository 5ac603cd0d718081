#include "bindings/bucket/bucketbinding.h"

#include "bindings/storedcontent.h"
#include "routing/httpfields.h"
#include "routing/router.h"
#include "storage/bucket/bucketlog.h"
#include "storage/bucket/bucketstore.h"
#include "util/workerpool.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QLocale>

#include <algorithm>
#include <optional>

namespace edgedesk {

namespace {

const QByteArray kMetaHeaderPrefix = QByteArrayLiteral("x-edgedesk-meta-");

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QByteArray httpDate(qint64 ms)
{
    return QLocale::c()
        .toString(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC),
                  QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toLatin1();
}

// RFC 9110 token characters: what a header name may contain.
bool isHeaderToken(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    return std::all_of(name.cbegin(), name.cend(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
    });
}

void addObjectHeaders(HttpResponse &response, const BucketObject &object)
{
    response.header("Last-Modified", httpDate(object.uploadedMs));
    response.header("Cache-Control", "no-cache");
    for (auto it = object.customMetadata.cbegin(); it != object.customMetadata.cend(); ++it) {
        const QByteArray name = it.key().toUtf8();
        if (isHeaderToken(name))
            response.header("X-EdgeDesk-Meta-" + name, it.value().toUtf8());
    }
}

struct ReadRequest
{
    QByteArray ifNoneMatch;
    QByteArray range;
    QByteArray ifRange;
    bool headOnly = false; // HEAD: metadata only, never the bytes
};

// Runs on the pool: metadata and bytes come from one open file, so a concurrent overwrite cannot
// mix two versions.
HttpResponse readObject(BucketStore &store, const QString &key, const ReadRequest &request)
{
    auto body = store.get(key);
    if (!body)
        return HttpResponse::error(body.error());
    const BucketObject &object = body->object;
    const QByteArray etag = object.httpEtag().toLatin1();
    if (!request.ifNoneMatch.isEmpty() && HttpFields::etagMatches(request.ifNoneMatch, etag)) {
        HttpResponse notModified = HttpResponse::notModified(etag);
        addObjectHeaders(notModified, object);
        return notModified;
    }

    const ByteRange range = HttpFields::rangeFor(request.range, request.ifRange, etag, object.size);
    if (range.kind == ByteRange::Unsatisfiable) {
        HttpResponse refused =
            HttpResponse::error(QStringLiteral("range_not_satisfiable"),
                                QStringLiteral("the range %1 is outside the %2-byte object")
                                    .arg(QString::fromLatin1(request.range.left(100)))
                                    .arg(object.size));
        refused.header("Content-Range", range.contentRange(object.size));
        return refused;
    }

    const qint64 first = range.kind == ByteRange::Part ? range.first : 0;
    const qint64 count = range.length(object.size);
    if (first > 0 && !body->file->seek(first))
        return HttpResponse::error(QStringLiteral("storage_error"),
                                   QStringLiteral("cannot read '%1'").arg(key));
    QByteArray bytes;
    if (!request.headOnly) {
        bytes = body->file->read(count);
        if (bytes.size() != count)
            return HttpResponse::error(
                QStringLiteral("storage_error"),
                QStringLiteral("the bytes of '%1' are shorter than recorded").arg(key));
    }

    HttpResponse response = HttpResponse::bytes(range.kind == ByteRange::Part ? 206 : 200,
                                                object.contentType.toLatin1(), std::move(bytes));
    if (request.headOnly)
        response.headLength = count;
    response.header("ETag", etag);
    response.header("Accept-Ranges", "bytes");
    if (range.kind == ByteRange::Part)
        response.header("Content-Range", range.contentRange(object.size));
    addObjectHeaders(response, object);
    StoredContent::sandbox(response);
    return response;
}

} // namespace

BucketBinding::BucketBinding(const ServerContext &context, const BucketConfig &config,
                             OpenedStore<BucketStore> store, bool seedsDemoObject)
    : m_context(context), m_config(config),
      m_objectsPath("/__edgedesk/v1/r2/" + config.binding.toUtf8() + "/objects"),
      m_store(std::move(store.store)), m_openError(store.error)
{
    if (!m_store || !store.created || !seedsDemoObject)
        return;
    QFile sample(QStringLiteral(":/edgedesk/sample/pristine.jpg"));
    if (!sample.open(QIODevice::ReadOnly)) {
        qCWarning(lcBucket) << "the sample image is missing from the resources";
    } else if (auto seeded = m_store->seedIfEmpty(defaultObjectKey(), sample.readAll(),
                                                  QStringLiteral("image/jpeg"));
               !seeded) {
        qCWarning(lcBucket).noquote()
            << "cannot seed" << config.binding << ":" << seeded.error().message;
    }
}

BucketBinding::~BucketBinding() = default;

QString BucketBinding::defaultObjectKey()
{
    return QStringLiteral("pristine.jpg");
}

QJsonObject BucketBinding::objectJson(const BucketObject &object)
{
    QJsonObject metadata;
    for (auto it = object.customMetadata.cbegin(); it != object.customMetadata.cend(); ++it)
        metadata.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("key"), object.key},
                       {QStringLiteral("size"), double(object.size)},
                       {QStringLiteral("etag"), object.etag},
                       {QStringLiteral("content_type"), object.contentType},
                       {QStringLiteral("uploaded"), isoTime(object.uploadedMs)},
                       {QStringLiteral("custom_metadata"), metadata}};
}

void BucketBinding::addRoutes(Router &router)
{
    router.add(Route{QStringLiteral("control.r2.objects"),
                     m_config.binding,
                     m_objectsPath,
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) { listObjects(ex); }});
    // PUT is its own route so that only it carries the object size limit: the transport refuses
    // a larger declared body before reading it, and other methods keep the small default.
    router.add(Route{QStringLiteral("control.r2.object"),
                     m_config.binding,
                     m_objectsPath + "/{*key}",
                     {"GET", "DELETE"},
                     0,
                     [this](const ExchangePtr &ex) {
                         if (ex->method() == "DELETE")
                             deleteObject(ex);
                         else
                             getObject(ex);
                     }});
    router.add(Route{QStringLiteral("control.r2.object.put"),
                     m_config.binding,
                     m_objectsPath + "/{*key}",
                     {"PUT"},
                     m_store ? m_store->maxObjectBytes() : BucketStore::Options{}.maxObjectBytes,
                     [this](const ExchangePtr &ex) { putObject(ex); }});
}

bool BucketBinding::refuseWhenUnavailable(const ExchangePtr &ex) const
{
    if (m_store)
        return false;
    ex->respond(HttpResponse::error(QStringLiteral("storage_error"), m_openError));
    return true;
}

Result<QString> BucketBinding::keyOf(const HttpExchange &ex) const
{
    // From the raw path rather than the router's capture: a key's bytes must be valid UTF-8,
    // and the capture would have replaced invalid sequences instead of refusing them.
    const QByteArray raw = ex.rawPath().mid(m_objectsPath.size() + 1);
    return BucketStore::keyFromUtf8(QByteArray::fromPercentEncoding(raw));
}

std::optional<QString> BucketBinding::objectKey(const ExchangePtr &ex) const
{
    if (refuseWhenUnavailable(ex))
        return std::nullopt;
    auto key = keyOf(*ex);
    if (!key) {
        ex->respond(HttpResponse::error(key.error()));
        return std::nullopt;
    }
    return *key;
}

void BucketBinding::listObjects(const ExchangePtr &ex)
{
    if (refuseWhenUnavailable(ex))
        return;
    BucketListOptions options;
    const QUrlQuery &query = ex->query();
    options.prefix = query.queryItemValue(QStringLiteral("prefix"), QUrl::FullyDecoded);
    options.delimiter = query.queryItemValue(QStringLiteral("delimiter"), QUrl::FullyDecoded);
    options.cursor = query.queryItemValue(QStringLiteral("cursor"), QUrl::FullyDecoded);
    if (query.hasQueryItem(QStringLiteral("limit"))) {
        const auto limit =
            HttpFields::digits(query.queryItemValue(QStringLiteral("limit")).toLatin1());
        if (!limit || *limit < 1 || *limit > 1000) {
            ex->respond(HttpResponse::error(QStringLiteral("bad_request"),
                                            QStringLiteral("limit must be an integer 1..1000")));
            return;
        }
        options.limit = int(*limit);
    }
    std::shared_ptr<BucketStore> store = m_store;
    m_context.pool->run(
        m_context.serverThread, [store, options] { return store->list(options); },
        [ex](const Result<BucketListing> &listing) {
            if (!listing) {
                ex->respond(HttpResponse::error(listing.error()));
                return;
            }
            QJsonArray objects;
            for (const BucketObject &object : listing->objects)
                objects.append(objectJson(object));
            QJsonObject body{{QStringLiteral("objects"), objects},
                             {QStringLiteral("delimited_prefixes"),
                              QJsonArray::fromStringList(listing->delimitedPrefixes)},
                             {QStringLiteral("truncated"), listing->truncated}};
            if (listing->truncated)
                body.insert(QStringLiteral("cursor"), listing->cursor);
            HttpResponse response = HttpResponse::json(200, body);
            response.header("Cache-Control", "no-store");
            ex->respond(std::move(response));
        });
}

void BucketBinding::getObject(const ExchangePtr &ex)
{
    const std::optional<QString> key = objectKey(ex);
    if (!key)
        return;
    // HEAD reads only the metadata; the answer declares the length the GET would send.
    const ReadRequest request{ex->header("if-none-match"), ex->header("range"),
                              ex->header("if-range"), ex->isHead()};
    std::shared_ptr<BucketStore> store = m_store;
    m_context.pool->run(
        m_context.serverThread,
        [store, key = *key, request] { return readObject(*store, key, request); },
        [ex](HttpResponse response) { ex->respond(std::move(response)); });
}

void BucketBinding::putObject(const ExchangePtr &ex)
{
    const std::optional<QString> key = objectKey(ex);
    if (!key)
        return;
    QMap<QString, QString> metadata;
    for (const auto &h : ex->headers()) {
        if (h.first.size() >= kMetaHeaderPrefix.size() &&
            h.first.left(kMetaHeaderPrefix.size()).toLower() == kMetaHeaderPrefix)
            metadata.insert(QString::fromUtf8(h.first.mid(kMetaHeaderPrefix.size()).toLower()),
                            QString::fromUtf8(h.second.trimmed()));
    }
    std::optional<QByteArray> contentMd5;
    if (const QByteArray md5 = ex->header("content-md5"); !md5.isEmpty())
        contentMd5 = md5;
    const QString contentType = QString::fromLatin1(ex->header("content-type").trimmed());
    std::shared_ptr<BucketStore> store = m_store;
    // The body is shared, not copied. A large one waits in a file and is copied from there in
    // pieces: an upload is never held in memory whole.
    m_context.pool->run(
        m_context.serverThread,
        [store, key = *key, body = ex->requestBody(), contentType, metadata,
         contentMd5]() -> Result<BucketObject> {
            if (!body.isSpooled())
                return store->put(key, body.bytes(), contentType, metadata, contentMd5);
            const std::unique_ptr<QIODevice> device = body.open();
            if (!device)
                return makeError(QStringLiteral("storage_error"),
                                 QStringLiteral("the uploaded body cannot be read back"));
            return store->put(key, device.get(), contentType, metadata, contentMd5);
        },
        [ex](const Result<BucketObject> &object) {
            if (!object) {
                ex->respond(HttpResponse::error(object.error()));
                return;
            }
            HttpResponse response = HttpResponse::json(200, objectJson(*object));
            response.header("ETag", object->httpEtag().toLatin1());
            ex->respond(std::move(response));
        });
}

void BucketBinding::deleteObject(const ExchangePtr &ex)
{
    const std::optional<QString> key = objectKey(ex);
    if (!key)
        return;
    std::shared_ptr<BucketStore> store = m_store;
    m_context.pool->run(
        m_context.serverThread, [store, key = *key] { return store->remove(key); },
        [ex, key = *key, binding = m_config.binding](const Result<bool> &removed) {
            if (!removed) {
                ex->respond(HttpResponse::error(removed.error()));
            } else if (!*removed) {
                ex->respond(HttpResponse::error(
                    QStringLiteral("not_found"),
                    QStringLiteral("no object named '%1' in %2").arg(key.left(200), binding)));
            } else {
                ex->respond(HttpResponse::json(200, QJsonObject{{QStringLiteral("success"), true},
                                                                {QStringLiteral("key"), key}}));
            }
        });
}

} // namespace edgedesk
