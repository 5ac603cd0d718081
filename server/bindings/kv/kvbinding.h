#pragma once

#include "bindings/bindingmodule.h"
#include "routing/httpexchange.h"
#include "servercontext.h"
#include "storage/kv/kvstore.h"
#include "storage/openedstore.h"

#include <memory>

namespace edgedesk {

// A KV namespace binding: `/kv` (the demo's route, for the first namespace) and the control API
// `/__edgedesk/v1/kv/{binding}/keys[/{key}]`.
class KvBinding final : public BindingModule
{
public:
    // servesDemoRoute: this namespace answers the demo's /kv (and is seeded on its first start).
    KvBinding(const ServerContext &context, const KvNamespaceConfig &config,
              OpenedStore<KvStore> store, bool servesDemoRoute);

    void addRoutes(Router &router) override;
    static QString demoValue();

private:
    void getValue(const ExchangePtr &exchange, const QString &key, bool rawValue);
    void listKeys(const ExchangePtr &exchange);
    void putValue(const ExchangePtr &exchange, const QString &key);
    void deleteValue(const ExchangePtr &exchange, const QString &key);

    const ServerContext &m_context;
    KvNamespaceConfig m_config;
    std::shared_ptr<KvStore> m_store;
    QString m_openError;
    bool m_servesDemoRoute;
};

} // namespace edgedesk
