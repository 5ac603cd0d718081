#include "routing/router.h"

#include "transport/httpconnection.h"
#include "traffic/trafficlog.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QUrl>

namespace edgedesk {

Q_LOGGING_CATEGORY(lcHttp, "edgedesk.http")

namespace {

// The common methods as shared strings: a traffic record per request need not allocate them.
QString methodText(const QByteArray &method)
{
    static const QString common[] = {QStringLiteral("GET"),    QStringLiteral("POST"),
                                     QStringLiteral("PUT"),    QStringLiteral("DELETE"),
                                     QStringLiteral("HEAD"),   QStringLiteral("PATCH"),
                                     QStringLiteral("OPTIONS")};
    for (const QString &m : common) {
        if (method.size() == m.size() && QLatin1StringView(method) == m)
            return m;
    }
    return QString::fromLatin1(method);
}

} // namespace

bool Route::allows(const QByteArray &method) const
{
    if (methods.isEmpty())
        return true;
    if (methods.contains(method))
        return true;
    return method == "HEAD" && methods.contains("GET");
}

struct Router::CompiledRoute
{
    Route route;
    struct Segment
    {
        enum Kind
        {
            Literal,
            Param,
            Rest
        } kind;
        QByteArray text; // literal text or parameter name
    };
    std::vector<Segment> segments;

    explicit CompiledRoute(Route r) : route(std::move(r))
    {
        const QList<QByteArray> parts = route.pattern.split('/');
        for (qsizetype i = 1; i < parts.size(); ++i) { // parts[0] is empty: patterns start with '/'
            const QByteArray &p = parts[i];
            if (p.startsWith("{*") && p.endsWith('}'))
                segments.push_back({Segment::Rest, p.mid(2, p.size() - 3)});
            else if (p.startsWith('{') && p.endsWith('}'))
                segments.push_back({Segment::Param, p.mid(1, p.size() - 2)});
            else
                segments.push_back({Segment::Literal, p});
        }
    }

