#pragma once

#include "bindings/bindingmodule.h"
#include "bindings/services/service.h"
#include "servercontext.h"

#include <memory>

namespace edgedesk {

class HttpForwarder;

// A service binding at `/worker/*`: the built-in in-process service, or an HTTP service named by
// `"url"` in the config, proxied.
class ServiceBinding final : public BindingModule
{
public:
    ServiceBinding(ServerContext &context, const ServiceConfig &config);
    ~ServiceBinding() override;

private:
    ServiceConfig m_config;
    std::unique_ptr<Service> m_service;
    HttpForwarder *m_forwarder = nullptr;
};

} // namespace edgedesk
