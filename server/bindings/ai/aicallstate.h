#pragma once

#include "bindings/ai/aicall.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace edgedesk {

// The state one call shares between the curl thread (which reports) and the context's thread
// (which receives). Reports are posted to the context with a queued invokeMethod; a mutex
// serialises posting against cancel() and the context's destruction, so nothing is posted
// after either, and the callbacks are only ever run and destroyed in the context's thread.
class AiCallState final : public std::enable_shared_from_this<AiCallState>
{
public:
    AiCallState(quint64 id, QObject *context, AiCallbacks callbacks);
    ~AiCallState();
    AiCallState(const AiCallState &) = delete;
    AiCallState &operator=(const AiCallState &) = delete;

    // Connects the context's destroyed() signal to cancel(). Call once, in the context's thread,
    // right after construction (it needs shared_from_this).
    void watchContext();
    // How the engine is told to drop the transfer; called after cancel().
    void setWakeUp(std::function<void()> wakeUp);

    quint64 id() const { return m_id; }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_acquire); }
    void cancel();

    // From any thread (the curl thread): queue a report for the context's thread.
    void postToken(const QString &token);
    void postDone(const AiResult &result);
    void postError(const Error &error);

private:
    template <typename Fn> void post(Fn fn);
    void deliverTokens();
    void finish(const std::function<void(AiCallbacks &)> &deliver);

    const quint64 m_id;
    std::atomic<bool> m_cancelled{false};
    std::mutex m_mutex;
    QPointer<QObject> m_context;
    std::function<void()> m_wakeUp; // guarded by m_mutex
    // Tokens not yet handed to the context: a fast stream queues one delivery for many tokens
    // rather than one cross-thread event per token.
    QStringList m_pendingTokens;                // guarded by m_mutex
    bool m_tokensPosted = false;                // guarded by m_mutex
    AiCallbacks m_callbacks;                    // context thread only
    bool m_finished = false;                    // context thread only
    QMetaObject::Connection m_contextDestroyed; // context thread only
};

} // namespace edgedesk
