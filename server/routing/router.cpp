#include "routing/router.h"

#include "routing/trafficrecorder.h"
#include "transport/requesthead.h"

#include <QLoggingCategory>

namespace edgedesk {

Q_LOGGING_CATEGORY(lcHttp, "edgedesk.http")

Router::Router(TrafficLog *traffic, QObject *parent)
    : QObject(parent), m_recorder(std::make_shared<TrafficRecorder>(traffic))
{}

Router::~Router() = default;

void Router::add(Route route)
{
    m_routes.push_back(std::make_unique<RouteEntry>(std::move(route)));
    const RouteEntry *r = m_routes.back().get();
    if (r->route.claims)
        m_claimants.push_back(r);
    if (r->route.fallback)
        m_fallbacks.push_back(r);
    else if (const std::optional<QByteArray> first = r->pattern.literalFirstSegment())
        m_byFirstSegment[*first].push_back(r);
    else
        m_indexed = false; // a route starting with a parameter: match the whole table
}

QList<Router::RouteInfo> Router::routes() const
{
    QList<RouteInfo> out;
    for (const auto &r : m_routes)
        out.append({r->route.name, r->route.binding, r->route.pattern, r->route.methods});
    return out;
}

std::weak_ptr<TrafficObserver> Router::trafficObserver() const
{
    return m_recorder;
}

const RouteEntry *Router::match(QByteArrayView rawPath, const QByteArray &method,
                                QByteArrayList *allowed) const
{
    auto tryRoute = [&](const RouteEntry *r) {
        if (!r->pattern.matches(rawPath))
            return false;
        if (r->route.allows(method))
            return true;
        for (const QByteArray &m : r->route.methods) {
            if (!allowed->contains(m))
                allowed->append(m);
        }
        return false;
    };
    if (m_indexed) {
        // Only the routes whose first segment is the path's can match.
        const qsizetype slash = rawPath.indexOf('/', 1);
        const QByteArrayView first =
            rawPath.size() > 1 ? rawPath.sliced(1, (slash < 0 ? rawPath.size() : slash) - 1)
                               : QByteArrayView();
        const auto bucket =
            m_byFirstSegment.constFind(QByteArray::fromRawData(first.data(), first.size()));
        if (bucket != m_byFirstSegment.cend()) {
            for (const RouteEntry *r : *bucket) {
                if (tryRoute(r))
                    return r;
            }
        }
    } else {
        for (const auto &r : m_routes) {
            if (!r->route.fallback && tryRoute(r.get()))
                return r.get();
        }
    }
    if (!allowed->isEmpty())
        return nullptr; // a wrong method on a real route: 405, not the fallback
    for (const RouteEntry *r : m_fallbacks) {
        if (r->pattern.matches(rawPath))
            return r;
    }
    return nullptr;
}

void Router::lookUp(RequestHead &head) const
{
    head.allowedMethods.clear();
    head.route = match(head.path(), head.method, &head.allowedMethods);
    head.bodyLimit = head.route ? head.route->route.bodyLimit : 0;
}

void Router::handle(ResponseSink *connection, RequestHead &&head, RequestBody &&body,
                    const QHostAddress &peer)
{
    // EdgeDesk's own credential stops here: no route forwards it to an instance, a service or
    // a remote URL. The check below still sees what the client sent.
    const QByteArray authorization =
        m_policy.tokenRequired() ? joinedHeader(head.headers, "authorization") : QByteArray();
    m_policy.removeCredential(head.headers);
    auto exchange = std::make_shared<HttpExchange>(connection, m_recorder, std::move(head),
                                                   std::move(body), peer, m_nextId++);
    claim(*exchange);
    if (const std::optional<Error> denied = m_policy.check(*exchange, authorization)) {
        exchange->setRoute(nullptr); // refused before any route ran
        HttpResponse response = HttpResponse::error(*denied);
        if (response.status == 401)
            response.header("WWW-Authenticate", "Bearer realm=\"edgedesk\"");
        exchange->respond(std::move(response));
        return;
    }
    run(exchange);
}

void Router::claim(HttpExchange &exchange) const
{
    const RouteEntry *found = exchange.routeEntry();
    if (found && found->route.fallback)
        return;
    for (const RouteEntry *claimant : m_claimants) {
        if (claimant->route.claims(exchange)) {
            exchange.setRoute(claimant);
            return;
        }
    }
}

void Router::dispatch(const ExchangePtr &exchange)
{
    claim(*exchange);
    run(exchange);
}

void Router::run(const ExchangePtr &exchange)
{
    const Route *route = exchange->route();
    if (!route) {
        QByteArrayList allowed = exchange->allowedMethods();
        if (!allowed.isEmpty()) {
            if (allowed.contains("GET") && !allowed.contains("HEAD"))
                allowed.append("HEAD");
            if (exchange->method() == "OPTIONS") {
                HttpResponse ok;
                ok.status = 204;
                ok.header("Allow", (allowed + QByteArrayList{"OPTIONS"}).join(", "));
                exchange->respond(std::move(ok));
                return;
            }
            exchange->respond(HttpResponse::methodNotAllowed(allowed));
        } else {
            exchange->respond(
                HttpResponse::error(QStringLiteral("not_found"),
                                    QStringLiteral("no route for %1")
                                        .arg(QString::fromLatin1(exchange->rawPath()).left(300))));
        }
        return;
    }
    try {
        route->handler(exchange);
    } catch (const std::exception &e) {
        qCCritical(lcHttp) << "route" << route->name << "threw:" << e.what();
        exchange->respond(
            HttpResponse::error(QStringLiteral("internal_error"),
                                QStringLiteral("internal error in route %1").arg(route->name)));
    }
}

} // namespace edgedesk
