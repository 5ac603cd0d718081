#pragma once

#include "bindings/assets/assetresolver.h"
#include "bindings/assets/assetstore.h"
#include "bindings/assets/preparedassets.h"
#include "bindings/assets/workerfirstrules.h"
#include "bindings/bindingmodule.h"
#include "routing/httpexchange.h"
#include "servercontext.h"

#include <memory>

namespace edgedesk {

// The static assets at "/": the project's assets.directory read from disk, or EdgeDesk's
// built-in frontend when the configuration has no `assets`. Served with the platform's
// html_handling, not_found_handling and run_worker_first; GET and HEAD only, with ETags, Range
// and 307 redirects to canonical URLs. EdgeDesk's control API (/__edgedesk/) is never shadowed.
class StaticAssets final : public BindingModule
{
public:
    explicit StaticAssets(const ServerContext &context);

    // One fallback route: it answers the paths no other route matches, whenever it is added; for
    // a project's folder it also claims the paths its files shadow (run_worker_first).
    void addRoutes(Router &router) override;

private:
    void serve(const ExchangePtr &exchange);
    // Whether the assets answer a request some route also matches.
    bool claims(const HttpExchange &exchange) const;
    AssetIntent resolve(const QString &path, NotFoundHandling notFound) const;

    const ServerContext &m_context;
    AssetsConfig m_config;
    std::shared_ptr<const AssetStore> m_store;
    AssetResolver m_resolver;
    WorkerFirstRules m_rules;
    // Shared with the disk reads in flight, which may end after this module.
    std::shared_ptr<PreparedAssets> m_prepared;
};

} // namespace edgedesk
