#include "config/edgeconfig.h"

#include "config/jsonc.h"
#include "config/toml.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>

namespace edgedesk {

namespace {

// Keys EdgeDesk understands. Some are accepted and have no local effect (main,
// compatibility_date...): they are not warnings, because they do what a local run should do.
const QStringList kTopLevelKeys{
    QStringLiteral("$schema"),
    QStringLiteral("name"),
    QStringLiteral("main"),
    QStringLiteral("compatibility_date"),
    QStringLiteral("compatibility_flags"),
    QStringLiteral("assets"),
    QStringLiteral("containers"),
    QStringLiteral("durable_objects"),
    QStringLiteral("migrations"),
    QStringLiteral("kv_namespaces"),
    QStringLiteral("r2_buckets"),
    QStringLiteral("ai"),
    QStringLiteral("services"),
    QStringLiteral("secrets_store_secrets"),
    QStringLiteral("observability"),
    QStringLiteral("vars"),
    QStringLiteral("allowed_hosts"),
    QStringLiteral("kv_demo_key"),
    QStringLiteral("workers_dev"),
    QStringLiteral("account_id"),
};

const QStringList kContainerKeys{
    QStringLiteral("class_name"),    QStringLiteral("image"),
    QStringLiteral("max_instances"), QStringLiteral("instance_type"),
    QStringLiteral("sleep_after"),   QStringLiteral("env"),
    QStringLiteral("url"),           QStringLiteral("command_network"),
    QStringLiteral("sandbox"),       QStringLiteral("name"),
    QStringLiteral("proxy_timeout"), QStringLiteral("command"),
    QStringLiteral("port"),          QStringLiteral("enable_internet"),
    QStringLiteral("max_queued_requests"), QStringLiteral("queue_timeout"),
};

const QStringList kAssetKeys{QStringLiteral("directory"), QStringLiteral("binding"),
                             QStringLiteral("html_handling"), QStringLiteral("not_found_handling"),
                             QStringLiteral("run_worker_first")};

void warnUnknown(const QJsonObject &object, const QStringList &known, const QString &where,
                 QStringList *warnings)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            warnings->append(QStringLiteral("%1%2 is not supported by EdgeDesk and is ignored")
                                 .arg(where, it.key()));
    }
}

Error configError(const QString &message)
{
    return makeError(QStringLiteral("bad_request"), message);
}

QString bindingName(const QJsonObject &o)
{
    return o.value(QStringLiteral("binding")).toString();
}

bool validBindingName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,62}$"));
    return re.match(name).hasMatch();
}

} // namespace

const ContainerClassConfig *EdgeConfig::containerByBinding(const QString &binding) const
{
    for (const auto &c : containers) {
        if (c.binding == binding)
            return &c;
    }
    return nullptr;
}

QJsonObject EdgeConfig::toJson() const
{
    QJsonArray containerArray;
    for (const auto &c : containers) {
        QJsonObject o{{QStringLiteral("class_name"), c.className},
                      {QStringLiteral("binding"), c.binding},
                      {QStringLiteral("max_instances"), c.maxInstances},
                      {QStringLiteral("instance_type"), c.instanceType},
                      {QStringLiteral("sleep_after_ms"), double(c.sleepAfterMs)}};
        if (c.url.isEmpty())
            o.insert(QStringLiteral("image"), c.image);
        else
            o.insert(QStringLiteral("url"), c.url);
        if (c.image == QLatin1String("command-runner")) {
            o.insert(QStringLiteral("command_network"), c.commandNetwork);
            o.insert(QStringLiteral("sandbox"), c.sandbox);
        }
        containerArray.append(o);
    }
    QJsonArray kvArray;
    for (const auto &k : kvNamespaces)
        kvArray.append(
            QJsonObject{{QStringLiteral("binding"), k.binding}, {QStringLiteral("id"), k.id}});
    QJsonArray bucketArray;
    for (const auto &b : buckets)
        bucketArray.append(QJsonObject{{QStringLiteral("binding"), b.binding},
                                       {QStringLiteral("bucket_name"), b.bucketName}});
    QJsonArray serviceArray;
    for (const auto &s : services) {
        QJsonObject o{{QStringLiteral("binding"), s.binding},
                      {QStringLiteral("service"), s.service}};
        o.insert(QStringLiteral("target"), s.url.isEmpty() ? QStringLiteral("built-in") : s.url);
        serviceArray.append(o);
    }
    return QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("source"), sourcePath},
        {QStringLiteral("containers"), containerArray},
        {QStringLiteral("kv_namespaces"), kvArray},
        {QStringLiteral("r2_buckets"), bucketArray},
        {QStringLiteral("services"), serviceArray},
        {QStringLiteral("secrets_store"),
         QJsonObject{
             {QStringLiteral("binding"), secrets.binding},
             {QStringLiteral("store_id"), secrets.storeId},
             {QStringLiteral("secret_names"), QJsonArray::fromStringList(secrets.secretNames)}}},
        {QStringLiteral("assets"), assets.toJson()},
        {QStringLiteral("allowed_hosts"), QJsonArray::fromStringList(allowedHosts)},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
    };
}

