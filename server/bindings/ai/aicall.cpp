#include "bindings/ai/aicall.h"

#include "bindings/ai/aicallstate.h"

namespace edgedesk {

AiCall::AiCall(std::shared_ptr<AiCallState> state) : m_state(std::move(state)) {}

quint64 AiCall::id() const
{
    return m_state ? m_state->id() : 0;
}

void AiCall::cancel()
{
    if (m_state)
        m_state->cancel();
}

} // namespace edgedesk
