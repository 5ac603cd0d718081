#include "archive/statemanifest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace edgedesk {

namespace {

Error invalid(const QString &why)
{
    return makeError(QStringLiteral("unprocessable"),
                     QStringLiteral("manifest.json is invalid: %1").arg(why));
}

} // namespace

QString StateManifest::fileName()
{
    return QStringLiteral("manifest.json");
}

QString StateManifest::formatName()
{
    return QStringLiteral("edgedesk-state");
}

QByteArray StateManifest::toJson() const
{
    QJsonArray list;
    for (const Entry &e : entries)
        list.append(QJsonObject{{QStringLiteral("name"), e.name},
                                {QStringLiteral("size"), double(e.size)},
                                {QStringLiteral("sha256"), QString::fromLatin1(e.sha256)}});
    QJsonObject config{{QStringLiteral("source"), configSource}};
    if (!configPath.isEmpty())
        config.insert(QStringLiteral("path"), configPath);
    const QJsonObject root{{QStringLiteral("format"), formatName()},
                           {QStringLiteral("format_version"), formatVersion},
                           {QStringLiteral("edgedesk_version"), edgedeskVersion},
                           {QStringLiteral("created"), created.toUTC().toString(Qt::ISODateWithMs)},
                           {QStringLiteral("includes_secret_key"), includesSecretKey},
                           {QStringLiteral("config"), config},
                           {QStringLiteral("counts"), counts},
                           {QStringLiteral("entries"), list}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<StateManifest> StateManifest::fromJson(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return invalid(QStringLiteral("it is not a JSON object"));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != formatName())
        return makeError(QStringLiteral("unprocessable"),
                         QStringLiteral("this is not an EdgeDesk state archive (manifest.json "
                                        "has no \"format\": \"%1\")")
                             .arg(formatName()));
    StateManifest m;
    const QJsonValue version = root.value(QStringLiteral("format_version"));
    if (!version.isDouble() || version.toDouble() != double(version.toInt()) || version.toInt() < 1)
        return invalid(QStringLiteral("format_version must be a positive integer"));
    m.formatVersion = version.toInt();
    m.edgedeskVersion = root.value(QStringLiteral("edgedesk_version")).toString();
    if (m.formatVersion > kFormatVersion)
        return makeError(QStringLiteral("unprocessable"),
                         QStringLiteral("the archive has format version %1 (made by EdgeDesk "
                                        "%2); this EdgeDesk reads version %3: update EdgeDesk")
                             .arg(m.formatVersion)
                             .arg(m.edgedeskVersion)
                             .arg(kFormatVersion));
    m.created =
        QDateTime::fromString(root.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);
    m.includesSecretKey = root.value(QStringLiteral("includes_secret_key")).toBool();
    const QJsonObject config = root.value(QStringLiteral("config")).toObject();
    m.configSource = config.value(QStringLiteral("source")).toString();
    m.configPath = config.value(QStringLiteral("path")).toString();
    m.counts = root.value(QStringLiteral("counts")).toObject();

    const QJsonValue entries = root.value(QStringLiteral("entries"));
    if (!entries.isArray())
        return invalid(QStringLiteral("\"entries\" must be an array"));
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
    const QJsonArray list = entries.toArray();
    m.entries.reserve(list.size());
    for (const QJsonValue &v : list) {
        const QJsonObject o = v.toObject();
        Entry e;
        e.name = o.value(QStringLiteral("name")).toString();
        const QJsonValue size = o.value(QStringLiteral("size"));
        const QString sha = o.value(QStringLiteral("sha256")).toString();
        if (e.name.isEmpty() || !size.isDouble() || size.toDouble() < 0 ||
            !hex64.match(sha).hasMatch())
            return invalid(QStringLiteral("entry %1 needs a name, a size and a SHA-256")
                               .arg(m.entries.size() + 1));
        e.size = qint64(size.toDouble());
        e.sha256 = sha.toLatin1();
        m.entries.append(e);
    }
    return m;
}

} // namespace edgedesk
