#include "bindings/assets/staticassets.h"

#include "bindings/assets/builtinassetstore.h"
#include "bindings/assets/diskassetstore.h"
#include "routing/router.h"
#include "util/workerpool.h"

namespace edgedesk {

namespace {

std::shared_ptr<const AssetStore> storeFor(const AssetsConfig &config)
{
    if (config.isBuiltIn())
        return std::make_shared<BuiltinAssetStore>(config.directory);
    return std::make_shared<DiskAssetStore>(config.directory);
}

} // namespace

StaticAssets::StaticAssets(const ServerContext &context)
    : m_context(context), m_config(context.config.assets), m_store(storeFor(m_config)),
      m_resolver(m_config.htmlHandling), m_rules(m_config),
      m_prepared(std::make_shared<PreparedAssets>(m_store))
{
}

void StaticAssets::addRoutes(Router &router)
{
    Route route;
    route.name = QStringLiteral("assets");
    route.binding = m_config.binding;
    route.pattern = "/{*path}";
    route.fallback = true;
    route.handler = [this](const ExchangePtr &exchange) { serve(exchange); };
    // EdgeDesk's own files never collide with its routes; a project's may.
    if (!m_config.isBuiltIn())
        route.claims = [this](const HttpExchange &exchange) { return claims(exchange); };
    router.add(std::move(route));
}

AssetIntent StaticAssets::resolve(const QString &path, NotFoundHandling notFound) const
{
    const AssetStore &store = *m_store;
    return m_resolver.resolve(path, notFound,
                              [&store](const QString &file) { return store.exists(file); });
}

bool StaticAssets::claims(const HttpExchange &exchange) const
{
    if (exchange.rawPath().startsWith("/__edgedesk/"))
        return false;
    switch (m_rules.decide(exchange.rawPath())) {
    case WorkerFirstRules::Decision::Worker:
        return false;
    case WorkerFirstRules::Decision::Assets:
        return true;
    case WorkerFirstRules::Decision::AssetsIfFound:
        break;
    }
    // A missing file leaves the request to the routes, except a browser navigation when the
    // compatibility date says navigations prefer the assets (an SPA's deep links).
    const bool navigation =
        m_config.navigationPrefersAssets && exchange.header("sec-fetch-mode") == "navigate";
    const NotFoundHandling notFound =
        navigation ? m_config.notFoundHandling : NotFoundHandling::None;
    return resolve(AssetResolver::decodePath(exchange.rawPath()), notFound).kind !=
           AssetIntent::Kind::None;
}

void StaticAssets::serve(const ExchangePtr &ex)
{
    // A plain GET of a path answered before: one lookup, one write.
    const bool plainGet =
        ex->method() == "GET" && ex->header("range").isEmpty() && ex->header("if-none-match").isEmpty();
    if (plainGet) {
        if (const PreparedResponse *prepared = m_prepared->find(ex->rawPath())) {
            ex->respond(*prepared);
            return;
        }
    }
    const QString path = AssetResolver::decodePath(ex->rawPath());
    const AssetIntent intent = resolve(path, m_config.notFoundHandling);
    if (intent.kind == AssetIntent::Kind::None) {
        ex->respond(
            HttpResponse::error(QStringLiteral("not_found"),
                                QStringLiteral("no route or asset for %1").arg(path.left(300))));
        return;
    }
    if (!ex->isGetOrHead()) {
        ex->respond(HttpResponse::methodNotAllowed({"GET", "HEAD"}));
        return;
    }
    // Redirects go to the canonical, re-encoded URL, with the query kept.
    const QByteArray canonical =
        AssetResolver::encodePath(intent.kind == AssetIntent::Kind::Redirect ? intent.path : path);
    if (intent.kind == AssetIntent::Kind::Redirect || canonical != ex->rawPath()) {
        HttpResponse moved = HttpResponse::bytes(307, "text/plain; charset=utf-8", QByteArray());
        moved.header("Location",
                     ex->rawQuery().isEmpty() ? canonical : canonical + '?' + ex->rawQuery());
        ex->respond(std::move(moved));
        return;
    }

    const AssetRequest request{ex->header("if-none-match"), ex->header("range"),
                               ex->header("if-range"), ex->isHead()};
    const bool pagePolicy = m_config.isBuiltIn();
    if (!m_store->readsFromDisk()) {
        HttpResponse response = m_store->answer(intent.path, intent.status, request);
        response.pagePolicy = pagePolicy;
        if (plainGet)
            m_prepared->offer(ex->rawPath(), path, intent, response);
        ex->respond(std::move(response));
        return;
    }
    std::shared_ptr<const AssetStore> store = m_store;
    m_context.pool->run(
        m_context.serverThread,
        [store, file = intent.path, status = intent.status, request] {
            return store->answer(file, status, request);
        },
        [prepared = std::weak_ptr<PreparedAssets>(m_prepared), ex, path, intent, plainGet,
         pagePolicy](HttpResponse response) {
            response.pagePolicy = pagePolicy;
            if (const auto keep = prepared.lock(); keep && plainGet)
                keep->offer(ex->rawPath(), path, intent, response);
            ex->respond(std::move(response));
        });
}

} // namespace edgedesk
