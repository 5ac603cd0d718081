#include "settings/managedconfig.h"

#include "configrules.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace edgedesk {

namespace {

QString durationText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble());
    return QStringLiteral("10m");
}

} // namespace

Result<ManagedConfig> ManagedConfig::load(const QString &path)
{
    auto root = ConfigRules::read(path);
    if (!root)
        return root.error();
    const QString source = path.isEmpty() ? ConfigRules::builtinConfigPath() : path;
    ManagedConfig config;
    config.m_source = source;
    config.m_root = *root;

    // A program path relative to the user's file would point elsewhere once the copy lives in
    // the data folder.
    if (!source.startsWith(QLatin1Char(':'))) {
        const QDir base = QFileInfo(source).absoluteDir();
        QJsonArray containers = config.m_root.value(QStringLiteral("containers")).toArray();
        for (qsizetype i = 0; i < containers.size(); ++i) {
            QJsonObject c = containers[i].toObject();
            const QString image = c.value(QStringLiteral("image")).toString();
            if (image.contains(QLatin1Char('/')) && QFileInfo(image).isRelative()) {
                c.insert(QStringLiteral("image"), QDir::cleanPath(base.absoluteFilePath(image)));
                containers[i] = c;
            }
        }
        if (!containers.isEmpty())
            config.m_root.insert(QStringLiteral("containers"), containers);
    }
    return config;
}

QString ManagedConfig::managedPath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("edgedesk.jsonc"));
}

ManagedConfig::Ai ManagedConfig::ai() const
{
    const QJsonObject o = m_root.value(QStringLiteral("ai")).toObject();
    Ai ai;
    ai.provider = o.value(QStringLiteral("provider")).toString();
    ai.baseUrl = o.value(QStringLiteral("base_url")).toString();
    ai.model = o.value(QStringLiteral("model")).toString();
    ai.accountId = o.value(QStringLiteral("account_id")).toString();
    ai.apiKeySecret = o.value(QStringLiteral("api_key_secret")).toString();
    return ai;
}

void ManagedConfig::setAi(const Ai &ai)
{
    // The binding name and any other keys (timeout_s) stay as the user wrote them.
    QJsonObject o = m_root.value(QStringLiteral("ai")).toObject();
    if (!o.contains(QStringLiteral("binding")))
        o.insert(QStringLiteral("binding"), QStringLiteral("AI"));
    for (const char *key : {"provider", "base_url", "model", "account_id", "api_key_secret"})
        o.remove(QLatin1String(key));
    auto put = [&o](const char *key, const QString &value) {
        if (!value.trimmed().isEmpty())
            o.insert(QLatin1String(key), value.trimmed());
    };
    if (!ai.provider.isEmpty()) {
        put("provider", ai.provider);
        put("base_url", ai.baseUrl);
        put("model", ai.model);
        if (ai.provider == QLatin1String("workers-ai"))
            put("account_id", ai.accountId);
        put("api_key_secret", ai.apiKeySecret);
    }
    m_root.insert(QStringLiteral("ai"), o);
}

QList<ManagedConfig::Container> ManagedConfig::containers() const
{
    QHash<QString, QString> bindings;
    for (const QJsonValue &v : m_root.value(QStringLiteral("durable_objects"))
                                   .toObject()
                                   .value(QStringLiteral("bindings"))
                                   .toArray())
        bindings.insert(v.toObject().value(QStringLiteral("class_name")).toString(),
                        v.toObject().value(QStringLiteral("name")).toString());
    QList<Container> out;
    for (const QJsonValue &v : m_root.value(QStringLiteral("containers")).toArray()) {
        const QJsonObject o = v.toObject();
        Container c;
        c.className = o.value(QStringLiteral("class_name")).toString();
        c.binding = bindings.value(c.className);
        c.image = o.value(QStringLiteral("image")).toString();
        c.sleepAfter = durationText(o.value(QStringLiteral("sleep_after")));
        c.runsCommands = c.image == QLatin1String("command-runner") ||
                         o.contains(QStringLiteral("command_network"));
        if (c.runsCommands)
            c.commandNetwork =
                o.value(QStringLiteral("command_network")).toString(QStringLiteral("none"));
        out.append(c);
    }
    return out;
}

void ManagedConfig::setContainer(const Container &c)
{
    QJsonArray containers = m_root.value(QStringLiteral("containers")).toArray();
    for (qsizetype i = 0; i < containers.size(); ++i) {
        QJsonObject o = containers[i].toObject();
        if (o.value(QStringLiteral("class_name")).toString() != c.className)
            continue;
        bool isNumber = false;
        const double seconds = c.sleepAfter.trimmed().toDouble(&isNumber);
        o.insert(QStringLiteral("sleep_after"),
                 isNumber ? QJsonValue(seconds) : QJsonValue(c.sleepAfter.trimmed()));
        if (c.runsCommands && !c.commandNetwork.isEmpty())
            o.insert(QStringLiteral("command_network"), c.commandNetwork);
        containers[i] = o;
    }
    m_root.insert(QStringLiteral("containers"), containers);
}

Status ManagedConfig::validate() const
{
    return ConfigRules::check(m_root, m_source);
}

QByteArray ManagedConfig::toJsonc() const
{
    QByteArray text;
    text += "// Written by EdgeDesk's Settings section on " +
            QDateTime::currentDateTime().toString(Qt::ISODate).toUtf8() + ".\n";
    text += "// Based on " +
            (m_source.startsWith(QLatin1Char(':')) ? QByteArray("the built-in default")
                                                   : m_source.toUtf8()) +
            ". EdgeDesk loads this file while Settings points at it;\n"
            "// edit it by hand or through Settings (which rewrites it and drops comments).\n";
    text += QJsonDocument(m_root).toJson(QJsonDocument::Indented);
    return text;
}

Status ManagedConfig::save(const QString &path) const
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot create the folder %1").arg(info.absolutePath()));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(toJsonc());
    if (!file.commit())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return Ok{};
}

} // namespace edgedesk
