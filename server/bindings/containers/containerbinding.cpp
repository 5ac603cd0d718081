#include "bindings/containers/containerbinding.h"

#include "containers/classqueue.h"
#include "containers/containerclass.h"
#include "containers/containerinstance.h"
#include "containers/containerlog.h"
#include "containers/containermanager.h"
#include "logging/loghub.h"
#include "routing/router.h"
#include "storage/durable/durablestore.h"
#include "upstream/httpforwarder.h"
#include "util/workerpool.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

namespace edgedesk {

namespace {

const QByteArray kControlBase = "/__edgedesk/v1/containers";
constexpr int kSsePingMs = 15000;

HttpResponse instanceError(const Error &error, const QString &instance)
{
    QJsonObject body{{QStringLiteral("code"), error.code},
                     {QStringLiteral("message"), error.message},
                     {QStringLiteral("instance"), instance}};
    HttpResponse response = HttpResponse::json(HttpStatusTable::statusFor(error.code),
                                               QJsonObject{{QStringLiteral("error"), body}});
    response.header("X-EdgeDesk-Instance", instance.toUtf8());
    return response;
}

QByteArray sseEvent(const LogEntry &entry)
{
    return "id: " + QByteArray::number(entry.seq) +
           "\ndata: " + QJsonDocument(LogHub::toJson(entry)).toJson(QJsonDocument::Compact) +
           "\n\n";
}

// Server-Timing of the time a request waited for its turn, in milliseconds.
QByteArray queueTiming(qint64 waitedUs)
{
    return "queue;dur=" + QByteArray::number(double(waitedUs) / 1000.0, 'f', 3);
}

bool isRunClass(const ContainerClassConfig &c)
{
    return c.binding == QLatin1String("LINUX_COMMAND") ||
           c.image == QLatin1String("command-runner");
}

} // namespace

ContainerBinding::ContainerBinding(const ServerContext &context, const StoreSet &stores,
                                   LogHub &logs)
    : m_context(context), m_logs(logs),
      m_manager(std::make_unique<ContainerManager>(context, stores, logs))
{}

ContainerBinding::~ContainerBinding() = default;

void ContainerBinding::shutdown()
{
    m_manager->shutdown();
}

void ContainerBinding::addRoutes(Router &router)
{
    // The demo's Worker: /api/* → env.BACKEND, /run → env.LINUX_COMMAND. A configuration with
    // other binding names gets the command-runner class at /run and the first other at /api/*.
    ContainerClass *runClass = nullptr;
    ContainerClass *apiClass = nullptr;
    for (const auto &c : m_manager->classes()) {
        if (!runClass && c->binding() == QLatin1String("LINUX_COMMAND"))
            runClass = c.get();
        if (!apiClass && c->binding() == QLatin1String("BACKEND"))
            apiClass = c.get();
    }
    for (const auto &c : m_manager->classes()) {
        if (!runClass && isRunClass(c->config()) && c.get() != apiClass)
            runClass = c.get();
    }
    for (const auto &c : m_manager->classes()) {
        if (!apiClass && c.get() != runClass && !isRunClass(c->config()))
            apiClass = c.get();
    }
    if (apiClass)
        addProxyRoute(router, apiClass, "/api/{*path}", QStringLiteral("api"), kApiTimeoutMs,
                      false);
    if (runClass)
        addProxyRoute(router, runClass, "/run", QStringLiteral("run"), kRunTimeoutMs, true);
    for (const auto &c : m_manager->classes()) {
        if (c.get() != apiClass && c.get() != runClass)
            qCInfo(lcContainers).noquote()
                << "container class" << c->name() << "has no route; it is reachable through"
                << kControlBase << "only";
    }

    router.add(Route{QStringLiteral("control.containers"),
                     QString(),
                     kControlBase,
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) {
                         HttpResponse response = HttpResponse::json(200, m_manager->toJson());
                         response.header("Cache-Control", "no-store");
                         ex->respond(std::move(response));
                     }});
    router.add(Route{QStringLiteral("control.containers.class"),
                     QString(),
                     kControlBase + "/{class}",
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) {
                         const QString name = ex->param(QStringLiteral("class"));
                         ContainerClass *c = m_manager->findClass(name);
                         if (!c) {
                             ex->respond(HttpResponse::error(
                                 QStringLiteral("not_found"),
                                 QStringLiteral("no container class %1").arg(name.left(100))));
                             return;
                         }
                         ex->respond(HttpResponse::json(200, c->toJson()));
                     }});
    router.add(Route{QStringLiteral("control.containers.instance"),
                     QString(),
                     kControlBase + "/{class}/{instance}",
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) {
                         if (ContainerInstance *i = findInstance(ex))
                             ex->respond(HttpResponse::json(200, i->toJson()));
                     }});
    router.add(Route{QStringLiteral("control.containers.logs"),
                     QString(),
                     kControlBase + "/{class}/{instance}/logs",
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) { logsTail(ex); }});
    router.add(Route{QStringLiteral("control.containers.logs.stream"),
                     QString(),
                     kControlBase + "/{class}/{instance}/logs/stream",
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) { logsStream(ex); }});
    router.add(Route{QStringLiteral("control.containers.action"),
                     QString(),
                     kControlBase + "/{class}/{instance}/{action}",
                     {"POST"},
                     0,
                     [this](const ExchangePtr &ex) { control(ex); }});
}

