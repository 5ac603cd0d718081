#include "control/controlapi.h"

#include "edgedesk/version.h"
#include "logging/loghub.h"
#include "routing/router.h"
#include "traffic/trafficlog.h"
#include "transport/transportserver.h"
#include "util/jsonwriter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>

namespace edgedesk {

namespace {

int intParam(const ExchangePtr &ex, const QString &name, int fallback, int min, int max, bool *ok)
{
    *ok = true;
    if (!ex->hasQueryItem(name))
        return fallback;
    const int v = ex->queryItem(name).toInt(ok);
    if (!*ok || v < min || v > max) {
        *ok = false;
        ex->respond(HttpResponse::error(
            QStringLiteral("bad_request"),
            QStringLiteral("%1 must be an integer %2..%3").arg(name).arg(min).arg(max)));
    }
    return v;
}

} // namespace

ControlApi::ControlApi(const ServerContext &context, const LogHub &logs, ConfigSections sections)
    : m_context(context), m_logs(logs), m_sections(std::move(sections))
{}

void ControlApi::addRoutes(Router &router)
{
    const QByteArray base = "/__edgedesk/v1";

    router.add(Route{QStringLiteral("control.health"),
                     QString(),
                     base + "/health",
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) {
                         // Polled by the UI and by scripts; written directly, keys in sorted order
                         // as a QJsonObject would print them.
                         static const qint64 pid = QCoreApplication::applicationPid();
                         const qint64 now = QDateTime::currentMSecsSinceEpoch();
                         JsonWriter json;
                         json.beginObject()
                             .member("connections", m_context.transport
                                                        ? m_context.transport->connectionCount()
                                                        : 0)
                             .member("data_dir", QStringView(m_context.dataDir))
                             .member("pid", double(pid))
                             .member("port", m_context.port)
                             .member("requests_total", double(m_context.traffic->total()))
                             .member("service", QLatin1StringView("edgedesk"))
                             .member("status", QLatin1StringView("ok"))
                             .member("uptime_s", double(now - m_context.startedAtMs) / 1000.0)
                             .member("version", QLatin1StringView(EDGEDESK_VERSION))
                             .endObject();
                         ex->respond(HttpResponse::bytes(200, "application/json", json.take()));
                     }});

    router.add(Route{
        QStringLiteral("control.config"),
        QString(),
        base + "/config",
        {"GET"},
        0,
        [this, &router](const ExchangePtr &ex) {
            QJsonObject body = m_context.config.toJson();
            QJsonArray routes;
            for (const auto &r : router.routes()) {
                QJsonArray methods;
                for (const QByteArray &m : r.methods)
                    methods.append(QString::fromLatin1(m));
                routes.append(
                    QJsonObject{{QStringLiteral("name"), r.name},
                                {QStringLiteral("binding"), r.binding},
                                {QStringLiteral("pattern"), QString::fromLatin1(r.pattern)},
                                {QStringLiteral("methods"), methods}});
            }
            body.insert(QStringLiteral("routes"), routes);
            body.insert(QStringLiteral("ai"), m_context.config.ai);
            // Live sections owned by bindings (e.g. "ai": the provider the Ollama probe found).
            for (const ConfigSection &section : m_sections())
                body.insert(section.name, section.body);
            body.insert(
                QStringLiteral("server"),
                QJsonObject{{QStringLiteral("bind"), m_context.options.bindAddress.toString()},
                            {QStringLiteral("port"), m_context.port},
                            {QStringLiteral("token_required"), !m_context.options.token.isEmpty()},
                            {QStringLiteral("data_dir"), m_context.dataDir}});
            ex->respond(HttpResponse::json(200, body));
        }});

    router.add(Route{
        QStringLiteral("control.traffic"),
        QString(),
        base + "/traffic",
        {"GET"},
        0,
        [this](const ExchangePtr &ex) {
            bool ok = false;
            const int limit = intParam(ex, QStringLiteral("limit"), 100, 1, 10000, &ok);
            if (!ok)
                return;
            QJsonArray records;
            for (const TrafficRecord &r : m_context.traffic->recent(limit))
                records.append(TrafficLog::toJson(r));
            ex->respond(HttpResponse::json(
                200, QJsonObject{{QStringLiteral("records"), records},
                                 {QStringLiteral("total"), double(m_context.traffic->total())},
                                 {QStringLiteral("routes"), m_context.traffic->routeStats()}}));
        }});

    router.add(Route{QStringLiteral("control.metrics"),
                     QString(),
                     base + "/metrics",
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) {
                         ex->respond(HttpResponse::bytes(
                             200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                             m_context.traffic->prometheus()));
                     }});

    router.add(Route{QStringLiteral("control.logs"),
                     QString(),
                     base + "/logs",
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) {
                         bool ok = false;
                         const int tail = intParam(ex, QStringLiteral("tail"), 200, 1, 5000, &ok);
                         if (!ok)
                             return;
                         const QString source = ex->queryItem(QStringLiteral("source"));
                         QJsonArray lines;
                         for (const LogEntry &e : m_logs.tail(tail, source))
                             lines.append(LogHub::toJson(e));
                         ex->respond(HttpResponse::json(
                             200, QJsonObject{{QStringLiteral("lines"), lines},
                                              {QStringLiteral("sources"),
                                               QJsonArray::fromStringList(m_logs.sources())}}));
                     }});
}

} // namespace edgedesk
