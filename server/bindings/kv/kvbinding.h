#pragma once

#include "bindings/bindingmodule.h"
#include "routing/httpexchange.h"
#include "servercontext.h"
#include "storage/kv/kvstore.h"
#include "storage/openedstore.h"

#include <memory>
#include <optional>

namespace edgedesk {

// A KV namespace binding: `/kv` (the demo's route, for the first namespace) and the control API
// `/__edgedesk/v1/kv/{binding}/keys[/{key}]`. GET /kv answers as the demo's Worker does:
// {"key":"demo-key","value":"<the value as text>"} (null when absent); ?key= reads another key
// in the same shape. The control API answers a value's bytes with its stored content type.
class KvBinding final : public BindingModule
{
public:
    // servesDemoRoute: this namespace answers the demo's /kv (and is seeded on its first start).
    KvBinding(const ServerContext &context, const KvNamespaceConfig &config,
              OpenedStore<KvStore> store, bool servesDemoRoute);

    void addRoutes(Router &router) override;
    static QByteArray demoValue(); // seeded under the demo key when the namespace is created

private:
    // The entry (none when the key is absent), or nothing once the request has been refused.
    std::optional<std::optional<KvEntry>> readEntry(const ExchangePtr &exchange,
                                                    const QString &key);
    // Answers storage_error (store not open) or bad_request (invalid key) and returns false.
    bool acceptsKey(const ExchangePtr &exchange, const QString &key) const;
    void getDemoValue(const ExchangePtr &exchange, const QString &key);
    void getValue(const ExchangePtr &exchange, const QString &key);
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
