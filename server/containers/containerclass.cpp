#include "containers/containerclass.h"

#include "containers/classqueue.h"
#include "containers/commandslots.h"
#include "containers/containerinstance.h"
#include "containers/containerlog.h"
#include "containers/containerlogsink.h"
#include "containers/containermanager.h"
#include "containers/images/classimage.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QUrl>

namespace edgedesk {

namespace {

constexpr qint64 kMiB = qint64(1) << 20;
constexpr qint64 kGiB = qint64(1) << 30;

struct InstanceType
{
    const char *name;
    qint64 memory;
    qint64 disk;
    int cpuMillis; // thousandths of a vCPU
};

// The platform's instance types (memory, disk, vCPU); "dev" and "standard" are their older names.
constexpr InstanceType kInstanceTypes[] = {
    {"lite", 256 * kMiB, 2 * kGiB, 62},        {"dev", 256 * kMiB, 2 * kGiB, 62},
    {"basic", 1 * kGiB, 4 * kGiB, 250},        {"standard-1", 4 * kGiB, 8 * kGiB, 500},
    {"standard", 4 * kGiB, 4 * kGiB, 500},     {"standard-2", 6 * kGiB, 12 * kGiB, 1000},
    {"standard-3", 8 * kGiB, 16 * kGiB, 2000}, {"standard-4", 12 * kGiB, 20 * kGiB, 4000},
};

const InstanceType &instanceType(const QString &name, bool *known = nullptr)
{
    for (const InstanceType &t : kInstanceTypes) {
        if (name == QLatin1String(t.name)) {
            if (known)
                *known = true;
            return t;
        }
    }
    if (known)
        *known = false;
    return kInstanceTypes[2]; // basic
}

// The folder the configuration's relative paths start from (none for the built-in one).
QString configFolder(const QString &sourcePath)
{
    if (sourcePath.isEmpty() || sourcePath.startsWith(QLatin1Char(':')))
        return QString();
    return QFileInfo(sourcePath).absolutePath();
}

} // namespace

ContainerClass::ContainerClass(ContainerManager *manager, ContainerClassConfig config)
    : m_config(std::move(config))
{
    m_reference =
        ImageReference::resolve(m_config.image, configFolder(manager->context().config.sourcePath));
    if (!m_config.url.isEmpty())
        m_kind = Kind::Remote;
    else if (m_config.image == QLatin1String("api-backend"))
        m_kind = Kind::ApiBackend;
    else if (m_config.image == QLatin1String("command-runner"))
        m_kind = Kind::CommandRunner;
    else if (m_reference.isImage())
        m_kind = Kind::Image;
    else
        m_kind = Kind::Program;

    const QJsonValue timeout = m_config.raw.value(QStringLiteral("proxy_timeout"));
    if (!timeout.isUndefined()) {
        const auto ms = ConfigLoader::parseDuration(timeout);
        if (!ms || *ms <= 0 || *ms > 24 * 3600 * 1000)
            m_configError = QStringLiteral("proxy_timeout of %1 must be a duration up to 24h")
                                .arg(m_config.className);
        else
            m_proxyTimeoutMs = int(*ms);
    }
    if (m_kind == Kind::Remote) {
        const QUrl url(m_config.url);
        if (!url.isValid() || (url.scheme() != QLatin1String("http")) || url.host().isEmpty())
            m_configError = QStringLiteral("url of %1 must be an http:// URL, not %2")
                                .arg(m_config.className, m_config.url);
    }
    if (m_kind == Kind::Image && m_config.sandbox == QLatin1String("none"))
        m_configError = QStringLiteral("%1 runs an image, which needs its own root: \"sandbox\": "
                                       "\"none\" cannot run it")
                            .arg(m_config.className);
    const QJsonValue port = m_config.raw.value(QStringLiteral("port"));
    if (!port.isUndefined() && (port.toInt(-1) < 1 || port.toInt(-1) > 65535))
        m_configError = QStringLiteral("port of %1 must be 1..65535").arg(m_config.className);
    const QJsonValue command = m_config.raw.value(QStringLiteral("command"));
    if (!command.isUndefined() && !command.isArray())
        m_configError = QStringLiteral("command of %1 must be an array of strings (argv)")
                            .arg(m_config.className);
    if (!m_configError.isEmpty())
        qCWarning(lcContainers).noquote() << m_configError;
    bool known = true;
    limitsFor(m_config.instanceType, &known);
    if (!known)
        qCWarning(lcContainers).noquote() << "unknown instance_type" << m_config.instanceType
                                          << "of" << m_config.className << "- using basic (1 GiB)";

    if (m_kind == Kind::Remote)
        m_containment = QStringLiteral("remote (%1)").arg(m_config.url);
    else if (m_kind != Kind::CommandRunner && !sandboxed())
        m_containment = QStringLiteral("none (UNSANDBOXED)");

    if (m_kind == Kind::Image) {
        ContainerLogSink *sink = manager->logSink();
        m_image = std::make_unique<ClassImage>(
            m_reference, m_config.className, manager->imageStore(), manager->context().pool,
            [sink](const QString &source, const QString &level, const QString &line) {
                sink->note(source, level, line);
            });
    }

    for (int i = 0; i < m_config.maxInstances; ++i)
        m_instances.push_back(std::make_unique<ContainerInstance>(manager, this, i));
    if (m_kind == Kind::CommandRunner)
        m_queue = std::make_unique<ClassQueue>(this, queueSettings());
}

ClassQueue::Settings ContainerClass::queueSettings()
{
    ClassQueue::Settings settings;
    settings.slotsPerInstance = kCommandSlotsPerInstance;
    QString error;
    const QJsonValue size = m_config.raw.value(QStringLiteral("max_queued_requests"));
    if (!size.isUndefined()) {
        const int n = size.toInt(-1);
        if (!size.isDouble() || n < 0 || n > 10000 || double(n) != size.toDouble())
            error = QStringLiteral("max_queued_requests of %1 must be an integer 0..10000")
                                .arg(m_config.className);
        else
            settings.maxWaiting = n;
    }
    const QJsonValue timeout = m_config.raw.value(QStringLiteral("queue_timeout"));
    if (!timeout.isUndefined()) {
        const auto ms = ConfigLoader::parseDuration(timeout);
        if (!ms || *ms <= 0 || *ms > 10 * 60 * 1000)
            error = QStringLiteral("queue_timeout of %1 must be a duration up to 10m")
                                .arg(m_config.className);
        else
            settings.maxWaitMs = int(*ms);
    }
    if (!error.isEmpty()) {
        qCWarning(lcContainers).noquote() << error;
        if (m_configError.isEmpty())
            m_configError = error;
    }
    return settings;
}

ContainerClass::~ContainerClass() = default;

bool ContainerClass::outboundNetwork() const
{
    return m_kind == Kind::Image && m_config.raw.value(QStringLiteral("enable_internet")).toBool();
}

bool ContainerClass::sandboxed() const
{
    return (m_kind == Kind::ApiBackend || m_kind == Kind::Program || m_kind == Kind::Image) &&
           m_config.sandbox != QLatin1String("none");
}

QString ContainerClass::healthPath() const
{
    return m_kind == Kind::ApiBackend ? QStringLiteral("/ping") : QStringLiteral("/");
}

int ContainerClass::proxyTimeoutMs(int routeDefault) const
{
    return m_proxyTimeoutMs > 0 ? m_proxyTimeoutMs : routeDefault;
}

SandboxLimits ContainerClass::limitsFor(const QString &instanceType, bool *known)
{
    const InstanceType &type = edgedesk::instanceType(instanceType, known);
    SandboxLimits limits;
    limits.cpuSeconds = 0; // a server runs for as long as it is used
    limits.memoryBytes = type.memory;
    limits.addressSpaceBytes = type.memory;
    limits.fileSizeBytes = type.disk;
    limits.openFiles = 4096;   // the proxy keeps up to 256 connections per instance
    limits.maxProcesses = 128; // Qt's thread pool counts against pids.max
    return limits;
}

int ContainerClass::cpuMillisFor(const QString &instanceType)
{
    return edgedesk::instanceType(instanceType).cpuMillis;
}

QStringList ContainerClass::commandArguments() const
{
    QStringList arguments;
    for (const QJsonValue &value : m_config.raw.value(QStringLiteral("command")).toArray())
        arguments.append(value.toString());
    return arguments;
}

ContainerInstance *ContainerClass::instance(const QString &id) const
{
    for (const auto &i : m_instances) {
        if (i->id() == id)
            return i.get();
    }
    return nullptr;
}

ContainerInstance *ContainerClass::pickRandom() const
{
    const auto n = quint32(m_instances.size());
    return m_instances[size_t(QRandomGenerator::global()->bounded(n))].get();
}

QJsonObject ContainerClass::toJson() const
{
    QJsonArray instances;
    for (const auto &i : m_instances)
        instances.append(i->toJson());
    QJsonObject o{{QStringLiteral("class_name"), m_config.className},
                  {QStringLiteral("binding"), m_config.binding},
                  {QStringLiteral("max_instances"), m_config.maxInstances},
                  {QStringLiteral("instance_type"), m_config.instanceType},
                  {QStringLiteral("sleep_after_ms"), double(m_config.sleepAfterMs)},
                  {QStringLiteral("containment"),
                   m_containment.isEmpty() ? QJsonValue() : QJsonValue(m_containment)},
                  {QStringLiteral("instances"), instances}};
    if (m_kind == Kind::Remote)
        o.insert(QStringLiteral("url"), m_config.url);
    else
        o.insert(QStringLiteral("image"), m_config.image);
    if (m_image)
        o.insert(QStringLiteral("image_info"), m_image->toJson());
    if (m_kind != Kind::Remote) {
        const SandboxLimits limits = limitsFor(m_config.instanceType);
        QJsonObject shown{{QStringLiteral("memory_bytes"), double(limits.memoryBytes)}};
        if (m_kind == Kind::Image)
            shown.insert(QStringLiteral("cpu_millis"), cpuMillisFor(m_config.instanceType));
        o.insert(QStringLiteral("limits"), shown);
    }
    if (m_queue)
        o.insert(QStringLiteral("queue"), m_queue->toJson());
    if (!m_configError.isEmpty())
        o.insert(QStringLiteral("error"), m_configError);
    return o;
}

} // namespace edgedesk