void ContainerBinding::addProxyRoute(Router &router, ContainerClass *containerClass,
                                     const QByteArray &pattern, const QString &routeName,
                                     int defaultTimeoutMs, bool recordsTimestamp)
{
    const int timeoutMs = containerClass->proxyTimeoutMs(defaultTimeoutMs);
    Route route;
    route.name = routeName;
    route.binding = containerClass->binding();
    route.pattern = pattern;
    route.handler = [this, containerClass, timeoutMs, recordsTimestamp](const ExchangePtr &ex) {
        // Commands take a slot of an instance; the health answer (GET) takes none.
        if (ClassQueue *queue = containerClass->queue(); queue && !ex->isGetOrHead()) {
            queueAndServe(ex, queue, timeoutMs, recordsTimestamp);
            return;
        }
        ContainerInstance *instance = containerClass->pickRandom();
        if (recordsTimestamp)
            recordAndServe(ex, instance, Forwarding{timeoutMs, {}, {}});
        else
            serve(ex, instance, Forwarding{timeoutMs, {}, {}});
    };
    router.add(std::move(route));
}

void ContainerBinding::queueAndServe(const ExchangePtr &ex, ClassQueue *queue, int timeoutMs,
                                     bool recordsTimestamp)
{
    std::weak_ptr<HttpExchange> weak = ex;
    queue->submit(
        [this, ex, queue, timeoutMs, recordsTimestamp](const ClassQueue::Admission &admission) {
            const QByteArray timing = queueTiming(admission.waitedUs);
            if (!admission.instance) {
                HttpResponse refused = HttpResponse::error(admission.error);
                refused.header("Retry-After", QByteArray::number(admission.retryAfterSeconds));
                refused.header("Server-Timing", timing);
                ex->respond(std::move(refused));
                return;
            }
            QPointer<ContainerInstance> slot(admission.instance);
            Forwarding forwarding{timeoutMs, {{"Server-Timing", timing}}, [queue, slot] {
                                      if (slot)
                                          queue->release(slot);
                                  }};
            if (recordsTimestamp)
                recordAndServe(ex, admission.instance, std::move(forwarding));
            else
                serve(ex, admission.instance, std::move(forwarding));
        },
        [weak] {
            const ExchangePtr waiting = weak.lock();
            return waiting && waiting->isClientConnected();
        });
}

void ContainerBinding::fail(const ExchangePtr &ex, HttpResponse response,
                             const Forwarding &forwarding)
{
    for (const auto &h : forwarding.extraHeaders)
        response.header(h.first, h.second);
    ex->respond(std::move(response));
    if (forwarding.done)
        forwarding.done();
}

