#pragma once

#include "routing/httpexchange.h"
#include "middleware/securitypolicy.h"

#include <QObject>

#include <functional>
#include <memory>
#include <vector>

class QHttpServerRequest;
class QHttpServerResponder;

namespace edgedesk {

class TrafficLog;

using Handler = std::function<void(const ExchangePtr &)>;

// One entry of the route table. Patterns are paths whose segments are literals, `{name}` (one
// segment) or a final `{*name}` (the rest of the path, possibly empty, slashes included);
// captured values are percent-decoded.
struct Route
{
    QString name;           // for traffic and metrics, e.g. "kv" or "control.kv.key"
    QString binding;        // the binding it serves, e.g. "MY_KV" (empty for built-ins)
    QByteArray pattern;     // e.g. "/__edgedesk/v1/kv/{binding}/keys/{*key}"
    QByteArrayList methods; // empty: any method; GET implies HEAD
    qint64 bodyLimit = 0;   // 0: the transport default (1 MiB)
    Handler handler;
    // A fallback (the static assets) runs only when no other route matches the path, so that a
    // wrong method on a real route still gets 405 and not the fallback's 404.
    bool fallback = false;
    // Asked, when set, before a request goes to another route that matches its path: a route
    // that claims the request serves it instead. A project's static assets run ahead of its
    // Worker's routes this way, as on the platform (assets.run_worker_first).
    std::function<bool(const HttpExchange &)> claims = nullptr;

    bool allows(const QByteArray &method) const;
};

// The one route table and the one middleware chain every request goes through, in this order:
// request id → Host allow-list → cross-site check → access token → dispatch → security headers
// (HttpExchange) → traffic record.
class Router final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Router)

public:
    explicit Router(TrafficLog *traffic, QObject *parent = nullptr);
    ~Router() override;

    void setPolicy(SecurityPolicy policy) { m_policy = std::move(policy); }
    const SecurityPolicy &policy() const { return m_policy; }

    void add(Route route);
    struct RouteInfo
    {
        QString name;
        QString binding;
        QByteArray pattern;
        QByteArrayList methods;
    };
    QList<RouteInfo> routes() const;

    // For the transport guard: the body limit of the route a request goes to.
    qint64 bodyLimit(const QByteArray &method, const QByteArray &rawPath) const;
    void setDefaultBodyLimit(qint64 limit) { m_defaultBodyLimit = limit; }

    // Entry point from QHttpServer (its missing handler: every request comes here).
    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    // Matches and runs a route for an exchange that passed the middleware.
    void dispatch(const ExchangePtr &exchange);

    void recordTraffic(const HttpExchange &exchange, int status, qint64 bytesOut);

    // The parameters `route` captures from `rawPath` (percent-decoded). HttpExchange::param()
    // asks for them when a handler first wants one: most requests never do.
    QHash<QString, QString> captureParams(const Route *route, const QByteArray &rawPath) const;

private:
    struct CompiledRoute;
    const CompiledRoute *match(const QByteArray &rawPath, const QByteArray &method,
                               QByteArrayList *allowed) const;
    const CompiledRoute *matchUncached(const QByteArray &rawPath, const QByteArray &method,
                                       QByteArrayList *allowed) const;
    void run(const ExchangePtr &exchange, const Route &route);

    TrafficLog *m_traffic;
    SecurityPolicy m_policy;
    std::vector<std::unique_ptr<CompiledRoute>> m_routes;
    QHash<const Route *, const CompiledRoute *> m_compiled; // for captureParams()
    // Routes by their first path segment, in table order, when every non-fallback route starts
    // with a literal one (matching then skips the rest of the table); else empty.
    QHash<QByteArray, std::vector<const CompiledRoute *>> m_byFirstSegment;
    std::vector<const CompiledRoute *> m_fallbacks;
    std::vector<const CompiledRoute *> m_claimants; // routes with a `claims` test
    bool m_indexed = true;
    // The last successful match: the transport guard asks for a request's body limit right
    // before the same request is dispatched, so each request is matched once.
    mutable QByteArray m_lastPath;
    mutable QByteArray m_lastMethod;
    mutable const CompiledRoute *m_lastMatch = nullptr;
    qint64 m_defaultBodyLimit = 1024 * 1024;
    quint64 m_nextId = 1;
};

} // namespace edgedesk
