#pragma once

#include "bindings/bindingmodule.h"
#include "servercontext.h"

#include <QList>

#include <functional>

namespace edgedesk {

class LogHub;

// The built-in part of the control API under /__edgedesk/v1: health, config, traffic, metrics,
// logs. Bindings add their own control routes (kv, r2, secrets, containers).
class ControlApi final : public BindingModule
{
public:
    // Every module's live section of GET /config, asked for at each request.
    using ConfigSections = std::function<QList<ConfigSection>()>;

    ControlApi(const ServerContext &context, const LogHub &logs, ConfigSections sections);

    void addRoutes(Router &router) override;

private:
    const ServerContext &m_context;
    const LogHub &m_logs;
    ConfigSections m_sections;
};

} // namespace edgedesk
