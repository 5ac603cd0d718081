#pragma once

#include "bindings/bindingmodule.h"
#include "routing/httpexchange.h"
#include "servercontext.h"

#include <functional>
#include <memory>

namespace edgedesk {

class ClassQueue;
class ContainerClass;
class ContainerInstance;
class ContainerManager;
class LogHub;
class StoreSet;

// The container classes as routes: `/api/*` → BACKEND and `/run` → LINUX_COMMAND, each to a
// random instance (getRandom semantics), started on demand; and the control API under
// /__edgedesk/v1/containers (status, start/stop/restart, logs and their live stream).
class ContainerBinding final : public BindingModule
{
public:
    static constexpr int kApiTimeoutMs = 60000;
    static constexpr int kRunTimeoutMs = 35000; // command-runner's 30 s wall timeout, plus margin

    // stores: each instance's durable storage; logs: where instances' output goes.
    ContainerBinding(const ServerContext &context, const StoreSet &stores, LogHub &logs);
    ~ContainerBinding() override;

    ContainerManager *manager() const { return m_manager.get(); }
    void addRoutes(Router &router) override;
    void shutdown() override;

private:
    void addProxyRoute(Router &router, ContainerClass *containerClass, const QByteArray &pattern,
                       const QString &routeName, int defaultTimeoutMs, bool recordsTimestamp);
    // What a request brings along to serve(): its timeout, the headers added to its answer and
    // what runs once it is done (the queue slot it holds).
    struct Forwarding
    {
        int timeoutMs = 0;
        HeaderList extraHeaders;
        std::function<void()> done;
    };
    // Answers an error before the request reached the instance, and lets its slot go.
    static void fail(const ExchangePtr &exchange, HttpResponse response,
                     const Forwarding &forwarding);
    // Waits for the instance to serve, then forwards the exchange to it.
    void serve(const ExchangePtr &exchange, ContainerInstance *instance, Forwarding forwarding);
    void recordAndServe(const ExchangePtr &exchange, ContainerInstance *instance,
                        Forwarding forwarding);
    // Waits for a slot in the class's queue (or is refused with 429), then serves there.
    void queueAndServe(const ExchangePtr &exchange, ClassQueue *queue, int timeoutMs,
                       bool recordsTimestamp);
    // Resolves {class}/{instance}; answers 404 itself when either is unknown.
    ContainerInstance *findInstance(const ExchangePtr &exchange) const;
    void control(const ExchangePtr &exchange);
    void logsTail(const ExchangePtr &exchange);
    void logsStream(const ExchangePtr &exchange);

    const ServerContext &m_context;
    LogHub &m_logs;
    std::unique_ptr<ContainerManager> m_manager;
};

} // namespace edgedesk
