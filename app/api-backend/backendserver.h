#pragma once

#include "programserver.h"
#include "util/workerpool.h"

#include <atomic>
#include <memory>

namespace edgedesk {

// The demo's API backend container: /ping, /api/api1, /api/heavycompute, /api/responseheaders,
// and POST /api/echo (ours: answers with the request body).
// It dispatches on the exact path itself instead of using QHttpServer's regex router: the set of
// paths is fixed, and this is the baseline the router's own overhead is benchmarked against.
class BackendServer final : public ProgramServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BackendServer)

public:
    explicit BackendServer(const QString &instanceId, QObject *parent = nullptr);
    ~BackendServer() override;

    // Makes running Fibonacci computations return early (shutdown).
    void cancelComputations();

    // Naive recursive Fibonacci, the demo's CPU load. Returns 0 once *cancelled is set.
    static quint64 fibonacci(int n, const std::atomic_bool &cancelled);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void heavyCompute(const QHttpServerRequest &request, QHttpServerResponder &&responder,
                      const Exchange &exchange);
    QByteArray requestHeadersJson(const QHttpServerRequest &request) const;

    QByteArray m_instanceJson; // the instance id as a JSON string literal
    std::shared_ptr<std::atomic_bool> m_cancelled;
    WorkerPool m_pool;
};

} // namespace edgedesk
