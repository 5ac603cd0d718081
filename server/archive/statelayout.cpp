#include "archive/statelayout.h"

#include "archive/statemanifest.h"

#include <QRegularExpression>

namespace edgedesk {

bool StateLayout::isPlainName(const QString &name)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$"));
    return plain.match(name).hasMatch() && name != QLatin1String("..");
}

bool StateLayout::isObjectPath(const QString &relative)
{
    const QStringList parts = relative.split(u'/');
    if (parts.size() < 2 || parts.first() != QLatin1String("objects"))
        return false;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        if (!isPlainName(parts.at(i)))
            return false;
    }
    return true;
}

StateLayout::Kind StateLayout::kindOf(const QString &name)
{
    if (name == StateManifest::fileName())
        return Kind::Manifest;
    if (name == configEntry())
        return Kind::Config;
    if (name == secretsStoreEntry())
        return Kind::SecretsStore;
    if (name == secretsKeyEntry())
        return Kind::SecretsKey;
    const QStringList parts = name.split(u'/');
    const QString &top = parts.first();
    if (top == QLatin1String("kv") && parts.size() == 2 && parts[1].endsWith(u".sqlite") &&
        isPlainName(parts[1]))
        return Kind::Kv;
    if (top == QLatin1String("durable") && parts.size() == 3 && isPlainName(parts[1]) &&
        parts[2].endsWith(u".sqlite") && isPlainName(parts[2]))
        return Kind::Durable;
    if (top == QLatin1String("r2") && parts.size() >= 3 && isPlainName(parts[1])) {
        if (parts.size() == 3 && parts[2] == QLatin1String("meta.sqlite"))
            return Kind::BucketMeta;
        if (isObjectPath(parts.mid(2).join(u'/')))
            return Kind::BucketObject;
    }
    return Kind::None;
}

QString StateLayout::configEntry()
{
    return QStringLiteral("config/edgedesk.jsonc");
}

QString StateLayout::dataConfigName()
{
    return QStringLiteral("edgedesk.jsonc");
}

QString StateLayout::secretsStoreEntry()
{
    return QStringLiteral("secrets/secrets.sqlite");
}

QString StateLayout::secretsKeyEntry()
{
    return QStringLiteral("secrets/secrets.key");
}

QStringList StateLayout::stateFolders()
{
    return {QStringLiteral("kv"), QStringLiteral("r2"), QStringLiteral("durable"),
            QStringLiteral("secrets")};
}

} // namespace edgedesk
