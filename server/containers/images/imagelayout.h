#pragma once

#include "containers/images/rootdirectory.h"
#include "util/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace edgedesk {

struct ImageLayer
{
    QByteArray path;   // the blob's file in the layout
    QString digest;    // what the blob must hash to; empty for docker's "<id>/layer.tar" files,
                       // which are checked against diffId instead
    QString diffId;    // what the blob decompresses to (the config's rootfs.diff_ids)
    QString mediaType; // empty for docker's manifest.json form
};

// One image as a layout describes it, after its manifest and config were checked.
struct ImageManifest
{
    QString id;               // the config blob's digest: the image's identity, as engines show it
    QString manifestDigest;   // the OCI manifest's digest (empty for manifest.json)
    QString format;           // "oci" or "docker"
    QJsonObject config;       // the config blob (architecture, os, config, rootfs, history...)
    QList<ImageLayer> layers; // bottom first
    QStringList tags;         // ref names or RepoTags, when the layout gives any
};

// Reads an image layout that nobody vouches for: an OCI image layout (oci-layout, index.json,
// blobs/sha256/...) or Docker's `docker save` form (manifest.json, <id>.json, <id>/layer.tar),
// in an unpacked archive or a folder the user points at. Every JSON blob is checked against its
// digest before it is parsed; a manifest that points at a missing blob, a digest that is not
// sha256, a layer count that differs from the config's diff_ids, or an image for another OS is
// refused (`unprocessable`). Layer blobs are checked when they are unpacked.
class ImageLayout final
{
public:
    static Result<ImageManifest> read(const RootDirectory &layout, const QString &what);

    // The architecture an image must be built for to run here ("amd64", "arm64"...).
    static QString hostArchitecture();

private:
    static Result<ImageManifest> readOci(const RootDirectory &layout, const QString &what);
    static Result<ImageManifest> readDocker(const RootDirectory &layout, const QString &what);
};

} // namespace edgedesk
