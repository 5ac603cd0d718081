#include "bindings/assets/staticassets.h"

#include "routing/router.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>

namespace edgedesk {

QByteArray StaticAssets::contentTypeFor(const QString &fileName)
{
    static const QHash<QString, QByteArray> types{
        {QStringLiteral("html"), "text/html; charset=utf-8"},
        {QStringLiteral("css"), "text/css; charset=utf-8"},
        {QStringLiteral("js"), "text/javascript; charset=utf-8"},
        {QStringLiteral("mjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral("json"), "application/json"},
        {QStringLiteral("svg"), "image/svg+xml"},
        {QStringLiteral("png"), "image/png"},
        {QStringLiteral("jpg"), "image/jpeg"},
        {QStringLiteral("jpeg"), "image/jpeg"},
        {QStringLiteral("webp"), "image/webp"},
        {QStringLiteral("ico"), "image/x-icon"},
        {QStringLiteral("txt"), "text/plain; charset=utf-8"},
        {QStringLiteral("woff2"), "font/woff2"},
        {QStringLiteral("map"), "application/json"},
        {QStringLiteral("webmanifest"), "application/manifest+json"},
    };
    const QString suffix = fileName.section(QLatin1Char('.'), -1).toLower();
    return types.value(suffix, QByteArrayLiteral("application/octet-stream"));
}

StaticAssets::StaticAssets(const ServerContext &context, const QString &root)
    : m_binding(context.config.assetsBinding)
{
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        Asset asset;
        asset.body = f.readAll();
        asset.contentType = contentTypeFor(file);
        asset.etag =
            '"' + QCryptographicHash::hash(asset.body, QCryptographicHash::Sha1).toHex().left(20) +
            '"';
        m_assets.insert(file.mid(root.size()), asset);
    }
}

void StaticAssets::addRoutes(Router &router)
{
    Route route;
    route.name = QStringLiteral("assets");
    route.binding = m_binding;
    route.pattern = "/{*path}";
    route.fallback = true;
    route.handler = [this](const ExchangePtr &exchange) {
        QString path = exchange->path(); // the fallback route: the whole path is the asset's
        if (path.endsWith(QLatin1Char('/')))
            path += QStringLiteral("index.html");
        const Asset *asset = find(path);
        if (!asset) {
            exchange->respond(HttpResponse::error(
                QStringLiteral("not_found"),
                QStringLiteral("no route or asset for %1").arg(path.left(300))));
            return;
        }
        if (!exchange->isGetOrHead()) {
            exchange->respond(HttpResponse::methodNotAllowed({"GET", "HEAD"}));
            return;
        }
        const QByteArray ifNoneMatch = exchange->header("if-none-match");
        if (!ifNoneMatch.isEmpty() && (ifNoneMatch == asset->etag || ifNoneMatch == "*")) {
            HttpResponse notModified = HttpResponse::notModified(asset->etag);
            notModified.header("Cache-Control", "no-cache");
            exchange->respond(std::move(notModified));
            return;
        }
        HttpResponse response = HttpResponse::bytes(200, asset->contentType, asset->body);
        response.header("ETag", asset->etag);
        // Revalidate every time: the frontend changes with EdgeDesk, and a 304 costs nothing.
        response.header("Cache-Control", "no-cache");
        exchange->respond(std::move(response));
    };
    router.add(std::move(route));
}

const StaticAssets::Asset *StaticAssets::find(const QString &path) const
{
    if (path.contains(QLatin1String("..")))
        return nullptr;
    const auto it = m_assets.constFind(path);
    return it == m_assets.cend() ? nullptr : &*it;
}

} // namespace edgedesk
