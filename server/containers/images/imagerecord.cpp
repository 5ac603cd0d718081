#include "containers/images/imagerecord.h"

#include "containers/images/imagedigest.h"

#include <QJsonArray>

#include <algorithm>

namespace edgedesk {

QJsonObject LayerRecord::toJson() const
{
    QJsonObject o{{QStringLiteral("chain_id"), chainId},
                  {QStringLiteral("diff_id"), diffId},
                  {QStringLiteral("compression"), compression},
                  {QStringLiteral("size"), double(bytes)},
                  {QStringLiteral("entries"), double(entries)}};
    if (!parentChainId.isEmpty())
        o.insert(QStringLiteral("parent"), parentChainId);
    if (!usedBy.isEmpty())
        o.insert(QStringLiteral("used_by"), QJsonArray::fromStringList(usedBy));
    return o;
}

std::optional<LayerRecord> LayerRecord::fromJson(const QJsonObject &object)
{
    LayerRecord layer;
    layer.chainId = object.value(QStringLiteral("chain_id")).toString();
    layer.diffId = object.value(QStringLiteral("diff_id")).toString();
    layer.parentChainId = object.value(QStringLiteral("parent")).toString();
    layer.compression = object.value(QStringLiteral("compression")).toString();
    layer.bytes = qint64(object.value(QStringLiteral("size")).toDouble());
    layer.entries = qint64(object.value(QStringLiteral("entries")).toDouble());
    if (!ImageDigest::isValid(layer.chainId) || !ImageDigest::isValid(layer.diffId))
        return std::nullopt;
    return layer;
}

qint64 ImageRecord::size() const
{
    qint64 total = 0;
    for (const LayerRecord &layer : layers)
        total += layer.bytes;
    return total;
}

QList<int> ImageRecord::exposedPorts() const
{
    QList<int> ports;
    const QJsonObject exposed = config.value(QStringLiteral("config"))
                                    .toObject()
                                    .value(QStringLiteral("ExposedPorts"))
                                    .toObject();
    for (auto it = exposed.begin(); it != exposed.end(); ++it) {
        const QString spec = it.key();
        if (spec.endsWith(QLatin1String("/udp")))
            continue;
        bool ok = false;
        const int port = spec.section(QLatin1Char('/'), 0, 0).toInt(&ok);
        if (ok && port > 0 && port < 65536 && !ports.contains(port))
            ports.append(port);
    }
    std::sort(ports.begin(), ports.end());
    return ports;
}

QJsonObject ImageRecord::toJson() const
{
    QJsonArray layerArray;
    for (const LayerRecord &layer : layers)
        layerArray.append(layer.toJson());
    QJsonArray ports;
    for (int port : exposedPorts())
        ports.append(port);
    return {{QStringLiteral("digest"), id},
            {QStringLiteral("manifest_digest"),
             manifestDigest.isEmpty() ? QJsonValue() : QJsonValue(manifestDigest)},
            {QStringLiteral("format"), format},
            {QStringLiteral("tags"), QJsonArray::fromStringList(tags)},
            {QStringLiteral("source"), source},
            {QStringLiteral("source_size"), double(sourceSize)},
            {QStringLiteral("source_modified"), sourceModified.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("size"), double(size())},
            {QStringLiteral("created"), config.value(QStringLiteral("created"))},
            {QStringLiteral("architecture"), config.value(QStringLiteral("architecture"))},
            {QStringLiteral("os"), config.value(QStringLiteral("os"))},
            {QStringLiteral("exposed_ports"), ports},
            {QStringLiteral("loaded_at"), loadedAt.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("layers"), layerArray},
            {QStringLiteral("config"), config}};
}

std::optional<ImageRecord> ImageRecord::fromJson(const QJsonObject &object)
{
    ImageRecord image;
    image.id = object.value(QStringLiteral("digest")).toString();
    image.manifestDigest = object.value(QStringLiteral("manifest_digest")).toString();
    image.format = object.value(QStringLiteral("format")).toString();
    for (const QJsonValue &tag : object.value(QStringLiteral("tags")).toArray())
        image.tags.append(tag.toString());
    image.source = object.value(QStringLiteral("source")).toString();
    image.sourceSize = qint64(object.value(QStringLiteral("source_size")).toDouble(-1));
    image.sourceModified = QDateTime::fromString(
        object.value(QStringLiteral("source_modified")).toString(), Qt::ISODateWithMs);
    image.config = object.value(QStringLiteral("config")).toObject();
    image.loadedAt = QDateTime::fromString(object.value(QStringLiteral("loaded_at")).toString(),
                                           Qt::ISODateWithMs);
    for (const QJsonValue &value : object.value(QStringLiteral("layers")).toArray()) {
        auto layer = LayerRecord::fromJson(value.toObject());
        if (!layer)
            return std::nullopt;
        image.layers.append(*layer);
    }
    if (!ImageDigest::isValid(image.id))
        return std::nullopt;
    return image;
}

} // namespace edgedesk
