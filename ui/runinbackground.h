#pragma once

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <memory>
#include <type_traits>
#include <utility>

namespace edgedesk {

// The one way the window runs blocking work (decoding a large image, writing or verifying a
// state archive): `work()` on Qt's global thread pool, then `done(result)` in `context`'s thread.
// If `context` is gone by then, `done` is dropped and the result destroyed on the pool thread.
// The work must not touch widgets; everything it needs travels by value.
template <typename Work, typename Done> void runInBackground(QObject *context, Work work, Done done)
{
    using Output = std::invoke_result_t<Work &>;
    QPointer<QObject> guard(context);
    QThreadPool::globalInstance()->start(
        [guard, work = std::move(work), done = std::move(done)]() mutable {
            auto output = std::make_shared<Output>(work());
            if (guard)
                QMetaObject::invokeMethod(
                    guard.data(), [done = std::move(done), output]() mutable { done(*output); },
                    Qt::QueuedConnection);
        });
}

} // namespace edgedesk
