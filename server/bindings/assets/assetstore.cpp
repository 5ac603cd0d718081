#include "bindings/assets/assetstore.h"

#include "routing/httpfields.h"

#include <QHash>
#include <QMimeDatabase>

namespace edgedesk {

namespace {

// Revalidated on every use: a file changed on disk is served at once, and an unchanged one costs
// a 304.
const QByteArray kCacheControl = QByteArrayLiteral("public, max-age=0, must-revalidate");

} // namespace

QByteArray AssetStore::contentTypeFor(const QString &fileName)
{
    static const QHash<QString, QByteArray> types{
        {QStringLiteral("html"), "text/html; charset=utf-8"},
        {QStringLiteral("htm"), "text/html; charset=utf-8"},
        {QStringLiteral("css"), "text/css; charset=utf-8"},
        {QStringLiteral("js"), "text/javascript; charset=utf-8"},
        {QStringLiteral("mjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral("cjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral("json"), "application/json"},
        {QStringLiteral("map"), "application/json"},
        {QStringLiteral("webmanifest"), "application/manifest+json"},
        {QStringLiteral("txt"), "text/plain; charset=utf-8"},
        {QStringLiteral("md"), "text/markdown; charset=utf-8"},
        {QStringLiteral("csv"), "text/csv; charset=utf-8"},
        {QStringLiteral("xml"), "application/xml"},
        {QStringLiteral("svg"), "image/svg+xml"},
        {QStringLiteral("png"), "image/png"},
        {QStringLiteral("jpg"), "image/jpeg"},
        {QStringLiteral("jpeg"), "image/jpeg"},
        {QStringLiteral("gif"), "image/gif"},
        {QStringLiteral("webp"), "image/webp"},
        {QStringLiteral("avif"), "image/avif"},
        {QStringLiteral("ico"), "image/x-icon"},
        {QStringLiteral("wasm"), "application/wasm"},
        {QStringLiteral("pdf"), "application/pdf"},
        {QStringLiteral("woff"), "font/woff"},
        {QStringLiteral("woff2"), "font/woff2"},
        {QStringLiteral("ttf"), "font/ttf"},
        {QStringLiteral("otf"), "font/otf"},
        {QStringLiteral("mp4"), "video/mp4"},
        {QStringLiteral("webm"), "video/webm"},
        {QStringLiteral("mp3"), "audio/mpeg"},
        {QStringLiteral("ogg"), "audio/ogg"},
        {QStringLiteral("wav"), "audio/wav"},
    };
    const QString name = fileName.section(QLatin1Char('/'), -1);
    const qsizetype dot = name.lastIndexOf(QLatin1Char('.'));
    if (dot <= 0)
        return QByteArrayLiteral("application/octet-stream");
    const QString suffix = name.mid(dot + 1).toLower();
    if (const auto it = types.constFind(suffix); it != types.cend())
        return *it;
    // Less common types from the shared MIME database, by extension only (never by content).
    const QMimeType type = QMimeDatabase().mimeTypeForFile(name, QMimeDatabase::MatchExtension);
    QByteArray mime = type.name().toLatin1();
    if (type.isDefault() || mime.isEmpty())
        return QByteArrayLiteral("application/octet-stream");
    if (type.inherits(QStringLiteral("text/plain")))
        mime += "; charset=utf-8";
    return mime;
}

HttpResponse AssetStore::answer(const QString &path, int status, const AssetRequest &request) const
{
    const std::optional<AssetBody> body = open(path);
    if (!body)
        return HttpResponse::error(QStringLiteral("not_found"),
                                   QStringLiteral("asset %1 is gone").arg(path.left(300)));
    if (!request.ifNoneMatch.isEmpty() &&
        HttpFields::etagMatches(request.ifNoneMatch, body->etag)) {
        HttpResponse notModified = HttpResponse::notModified(body->etag);
        notModified.header("Cache-Control", kCacheControl);
        return notModified;
    }
    // Ranges apply to the file itself, not to a 404 page standing in for a missing one.
    const ByteRange range =
        status == 200 ? HttpFields::rangeFor(request.range, request.ifRange, body->etag, body->size)
                      : ByteRange{};
    if (range.kind == ByteRange::Unsatisfiable) {
        HttpResponse refused =
            HttpResponse::error(QStringLiteral("range_not_satisfiable"),
                                QStringLiteral("the range %1 is outside the %2-byte file")
                                    .arg(QString::fromLatin1(request.range.left(100)))
                                    .arg(body->size));
        refused.header("Content-Range", range.contentRange(body->size));
        return refused;
    }
    const qint64 first = range.kind == ByteRange::Part ? range.first : 0;
    const qint64 count = range.length(body->size);
    QByteArray bytes;
    if (!request.headOnly) {
        const std::optional<QByteArray> read = body->read(first, count);
        if (!read || read->size() != count)
            return HttpResponse::error(
                QStringLiteral("storage_error"),
                QStringLiteral("%1 changed while it was read; ask again").arg(path.left(300)));
        bytes = *read;
    }
    HttpResponse response = HttpResponse::bytes(range.kind == ByteRange::Part ? 206 : status,
                                                contentTypeFor(path), std::move(bytes));
    response.header("ETag", body->etag);
    response.header("Cache-Control", kCacheControl);
    if (request.headOnly)
        response.headLength = count;
    if (status == 200)
        response.header("Accept-Ranges", "bytes");
    if (range.kind == ByteRange::Part)
        response.header("Content-Range", range.contentRange(body->size));
    return response;
}

} // namespace edgedesk
