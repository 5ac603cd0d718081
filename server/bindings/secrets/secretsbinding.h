#pragma once

#include "bindings/bindingmodule.h"
#include "servercontext.h"

#include <memory>

namespace edgedesk {

class SecretStore;

// SECRET_STORE: the encrypted store under <data>/secrets and its control API
// `/__edgedesk/v1/secrets[/{name}]`. No response ever carries a value.
class SecretsBinding final : public BindingModule
{
public:
    explicit SecretsBinding(ServerContext &context);
    ~SecretsBinding() override;

    SecretStore *store() const { return m_store.get(); }

private:
    ServerContext &m_context;
    std::shared_ptr<SecretStore> m_store;
    QString m_openError;
};

} // namespace edgedesk