void ContainerBinding::recordAndServe(const ExchangePtr &ex, ContainerInstance *instance,
                                      Forwarding forwarding)
{
    // The demo's container class stores the time of every request in its durable storage
    // before it forwards the request.
    std::shared_ptr<DurableStore> store = instance->storage();
    if (!store) {
        fail(ex,
             instanceError(makeError(QStringLiteral("storage_error"), instance->storageError()),
                           instance->id()),
             forwarding);
        return;
    }
    const double now = double(QDateTime::currentMSecsSinceEpoch());
    QPointer<ContainerInstance> guard(instance);
    m_context.pool->run(
        m_context.serverThread,
        [store, now] { return store->put(QStringLiteral("lastRequestTimestamp"), now); },
        [this, ex, guard, forwarding = std::move(forwarding)](const Status &stored) mutable {
            if (!guard) {
                if (forwarding.done)
                    forwarding.done();
                return;
            }
            if (!stored) {
                fail(ex, instanceError(stored.error(), guard->id()), forwarding);
                return;
            }
            serve(ex, guard, std::move(forwarding));
        });
}

void ContainerBinding::serve(const ExchangePtr &ex, ContainerInstance *instance,
                             Forwarding forwarding)
{
    ex->setInstance(instance->id());
    instance->requestStarted();
    QPointer<ContainerInstance> guard(instance);
    HttpForwarder *forwarder = m_manager->forwarder();
    instance->whenReady([ex, guard, forwarder, forwarding = std::move(forwarding)](
                            const Status &ready) mutable {
        if (!guard) {
            if (forwarding.done)
                forwarding.done();
            return;
        }
        if (!ready) {
            guard->requestFinished();
            fail(ex, instanceError(ready.error(), guard->id()), forwarding);
            return;
        }
        QByteArray target = ex->rawPath();
        if (!ex->rawQuery().isEmpty())
            target += '?' + ex->rawQuery();
        HttpForwarder::Options options;
        options.timeoutMs = forwarding.timeoutMs;
        options.upstreamName = guard->id();
        options.unixSocket = guard->unixSocket();
        options.extraHeaders = std::move(forwarding.extraHeaders);
        forwarder->forward(ex, guard->host(), guard->port(), target, options,
                           [guard, done = std::move(forwarding.done)](int) {
                               if (guard)
                                   guard->requestFinished();
                               if (done)
                                   done();
                           });
    });
}

ContainerInstance *ContainerBinding::findInstance(const ExchangePtr &ex) const
{
    const QString className = ex->param(QStringLiteral("class"));
    ContainerClass *c = m_manager->findClass(className);
    if (!c) {
        ex->respond(HttpResponse::error(
            QStringLiteral("not_found"),
            QStringLiteral("no container class %1 (use a class_name or a binding)")
                .arg(className.left(100))));
        return nullptr;
    }
    const QString id = ex->param(QStringLiteral("instance"));
    ContainerInstance *i = c->instance(id);
    if (!i)
        ex->respond(HttpResponse::error(
            QStringLiteral("not_found"),
            QStringLiteral("%1 has no %2; its instances are instance-0 .. instance-%3")
                .arg(c->name(), id.left(100))
                .arg(c->instances().size() - 1)));
    return i;
}

void ContainerBinding::control(const ExchangePtr &ex)
{
    const QString action = ex->param(QStringLiteral("action"));
    if (action != QLatin1String("start") && action != QLatin1String("stop") &&
        action != QLatin1String("restart")) {
        ex->respond(HttpResponse::error(
            QStringLiteral("not_found"),
            QStringLiteral("unknown action %1; use start, stop or restart").arg(action.left(50))));
        return;
    }
    ContainerInstance *instance = findInstance(ex);
    if (!instance)
        return;
    QPointer<ContainerInstance> guard(instance);
    auto answer = [ex, guard](const Status &status) {
        if (!guard)
            return;
        if (!status) {
            ex->respond(instanceError(status.error(), guard->id()));
            return;
        }
        ex->respond(
            HttpResponse::json(200, QJsonObject{{QStringLiteral("instance"), guard->toJson()}}));
    };
    if (action == QLatin1String("start"))
        instance->whenReady(answer);
    else if (action == QLatin1String("restart"))
        instance->restart(answer);
    else
        instance->stop(QStringLiteral("stopped through the control API"),
                       [answer] { answer(Ok{}); });
}

