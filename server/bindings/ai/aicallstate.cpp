#include "bindings/ai/aicallstate.h"

namespace edgedesk {

AiCallState::AiCallState(quint64 id, QObject *context, AiCallbacks callbacks)
    : m_id(id), m_context(context), m_callbacks(std::move(callbacks))
{}

AiCallState::~AiCallState()
{
    QObject::disconnect(m_contextDestroyed);
}

void AiCallState::watchContext()
{
    if (!m_context)
        return;
    // Direct: runs in the destroying thread while the context's posted events still exist; the
    // mutex in cancel() waits for a post in progress, and ~QObject then discards what was posted.
    std::weak_ptr<AiCallState> weak = weak_from_this();
    m_contextDestroyed = QObject::connect(m_context.data(), &QObject::destroyed, [weak] {
        if (const auto self = weak.lock())
            self->cancel();
    });
}

void AiCallState::setWakeUp(std::function<void()> wakeUp)
{
    const std::lock_guard lock(m_mutex);
    m_wakeUp = std::move(wakeUp);
}

void AiCallState::cancel()
{
    AiCallbacks dropped;
    std::function<void()> wakeUp;
    {
        const std::lock_guard lock(m_mutex);
        if (m_cancelled.exchange(true, std::memory_order_acq_rel))
            return;
        dropped = std::move(m_callbacks);
        m_callbacks = {};
        wakeUp = m_wakeUp;
    }
    QObject::disconnect(m_contextDestroyed);
    if (wakeUp)
        wakeUp();
    // `dropped` (and whatever the callbacks own) is destroyed here, in the caller's thread.
}

template <typename Fn> void AiCallState::post(Fn fn)
{
    const std::lock_guard lock(m_mutex);
    if (isCancelled() || !m_context)
        return;
    QMetaObject::invokeMethod(
        m_context.data(),
        [self = shared_from_this(), fn = std::move(fn)]() mutable {
            if (!self->isCancelled() && !self->m_finished)
                fn(*self);
        },
        Qt::QueuedConnection);
}

void AiCallState::finish(const std::function<void(AiCallbacks &)> &deliver)
{
    m_finished = true;
    AiCallbacks callbacks = std::move(m_callbacks);
    m_callbacks = {};
    QObject::disconnect(m_contextDestroyed);
    deliver(callbacks);
}

void AiCallState::postToken(const QString &token)
{
    const std::lock_guard lock(m_mutex);
    if (isCancelled() || !m_context)
        return;
    m_pendingTokens.append(token);
    if (m_tokensPosted)
        return; // the delivery already queued takes this one too, still ahead of done/error
    m_tokensPosted = true;
    QMetaObject::invokeMethod(
        m_context.data(), [self = shared_from_this()] { self->deliverTokens(); },
        Qt::QueuedConnection);
}

void AiCallState::deliverTokens()
{
    QStringList tokens;
    {
        const std::lock_guard lock(m_mutex);
        tokens.swap(m_pendingTokens);
        m_tokensPosted = false;
    }
    // A copy: the callback may cancel the call, which destroys the stored callbacks.
    const auto onToken = m_callbacks.onToken;
    for (const QString &token : std::as_const(tokens)) {
        if (isCancelled() || m_finished || !onToken)
            return;
        onToken(token);
    }
}

void AiCallState::postDone(const AiResult &result)
{
    post([result](AiCallState &self) {
        self.finish([&result](AiCallbacks &callbacks) {
            if (callbacks.onDone)
                callbacks.onDone(result);
        });
    });
}

void AiCallState::postError(const Error &error)
{
    post([error](AiCallState &self) {
        self.finish([&error](AiCallbacks &callbacks) {
            if (callbacks.onError)
                callbacks.onError(error);
        });
    });
}

} // namespace edgedesk
