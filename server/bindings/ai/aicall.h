#pragma once

#include "bindings/ai/airesult.h"
#include "util/result.h"

#include <QString>

#include <functional>
#include <memory>

namespace edgedesk {

class AiCallState;

// What an AiClient call reports, always in the context object's thread. A call ends with exactly
// one of onDone / onError, unless it was cancelled (then nothing more arrives). onToken only runs
// for streaming requests, before onDone. The callbacks are destroyed in the context's thread, so
// they may own a responder.
struct AiCallbacks
{
    std::function<void(const QString &token)> onToken;
    std::function<void(const AiResult &result)> onDone;
    std::function<void(const Error &error)> onError;
};

// A handle on one running AiClient call; cheap to copy. Dropping it does not cancel the call.
class AiCall final
{
public:
    AiCall() = default;
    explicit AiCall(std::shared_ptr<AiCallState> state);

    bool isValid() const { return m_state != nullptr; }
    quint64 id() const;
    // Call from the context's thread. Once it returns no callback runs any more, and the
    // upstream transfer is aborted promptly (its connection closed). Idempotent; harmless after
    // the call finished.
    void cancel();

private:
    friend class AiClient;
    std::shared_ptr<AiCallState> m_state;
};

} // namespace edgedesk
