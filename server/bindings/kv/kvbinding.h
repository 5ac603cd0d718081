#pragma once

#include "bindings/bindingmodule.h"
#include "storage/kv/kvstore.h"
#include "routing/httpexchange.h"
#include "servercontext.h"

#include <memory>

namespace edgedesk {

// A KV namespace binding: `/kv` (the demo's route, for the first namespace) and the control API
// `/__edgedesk/v1/kv/{binding}/keys[/{key}]`.
class KvBinding final : public BindingModule
{
public:
    KvBinding(ServerContext &context, const KvNamespaceConfig &config, bool servesDemoRoute);

    KvStore *store() const { return m_store.get(); }
    static QString demoValue();

private:
    void registerRoutes(bool servesDemoRoute);
    void getValue(const ExchangePtr &exchange, const QString &key, bool rawValue);
    void listKeys(const ExchangePtr &exchange);
    void putValue(const ExchangePtr &exchange, const QString &key);
    void deleteValue(const ExchangePtr &exchange, const QString &key);

    ServerContext &m_context;
    KvNamespaceConfig m_config;
    std::shared_ptr<KvStore> m_store;
    QString m_openError;
};

} // namespace edgedesk
