#include "configrules.h"

#include "bindings/ai/aiconfig.h"
#include "config/edgeconfig.h"
#include "config/jsonc.h"
#include "storage/secrets/secretstore.h"

#include <QFile>
#include <QJsonDocument>

namespace edgedesk {

ConfigRules::AiDefaults ConfigRules::aiDefaults(const QString &provider)
{
    if (provider == QLatin1String("workers-ai"))
        return {QString::fromLatin1(kWorkersAiDefaultBaseUrl),
                QString::fromLatin1(kWorkersAiDefaultModel),
                QString::fromLatin1(kWorkersAiDefaultSecret)};
    return {QString::fromLatin1(kOpenAiDefaultBaseUrl), QString(), QString()};
}

QString ConfigRules::builtinConfigPath()
{
    return ConfigLoader::builtinPath();
}

Result<QJsonObject> ConfigRules::read(const QString &path)
{
    const QString source = path.isEmpty() ? ConfigLoader::builtinPath() : path;
    QFile file(source);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("cannot read %1: %2").arg(source, file.errorString()));
    auto doc = Jsonc::parse(file.readAll());
    if (!doc)
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("%1: %2").arg(source, doc.error().message));
    if (!doc->isObject())
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("%1: the top level must be an object").arg(source));
    return doc->object();
}

Status ConfigRules::check(const QJsonObject &root, const QString &sourcePath)
{
    auto parsed = ConfigLoader::parse(QJsonDocument(root).toJson(), sourcePath);
    if (!parsed)
        return parsed.error();
    auto ai = parseAiConfig(root.value(QStringLiteral("ai")).toObject());
    if (!ai)
        return ai.error();
    return Ok{};
}

Status ConfigRules::checkDuration(const QJsonValue &value)
{
    auto parsed = ConfigLoader::parseDuration(value);
    if (!parsed)
        return parsed.error();
    return Ok{};
}

Status ConfigRules::checkSecretName(const QString &name)
{
    return SecretStore::validateName(name);
}

bool ConfigRules::isValidModelName(const QString &model)
{
    return isValidAiModelName(model);
}

} // namespace edgedesk
