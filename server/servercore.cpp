#include "servercore.h"

#include "archive/datafolderlock.h"
#include "bindings/ai/aibinding.h"
#include "bindings/assets/staticassets.h"
#include "bindings/bucket/bucketbinding.h"
#include "bindings/containers/containerbinding.h"
#include "bindings/images/imagebinding.h"
#include "bindings/kv/kvbinding.h"
#include "bindings/secrets/secretsbinding.h"
#include "bindings/services/servicebinding.h"
#include "containers/containermanager.h"
#include "control/archiveroutes.h"
#include "control/controlapi.h"
#include "control/imageroutes.h"
#include "logging/loghub.h"
#include "routing/router.h"
#include "traffic/trafficlog.h"
#include "transport/transportserver.h"
#include "util/workerpool.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QLoggingCategory>
#include <QThread>

namespace edgedesk {

Q_LOGGING_CATEGORY(lcServer, "edgedesk.server")

namespace {
constexpr int kPortFallbackTries = 20;
}

ServerCore::ServerCore(ServerOptions options, EdgeConfig config, LogHub &logs) : m_logs(logs)
{
    m_context.options = std::move(options);
    m_context.config = std::move(config);
}

ServerCore::~ServerCore()
{
    cleanup();
}

void ServerCore::start()
{
    m_context.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_context.dataDir = m_context.options.effectiveDataDir();
    if (!QDir().mkpath(m_context.dataDir)) {
        Q_EMIT failed(QStringLiteral("cannot create the data folder %1").arg(m_context.dataDir));
        return;
    }
    m_context.dataDir = QDir(m_context.dataDir).absolutePath();
    // archives: one process per data folder; --import-state checks the same lock.
    auto dataLock = DataFolderLock::acquire(m_context.dataDir);
    if (!dataLock) {
        Q_EMIT failed(dataLock.error().message);
        return;
    }
    m_dataLock = std::move(*dataLock);
    m_logs.setLogFolder(m_context.statePath(QStringLiteral("logs")));

    m_pool = std::make_unique<WorkerPool>();
    m_traffic = new TrafficLog(10000, this);
    if (m_publishTraffic)
        connect(m_traffic, &TrafficLog::recorded, this, &ServerCore::trafficBatch,
                Qt::UniqueConnection);
    m_router = new Router(m_traffic, this);
    m_context.pool = m_pool.get();
    m_context.traffic = m_traffic;
    m_context.serverThread = this;

    // The transport reads every request and hands it to the router, which outlives every
    // connection (both are torn down in shutdown(), sockets first). Large bodies wait in the
    // data folder, never whole in memory.
    TransportLimits limits = m_context.options.limits;
    limits.spoolDir = m_context.statePath(QStringLiteral("tmp/requests"));
    m_transport = new TransportServer(limits, m_router, this);
    m_context.transport = m_transport;

    auto port = listen();
    if (!port) {
        Q_EMIT failed(port.error().message);
        return;
    }
    m_context.port = *port;

    SecurityPolicy::Config policy;
    policy.port = m_context.port;
    policy.bindAddress = m_context.options.bindAddress;
    policy.extraHosts = m_context.options.allowedHosts + m_context.config.allowedHosts;
    policy.token = m_context.options.token.toUtf8();
    m_router->setPolicy(SecurityPolicy(policy));

    m_stores = StoreSet::open(m_context.config, m_context.dataDir);
    buildModules();
    for (const auto &module : m_modules)
        module->addRoutes(*m_router);

    // The URL that answers (for a wildcard bind, a loopback one: the Host allow-list refuses
    // "0.0.0.0").
    const QUrl url(m_router->policy().baseUrl() + QLatin1Char('/'));
    if (m_context.options.containersReachHost)
        qCWarning(lcServer).noquote()
            << "containers with enable_internet reach this machine's loopback through their "
               "gateway address, this server's port included (--containers-reach-host)";
    qCInfo(lcServer).noquote() << "serving on" << url.toString() << "data folder"
                               << m_context.dataDir;
    Q_EMIT serving(url, m_context.dataDir);
}

Result<quint16> ServerCore::listen()
{
    const ServerOptions &o = m_context.options;
    const int tries = (o.portFallback && o.port != 0) ? kPortFallbackTries : 1;
    QString firstError;
    for (int i = 0; i < tries; ++i) {
        const int port = o.port == 0 ? 0 : o.port + i;
        if (port > 65535)
            break;
        if (m_transport->listen(o.bindAddress, quint16(port))) {
            if (i > 0) {
                const QString message =
                    QStringLiteral("port %1 is busy; serving on port %2 instead")
                        .arg(o.port)
                        .arg(m_transport->serverPort());
                qCWarning(lcServer).noquote() << message;
                Q_EMIT notice(message);
            }
            return m_transport->serverPort();
        }
        if (firstError.isEmpty())
            firstError = m_transport->errorString();
    }
    return makeError(
        QStringLiteral("service_unavailable"),
        QStringLiteral("cannot listen on %1:%2: %3%4")
            .arg(o.bindAddress.toString())
            .arg(o.port)
            .arg(firstError,
                 o.portFallback
                     ? QString()
                     : QStringLiteral(
                           " (choose another with --port, or --port 0 for any free port)")));
}

void ServerCore::buildModules()
{
    const ServerContext &context = m_context;
    const EdgeConfig &config = context.config;
    auto add = [this](std::unique_ptr<BindingModule> module) {
        m_modules.push_back(std::move(module));
    };

    add(std::make_unique<ControlApi>(context, m_logs, [this] { return configSections(); }));
    add(std::make_unique<StaticAssets>(context));
    add(std::make_unique<SecretsBinding>(context, m_stores.secrets()));
    add(std::make_unique<AiBinding>(context, m_stores.secrets()));
    add(std::make_unique<ArchiveRoutes>(context, m_logs, m_stores.buckets()));

    // The first namespace answers the demo's /kv; every one has its control routes.
    for (const KvNamespaceConfig &kv : config.kvNamespaces)
        add(std::make_unique<KvBinding>(context, kv, m_stores.kv(kv.binding),
                                        &kv == &config.kvNamespaces.first()));
    // The first bucket is seeded with the sample image and is the one /image serves.
    for (const BucketConfig &bucket : config.buckets)
        add(std::make_unique<BucketBinding>(context, bucket, m_stores.bucket(bucket.binding),
                                            &bucket == &config.buckets.first()));
    if (!config.buckets.isEmpty()) {
        const QString &binding = config.buckets.first().binding;
        add(std::make_unique<ImageBinding>(context, binding, m_stores.bucket(binding)));
    }
    // The first service binding is mounted at /worker, as in the demo; /worker names one service.
    if (!config.services.isEmpty())
        add(std::make_unique<ServiceBinding>(context, config.services.first()));
    for (qsizetype i = 1; i < config.services.size(); ++i)
        qCInfo(lcServer).noquote()
            << "service binding" << config.services.at(i).binding << "has no route: /worker serves"
            << config.services.first().binding;

    // /api/* and /run: the container classes, and their control API.
    auto containers = std::make_unique<ContainerBinding>(context, m_stores, m_logs);
    connect(containers->manager(), &ContainerManager::changed, this,
            &ServerCore::containersChanged);
    add(std::make_unique<ImageRoutes>(context, containers->manager()->imageStore()));
    add(std::move(containers));
}

QList<ConfigSection> ServerCore::configSections() const
{
    QList<ConfigSection> sections;
    for (const auto &module : m_modules) {
        if (auto section = module->configSection())
            sections.append(std::move(*section));
    }
    return sections;
}

void ServerCore::setPublishTraffic(bool on)
{
    m_publishTraffic = on;
    if (!m_traffic)
        return; // start() connects it
    if (on)
        connect(m_traffic, &TrafficLog::recorded, this, &ServerCore::trafficBatch,
                Qt::UniqueConnection);
    else
        disconnect(m_traffic, &TrafficLog::recorded, this, &ServerCore::trafficBatch);
}

void ServerCore::shutdown()
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    cleanup();
    Q_EMIT finished();
}

void ServerCore::cleanup()
{
    if (!m_transport && !m_pool && !m_router && !m_traffic)
        return;
    qCInfo(lcServer) << "stopping";
    if (m_transport) {
        m_transport->close();
        m_transport->abortAll();
    }
    for (auto it = m_modules.rbegin(); it != m_modules.rend(); ++it)
        (*it)->shutdown();
    delete m_transport; // and its sockets
    m_transport = nullptr;
    if (m_pool)
        m_pool->waitForDone(1500);
    // Work that finished meanwhile posted its completion to this object; it must not run once
    // the bindings, the router and the traffic log are gone (this object outlives them, and
    // after the thread ends its events could be delivered elsewhere). Dropping the completions
    // here releases the exchanges they hold while everything they touch still exists.
    QCoreApplication::removePostedEvents(this, QEvent::MetaCall);
    while (!m_modules.empty())
        m_modules.pop_back();
    m_stores = StoreSet();
    m_pool.reset();
    delete m_router;
    m_router = nullptr;
    delete m_traffic;
    m_traffic = nullptr;
    m_dataLock.reset(); // archives: released once every store is closed
}

} // namespace edgedesk
