#pragma once

#include "middleware/securitypolicy.h"
#include "routing/route.h"
#include "transport/requestsink.h"

#include <QObject>

#include <memory>
#include <vector>

namespace edgedesk {

class TrafficLog;
class TrafficObserver;
class TrafficRecorder;

// The one route table and the one middleware chain every request goes through, in this order:
// route lookup (once, as soon as the transport has the head) → request id → Host allow-list →
// cross-site check → access token (then removed from the request) → the route's handler →
// security headers (HttpExchange) → traffic record (TrafficObserver).
class Router final : public QObject, public RequestSink
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

    // RequestSink: the transport's entry points.
    void lookUp(RequestHead &head) const override;
    void handle(ResponseSink *connection, RequestHead &&head, RequestBody &&body,
                const QHostAddress &peer) override;

    // Runs the route that claims the exchange or else the one its lookup found, or answers
    // 404 / 405 / OPTIONS without one.
    void dispatch(const ExchangePtr &exchange);
    // What exchanges report to once answered (expires with the router).
    std::weak_ptr<TrafficObserver> trafficObserver() const;

private:
    const RouteEntry *match(QByteArrayView rawPath, const QByteArray &method,
                            QByteArrayList *allowed) const;
    // Hands the exchange to a route that claims it, unless its lookup found the fallback.
    void claim(HttpExchange &exchange) const;
    void run(const ExchangePtr &exchange);

    std::shared_ptr<TrafficRecorder> m_recorder;
    SecurityPolicy m_policy;
    std::vector<std::unique_ptr<RouteEntry>> m_routes;
    // Routes by their first path segment, in table order, when every non-fallback route starts
    // with a literal one (matching then skips the rest of the table); else empty.
    QHash<QByteArray, std::vector<const RouteEntry *>> m_byFirstSegment;
    std::vector<const RouteEntry *> m_fallbacks;
    std::vector<const RouteEntry *> m_claimants; // routes with a `claims` test
    bool m_indexed = true;
    quint64 m_nextId = 1;
};

} // namespace edgedesk
