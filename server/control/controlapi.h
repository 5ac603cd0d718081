#pragma once

#include "bindings/bindingmodule.h"
#include "servercontext.h"

namespace edgedesk {

// The built-in part of the control API under /__edgedesk/v1: health, config, traffic, metrics,
// logs. Bindings add their own control routes (kv, r2, secrets, containers).
class ControlApi final : public BindingModule
{
public:
    explicit ControlApi(ServerContext &context);

private:
    ServerContext &m_context;
};

} // namespace edgedesk