    // Walks the raw path without allocating unless a parameter is captured.
    bool matches(const QByteArray &path, QHash<QString, QString> *params) const
    {
        if (path.isEmpty() || path[0] != '/')
            return false;
        qsizetype pos = 1;
        const qsizetype n = path.size();
        for (size_t s = 0; s < segments.size(); ++s) {
            const Segment &seg = segments[s];
            if (seg.kind == Segment::Rest) {
                if (params)
                    params->insert(QString::fromLatin1(seg.text),
                                   QUrl::fromPercentEncoding(path.mid(pos)));
                return true;
            }
            if (pos > n)
                return false;
            qsizetype next = path.indexOf('/', pos);
            if (next < 0)
                next = n;
            const qsizetype len = next - pos;
            if (seg.kind == Segment::Literal) {
                if (len != seg.text.size() ||
                    memcmp(path.constData() + pos, seg.text.constData(), len) != 0)
                    return false;
            } else {
                if (len == 0)
                    return false;
                if (params)
                    params->insert(QString::fromLatin1(seg.text),
                                   QUrl::fromPercentEncoding(path.mid(pos, len)));
            }
            pos = next + 1;
        }
        return pos > n; // the whole path was consumed, no trailing segment left
    }
};

Router::Router(TrafficLog *traffic, QObject *parent) : QObject(parent), m_traffic(traffic) {}

Router::~Router() = default;

void Router::add(Route route)
{
    m_routes.push_back(std::make_unique<CompiledRoute>(std::move(route)));
    m_lastMatch = nullptr; // an earlier route may now win
    const CompiledRoute *r = m_routes.back().get();
    m_compiled.insert(&r->route, r);
    if (r->route.claims)
        m_claimants.push_back(r);
    if (r->route.fallback)
        m_fallbacks.push_back(r);
    else if (!r->segments.empty() && r->segments.front().kind == CompiledRoute::Segment::Literal)
        m_byFirstSegment[r->segments.front().text].push_back(r);
    else if (r->segments.empty())
        m_byFirstSegment[QByteArray()].push_back(r); // "/"
    else
        m_indexed = false; // a route starting with a parameter: match the whole table
}

QHash<QString, QString> Router::captureParams(const Route *route, const QByteArray &rawPath) const
{
    QHash<QString, QString> params;
    if (const CompiledRoute *compiled = m_compiled.value(route))
        compiled->matches(rawPath, &params);
    return params;
}

QList<Router::RouteInfo> Router::routes() const
{
    QList<RouteInfo> out;
    for (const auto &r : m_routes)
        out.append({r->route.name, r->route.binding, r->route.pattern, r->route.methods});
    return out;
}

const Router::CompiledRoute *Router::match(const QByteArray &rawPath, const QByteArray &method,
                                           QByteArrayList *allowed) const
{
    if (m_lastMatch && rawPath == m_lastPath && method == m_lastMethod)
        return m_lastMatch;
    const CompiledRoute *found = matchUncached(rawPath, method, allowed);
    // A fallback is not remembered: asked without `allowed` (the guard), a wrong method on a
    // real route falls through to it, where dispatch must answer 405.
    if (found && !found->route.fallback) {
        m_lastPath = rawPath;
        m_lastMethod = method;
        m_lastMatch = found;
    }
    return found;
}

const Router::CompiledRoute *Router::matchUncached(const QByteArray &rawPath,
                                                   const QByteArray &method,
                                                   QByteArrayList *allowed) const
{
    auto tryRoute = [&](const CompiledRoute *r) {
        if (!r->matches(rawPath, nullptr))
            return false;
        if (r->route.allows(method))
            return true;
        if (allowed) {
            for (const QByteArray &m : r->route.methods) {
                if (!allowed->contains(m))
                    allowed->append(m);
            }
        }
        return false;
    };
    if (m_indexed) {
        // Only the routes whose first segment is the path's can match.
        const qsizetype slash = rawPath.indexOf('/', 1);
        const QByteArray first =
            rawPath.size() > 1 ? rawPath.mid(1, (slash < 0 ? rawPath.size() : slash) - 1)
                               : QByteArray();
        const auto bucket = m_byFirstSegment.constFind(first);
        if (bucket != m_byFirstSegment.cend()) {
            for (const CompiledRoute *r : *bucket) {
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
    if (allowed && !allowed->isEmpty())
        return nullptr;
    for (const CompiledRoute *r : m_fallbacks) {
        if (r->matches(rawPath, nullptr))
            return r;
    }
    return nullptr;
}

qint64 Router::bodyLimit(const QByteArray &method, const QByteArray &rawPath) const
{
    const CompiledRoute *r = match(rawPath, method, nullptr);
    return r && r->route.bodyLimit > 0 ? r->route.bodyLimit : m_defaultBodyLimit;
}

void Router::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    QTcpSocket *socket = responder.socket();
    HttpConnection *connection = HttpConnection::of(socket);
    RequestHead head = connection ? connection->takeHead() : RequestHead{};
    if (head.method.isEmpty()) {
        // Not seen by our guard (cannot happen with TransportServer); rebuild from Qt's parse.
        head.target = request.url().path(QUrl::FullyEncoded).toLatin1();
        if (!request.url().query().isEmpty())
            head.target += '?' + request.url().query(QUrl::FullyEncoded).toLatin1();
        head.method = "GET";
    }
    auto exchange =
        std::make_shared<HttpExchange>(this, connection, std::move(head), request.headers(),
                                       request.body(), request.remoteAddress(), m_nextId++);
    if (auto denied = m_policy.check(*exchange)) {
        HttpResponse response = HttpResponse::error(*denied);
        if (response.status == 401)
            response.header("WWW-Authenticate", "Bearer realm=\"edgedesk\"");
        exchange->respond(std::move(response));
        return;
    }
    dispatch(exchange);
}

void Router::dispatch(const ExchangePtr &exchange)
{
    QByteArrayList allowed;
    const CompiledRoute *r = match(exchange->rawPath(), exchange->method(), &allowed);
    if (!r || !r->route.fallback) {
        for (const CompiledRoute *claimant : m_claimants) {
            if (claimant->route.claims(*exchange)) {
                run(exchange, claimant->route);
                return;
            }
        }
    }
    if (!r) {
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
    run(exchange, r->route);
}

void Router::run(const ExchangePtr &exchange, const Route &route)
{
    exchange->setRoute(&route);
    try {
        route.handler(exchange);
    } catch (const std::exception &e) {
        qCCritical(lcHttp) << "route" << route.name << "threw:" << e.what();
        exchange->respond(
            HttpResponse::error(QStringLiteral("internal_error"),
                                QStringLiteral("internal error in route %1").arg(route.name)));
    }
}

void Router::recordTraffic(const HttpExchange &exchange, int status, qint64 bytesOut)
{
    if (!m_traffic)
        return;
    TrafficRecord record;
    record.id = exchange.id();
    record.timeMs = QDateTime::currentMSecsSinceEpoch();
    record.method = methodText(exchange.method());
    record.path = QString::fromUtf8(exchange.rawPath());
    if (!exchange.rawQuery().isEmpty())
        record.path += QLatin1Char('?') + QString::fromUtf8(exchange.rawQuery());
    if (const Route *route = exchange.route()) {
        record.route = route->name;
        record.binding = route->binding;
    } else {
        record.route = status == 404 ? QStringLiteral("unmatched") : QStringLiteral("refused");
    }
    record.status = status;
    record.durationUs = exchange.elapsedUs();
    record.bytesIn = exchange.body().size();
    record.bytesOut = bytesOut;
    record.instance = exchange.instance();
    record.peer = exchange.peerText();
    m_traffic->record(std::move(record));
}

} // namespace edgedesk
