#pragma once

#include "bindings/bindingmodule.h"
#include "http/httpexchange.h"
#include "servercontext.h"

#include <QJsonObject>

namespace edgedesk {

class AiService;

// The AI binding at `/ai`: prompt in, the provider's answer out — as JSON, or streamed as
// server-sent events in the edge AI format (`data: {"response":"<token>"}` ... `data: [DONE]`).
class AiBinding final : public BindingModule
{
public:
    AiBinding(ServerContext &context, AiService *service);
    ~AiBinding() override;
    void shutdown() override;

private:
    void handle(const ExchangePtr &exchange);

    ServerContext &m_context;
    AiService *m_service;
};

} // namespace edgedesk