QString ConfigLoader::builtinPath()
{
    return QStringLiteral(":/edgedesk/wrangler.jsonc");
}

Result<EdgeConfig> ConfigLoader::load(const QString &path)
{
    const QString source = path.isEmpty() ? builtinPath() : path;
    auto root = readTree(source);
    if (!root)
        return root.error();
    return fromTree(*root, source);
}

Result<QJsonObject> ConfigLoader::readTree(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return configError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    return parseTree(file.readAll(), path);
}

Result<QJsonObject> ConfigLoader::parseTree(const QByteArray &text, const QString &sourcePath)
{
    QJsonObject root;
    if (sourcePath.endsWith(QLatin1String(".toml"), Qt::CaseInsensitive)) {
        auto parsed = Toml::parse(text);
        if (!parsed)
            return configError(QStringLiteral("%1: %2").arg(sourcePath, parsed.error().message));
        root = *parsed;
    } else {
        auto doc = Jsonc::parse(text);
        if (!doc)
            return configError(QStringLiteral("%1: %2").arg(sourcePath, doc.error().message));
        root = doc->object();
    }
    return resolvePaths(root, QFileInfo(sourcePath).absolutePath());
}

QJsonObject ConfigLoader::resolvePaths(QJsonObject root, const QString &folder)
{
    const QDir base(folder);
    auto absolute = [&](const QString &path) {
        return QDir::cleanPath(base.absoluteFilePath(path));
    };
    QJsonObject assets = root.value(QStringLiteral("assets")).toObject();
    const QString directory = assets.value(QStringLiteral("directory")).toString();
    if (!directory.isEmpty() && QDir::isRelativePath(directory)) {
        assets.insert(QStringLiteral("directory"), absolute(directory));
        root.insert(QStringLiteral("assets"), assets);
    }
    QJsonArray containers = root.value(QStringLiteral("containers")).toArray();
    for (qsizetype i = 0; i < containers.size(); ++i) {
        QJsonObject c = containers[i].toObject();
        const QString image = c.value(QStringLiteral("image")).toString();
        // A bare name ("api-backend") is one of EdgeDesk's programs, not a path.
        if (image.contains(QLatin1Char('/')) && QDir::isRelativePath(image)) {
            c.insert(QStringLiteral("image"), absolute(image));
            containers[i] = c;
        }
    }
    if (!containers.isEmpty())
        root.insert(QStringLiteral("containers"), containers);
    return root;
}

