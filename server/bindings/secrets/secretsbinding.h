#pragma once

#include "bindings/bindingmodule.h"
#include "routing/httpexchange.h"
#include "servercontext.h"
#include "storage/openedstore.h"

#include <memory>

namespace edgedesk {

class SecretStore;

// SECRET_STORE: the encrypted store under <data>/secrets and its control API
// `/__edgedesk/v1/secrets[/{name}]`. No response ever carries a value.
class SecretsBinding final : public BindingModule
{
public:
    SecretsBinding(const ServerContext &context, OpenedStore<SecretStore> store);
    ~SecretsBinding() override;

    void addRoutes(Router &router) override;

private:
    void list(const ExchangePtr &exchange);
    void putOrDelete(const ExchangePtr &exchange);
    bool refuseWhenUnavailable(const ExchangePtr &exchange) const;

    const ServerContext &m_context;
    QString m_binding;
    std::shared_ptr<SecretStore> m_store;
    QString m_openError;
};

} // namespace edgedesk
