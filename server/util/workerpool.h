#pragma once

#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <type_traits>

namespace edgedesk {

// The bounded pool for blocking work (image transforms, SQLite writes, libcurl calls).
// Work never touches a socket: its result is handed back to a context object's thread
// (the server thread, for route handlers) before any response is written.
class WorkerPool final
{
public:
    explicit WorkerPool(int maxThreads = 0);
    ~WorkerPool();
    WorkerPool(const WorkerPool &) = delete;
    WorkerPool &operator=(const WorkerPool &) = delete;

    QThreadPool *pool() { return &m_pool; }
    int maxThreads() const { return m_pool.maxThreadCount(); }

    // Runs `work` on the pool, then `done(result)` in `context`'s thread. If `context` is gone by
    // then, `done` is dropped (the result is destroyed on the pool thread).
    template <typename Work, typename Done> void run(QObject *context, Work work, Done done)
    {
        using R = std::invoke_result_t<Work>;
        QPointer<QObject> guard(context);
        m_pool.start([guard, work = std::move(work), done = std::move(done)]() mutable {
            if constexpr (std::is_void_v<R>) {
                work();
                if (guard)
                    QMetaObject::invokeMethod(
                        guard.data(), [done = std::move(done)]() mutable { done(); },
                        Qt::QueuedConnection);
            } else {
                auto result = std::make_shared<R>(work());
                if (guard)
                    QMetaObject::invokeMethod(
                        guard.data(),
                        [done = std::move(done), result]() mutable { done(std::move(*result)); },
                        Qt::QueuedConnection);
            }
        });
    }

    // Fire-and-forget blocking work.
    void start(std::function<void()> work) { m_pool.start(std::move(work)); }

    // Waits for all queued work (shutdown, tests).
    void waitForDone(int msecs = -1) { m_pool.waitForDone(msecs); }

private:
    QThreadPool m_pool;
};

} // namespace edgedesk