Result<qint64> ConfigLoader::parseDuration(const QJsonValue &value)
{
    if (value.isDouble()) {
        const double s = value.toDouble();
        if (s < 0)
            return configError(QStringLiteral("a duration must not be negative"));
        return qint64(s * 1000.0);
    }
    static const QRegularExpression re(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?\\s*$"));
    const auto m = re.match(value.toString());
    if (!m.hasMatch())
        return configError(
            QStringLiteral("'%1' is not a duration (use e.g. \"30s\", \"10m\", \"1h\")")
                .arg(value.toString()));
    const double n = m.captured(1).toDouble();
    const QString unit = m.captured(2);
    double ms = n * 1000.0;
    if (unit == QLatin1String("ms"))
        ms = n;
    else if (unit == QLatin1String("m"))
        ms = n * 60000.0;
    else if (unit == QLatin1String("h"))
        ms = n * 3600000.0;
    return qint64(ms);
}

Result<EdgeConfig> ConfigLoader::parse(const QByteArray &text, const QString &sourcePath)
{
    auto root = parseTree(text, sourcePath);
    if (!root)
        return root.error();
    return fromTree(*root, sourcePath);
}

Result<EdgeConfig> ConfigLoader::fromTree(const QJsonObject &root, const QString &sourcePath)
{
    EdgeConfig config;
    config.raw = root;
    config.sourcePath = sourcePath;
    config.name = root.value(QStringLiteral("name")).toString(QStringLiteral("edgedesk"));
    config.compatibilityDate = root.value(QStringLiteral("compatibility_date")).toString();
    warnUnknown(root, kTopLevelKeys, QString(), &config.warnings);

    warnUnknown(root.value(QStringLiteral("assets")).toObject(), kAssetKeys,
                QStringLiteral("assets."), &config.warnings);
    auto assets = AssetsConfig::fromConfig(root);
    if (!assets)
        return configError(QStringLiteral("%1: %2").arg(sourcePath, assets.error().message));
    if (!validBindingName(assets->binding))
        return configError(QStringLiteral("%1: assets.binding: invalid binding '%2'")
                               .arg(sourcePath, assets->binding));
    config.assets = *assets;

    // durable_objects.bindings name the container classes' bindings.
    QHash<QString, QString> bindingOfClass;
    const QJsonArray doBindings = root.value(QStringLiteral("durable_objects"))
                                      .toObject()
                                      .value(QStringLiteral("bindings"))
                                      .toArray();
    for (const QJsonValue &v : doBindings) {
        const QJsonObject o = v.toObject();
        bindingOfClass.insert(o.value(QStringLiteral("class_name")).toString(),
                              o.value(QStringLiteral("name")).toString());
    }

    const QJsonArray containers = root.value(QStringLiteral("containers")).toArray();
    for (int i = 0; i < containers.size(); ++i) {
        const QJsonObject o = containers[i].toObject();
        const QString where = QStringLiteral("containers[%1].").arg(i);
        warnUnknown(o, kContainerKeys, where, &config.warnings);
        ContainerClassConfig c;
        c.raw = o;
        c.className = o.value(QStringLiteral("class_name")).toString();
        if (c.className.isEmpty())
            return configError(
                QStringLiteral("%1: %2class_name is required").arg(sourcePath, where));
        c.binding = bindingOfClass.value(c.className);
        if (c.binding.isEmpty())
            return configError(
                QStringLiteral("%1: container class %2 has no durable_objects binding")
                    .arg(sourcePath, c.className));
        c.image = o.value(QStringLiteral("image")).toString();
        c.url = o.value(QStringLiteral("url")).toString();
        if (c.image.isEmpty() && c.url.isEmpty())
            return configError(
                QStringLiteral("%1: %2image (or url) is required").arg(sourcePath, where));
        const QJsonValue maxInstances = o.value(QStringLiteral("max_instances"));
        if (!maxInstances.isUndefined()) {
            const int n = maxInstances.toInt(-1);
            if (n < 1 || n > 64)
                return configError(
                    QStringLiteral("%1: %2max_instances must be 1..64").arg(sourcePath, where));
            c.maxInstances = n;
        }
        c.instanceType = o.value(QStringLiteral("instance_type")).toString(c.instanceType);
        if (o.contains(QStringLiteral("sleep_after"))) {
            auto d = parseDuration(o.value(QStringLiteral("sleep_after")));
            if (!d)
                return configError(QStringLiteral("%1: %2sleep_after: %3")
                                       .arg(sourcePath, where, d.error().message));
            c.sleepAfterMs = *d;
        }
        c.env = o.value(QStringLiteral("env")).toObject();
        c.commandNetwork = o.value(QStringLiteral("command_network")).toString(c.commandNetwork);
        if (c.commandNetwork != QLatin1String("none") && c.commandNetwork != QLatin1String("host"))
            return configError(QStringLiteral("%1: %2command_network must be \"none\" or \"host\"")
                                   .arg(sourcePath, where));
        c.sandbox = o.value(QStringLiteral("sandbox")).toString(c.sandbox);
        if (c.sandbox != QLatin1String("bubblewrap") && c.sandbox != QLatin1String("none"))
            return configError(QStringLiteral("%1: %2sandbox must be \"bubblewrap\" or \"none\"")
                                   .arg(sourcePath, where));
        config.containers.append(c);
    }

    for (const QJsonValue &v : root.value(QStringLiteral("kv_namespaces")).toArray()) {
        const QJsonObject o = v.toObject();
        KvNamespaceConfig k{bindingName(o), o.value(QStringLiteral("id")).toString()};
        if (!validBindingName(k.binding))
            return configError(QStringLiteral("%1: kv_namespaces: invalid binding '%2'")
                                   .arg(sourcePath, k.binding));
        config.kvNamespaces.append(k);
    }
    for (const QJsonValue &v : root.value(QStringLiteral("r2_buckets")).toArray()) {
        const QJsonObject o = v.toObject();
        BucketConfig b{bindingName(o), o.value(QStringLiteral("bucket_name")).toString()};
        if (!validBindingName(b.binding))
            return configError(
                QStringLiteral("%1: r2_buckets: invalid binding '%2'").arg(sourcePath, b.binding));
        config.buckets.append(b);
    }
    config.ai = root.value(QStringLiteral("ai")).toObject();
    for (const QJsonValue &v : root.value(QStringLiteral("services")).toArray()) {
        const QJsonObject o = v.toObject();
        ServiceConfig s{bindingName(o), o.value(QStringLiteral("service")).toString(),
                        o.value(QStringLiteral("url")).toString()};
        if (!validBindingName(s.binding))
            return configError(
                QStringLiteral("%1: services: invalid binding '%2'").arg(sourcePath, s.binding));
        config.services.append(s);
    }
    for (const QJsonValue &v : root.value(QStringLiteral("secrets_store_secrets")).toArray()) {
        const QJsonObject o = v.toObject();
        if (config.secrets.binding.isEmpty()) {
            config.secrets.binding = bindingName(o);
            config.secrets.storeId = o.value(QStringLiteral("store_id")).toString();
        }
        const QString secretName = o.value(QStringLiteral("secret_name")).toString();
        if (!secretName.isEmpty())
            config.secrets.secretNames.append(secretName);
    }
    for (const QJsonValue &v : root.value(QStringLiteral("allowed_hosts")).toArray())
        config.allowedHosts.append(v.toString());
    config.kvDemoKey = root.value(QStringLiteral("kv_demo_key")).toString(config.kvDemoKey);
    return config;
}

} // namespace edgedesk