void ContainerBinding::logsTail(const ExchangePtr &ex)
{
    ContainerInstance *instance = findInstance(ex);
    if (!instance)
        return;
    int tail = 200;
    if (ex->hasQueryItem(QStringLiteral("tail"))) {
        bool ok = false;
        tail = ex->queryItem(QStringLiteral("tail")).toInt(&ok);
        if (!ok || tail < 1 || tail > 5000) {
            ex->respond(HttpResponse::error(QStringLiteral("bad_request"),
                                            QStringLiteral("tail must be an integer 1..5000")));
            return;
        }
    }
    QJsonArray lines;
    for (const LogEntry &e : m_logs.tail(tail, instance->logSource()))
        lines.append(LogHub::toJson(e));
    HttpResponse response =
        HttpResponse::json(200, QJsonObject{{QStringLiteral("source"), instance->logSource()},
                                            {QStringLiteral("lines"), lines}});
    response.header("Cache-Control", "no-store");
    ex->respond(std::move(response));
}

void ContainerBinding::logsStream(const ExchangePtr &ex)
{
    ContainerInstance *instance = findInstance(ex);
    if (!instance)
        return;
    int tail = 50;
    if (ex->hasQueryItem(QStringLiteral("tail"))) {
        bool ok = false;
        tail = ex->queryItem(QStringLiteral("tail")).toInt(&ok);
        if (!ok || tail < 0 || tail > 5000) {
            ex->respond(HttpResponse::error(QStringLiteral("bad_request"),
                                            QStringLiteral("tail must be an integer 0..5000")));
            return;
        }
    }
    const QString source = instance->logSource();
    if (!ex->beginStream(200, "text/event-stream; charset=utf-8",
                         {{"Cache-Control", "no-store"}, {"X-Accel-Buffering", "no"}}))
        return;

    // The hub publishes from the main thread; a context object here makes its batches arrive
    // queued in the server thread. Connected before the backlog is read, and deduplicated by
    // sequence number, so no line falls between the two.
    auto *context = new QObject(m_manager.get());
    auto last = std::make_shared<quint64>(0);
    QObject::connect(
        &m_logs, &LogHub::appended, context,
        [ex, source, last](const QList<LogEntry> &batch) {
            QByteArray out;
            for (const LogEntry &e : batch) {
                if (e.source != source || e.seq <= *last)
                    continue;
                out += sseEvent(e);
                *last = e.seq;
            }
            if (!out.isEmpty())
                ex->writeChunk(out);
        },
        Qt::QueuedConnection);

    bool resumed = false;
    const quint64 lastEventId = ex->header("last-event-id").toULongLong(&resumed);
    const QList<LogEntry> backlog =
        resumed ? m_logs.since(lastEventId, source) : m_logs.tail(tail, source);
    QByteArray out = ": following " + source.toUtf8() + "\n\n";
    for (const LogEntry &e : backlog) {
        out += sseEvent(e);
        *last = e.seq;
    }
    ex->writeChunk(out);

    // A comment now and then: proxies keep the stream open and a vanished client is noticed.
    auto *ping = new QTimer(context);
    QObject::connect(ping, &QTimer::timeout, context, [ex] { ex->writeChunk(": ping\n\n"); });
    ping->start(kSsePingMs);
    QPointer<QObject> guard(context);
    ex->onClientGone([guard] {
        if (guard)
            guard->deleteLater();
    });
}

} // namespace edgedesk
