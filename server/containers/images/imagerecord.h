#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace edgedesk {

// One unpacked layer of the cache: the image root as it stands after this layer, keyed by the
// chain of layers below it (OCI's ChainID), so that images sharing their lower layers share them.
struct LayerRecord
{
    QString chainId;
    QString diffId;
    QString parentChainId; // empty for a bottom layer
    QString compression;   // as the blob was stored when it was unpacked
    qint64 bytes = 0;      // this layer's decompressed size
    qint64 entries = 0;
    QStringList usedBy; // image ids (filled in by listings)

    QJsonObject toJson() const;
    static std::optional<LayerRecord> fromJson(const QJsonObject &object);
};

// One image of the cache, as GET /__edgedesk/v1/images shows it.
struct ImageRecord
{
    QString id;             // the config's digest
    QString manifestDigest; // empty for docker's manifest.json form
    QString format;         // "oci" or "docker"
    QStringList tags;
    QString source; // the archive or folder it was last loaded from
    // What that source looked like then (an archive's size and time; a folder's index.json's):
    // a source that still looks the same is not verified and unpacked again.
    qint64 sourceSize = -1;
    QDateTime sourceModified;
    QJsonObject config;
    QList<LayerRecord> layers; // bottom first
    QDateTime loadedAt;

    qint64 size() const; // all layers, decompressed
    QString topChainId() const { return layers.isEmpty() ? QString() : layers.last().chainId; }
    // The image config's ExposedPorts as numbers ("8080/tcp" -> 8080), ascending.
    QList<int> exposedPorts() const;

    QJsonObject toJson() const;
    static std::optional<ImageRecord> fromJson(const QJsonObject &object);
};

} // namespace edgedesk
