#pragma once

#include "routing/httpexchange.h"
#include "routing/routepattern.h"

#include <QByteArrayList>
#include <QString>

#include <functional>

namespace edgedesk {

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
    // wrong method on a real route still gets 405 and not the fallback's 404. Being the site's
    // own files, it is also the one route other sites may load (no cross-site check).
    bool fallback = false;
    // Asked, when set, before a request goes to another route that matches its path: a route
    // that claims the request serves it instead. A project's static assets run ahead of its
    // Worker's routes this way, as on the platform (assets.run_worker_first).
    std::function<bool(const HttpExchange &)> claims = nullptr;

    bool allows(const QByteArray &method) const;
};

// A route as the table holds it: with its pattern compiled. What a request's lookup finds.
struct RouteEntry
{
    explicit RouteEntry(Route r) : route(std::move(r)), pattern(route.pattern) {}
    Route route;
    RoutePattern pattern;
};

} // namespace edgedesk
