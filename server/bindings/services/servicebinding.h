#pragma once

#include "bindings/bindingmodule.h"
#include "bindings/services/service.h"
#include "routing/httpexchange.h"
#include "servercontext.h"

#include <memory>

namespace edgedesk {

class HttpForwarder;

// The demo's service binding at `/worker` and `/worker/*`: the built-in in-process service, or
// an HTTP service named by `"url"` in the config, proxied.
class ServiceBinding final : public BindingModule
{
public:
    ServiceBinding(const ServerContext &context, const ServiceConfig &config);
    ~ServiceBinding() override;

    void addRoutes(Router &router) override;

private:
    void handle(const ExchangePtr &exchange);

    ServiceConfig m_config;
    std::unique_ptr<Service> m_service;
    HttpForwarder *m_forwarder = nullptr;
};

} // namespace edgedesk
