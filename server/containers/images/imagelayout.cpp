#include "containers/images/imagelayout.h"

#include "containers/images/imagedigest.h"
#include "containers/images/imagelog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSysInfo>

#include <cerrno>

#include <unistd.h>

namespace edgedesk {

namespace {

constexpr qint64 kMaxJsonBlob = 4 << 20;
constexpr int kMaxIndexDepth = 4;

const QStringList kIndexTypes = {
    QStringLiteral("application/vnd.oci.image.index.v1+json"),
    QStringLiteral("application/vnd.docker.distribution.manifest.list.v2+json"),
};
const QStringList kManifestTypes = {
    QStringLiteral("application/vnd.oci.image.manifest.v1+json"),
    QStringLiteral("application/vnd.docker.distribution.manifest.v2+json"),
};
const QStringList kLayerTypes = {
    QStringLiteral("application/vnd.oci.image.layer.v1.tar"),
    QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"),
    QStringLiteral("application/vnd.oci.image.layer.v1.tar+zstd"),
    QStringLiteral("application/vnd.oci.image.layer.nondistributable.v1.tar"),
    QStringLiteral("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"),
    QStringLiteral("application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"),
    QStringLiteral("application/vnd.docker.image.rootfs.diff.tar.gzip"),
    QStringLiteral("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"),
};

Error refused(const QString &what, const QString &why)
{
    return makeError(QStringLiteral("unprocessable"), QStringLiteral("%1: %2").arg(what, why));
}

QByteArray blobPath(const QString &digest)
{
    return "blobs/sha256/" + ImageDigest::hex(digest).toLatin1();
}

// The digest a docker-save file name promises: "<hex>.json" or "blobs/sha256/<hex>".
QString digestFromName(const QString &path)
{
    QString name = path;
    if (name.startsWith(QLatin1String("blobs/sha256/")))
        name = name.mid(13);
    else if (name.endsWith(QLatin1String(".json")))
        name.chop(5);
    const QString digest = QStringLiteral("sha256:") + name;
    return ImageDigest::isValid(digest) ? digest : QString();
}

// Reads a small JSON file of the layout; with a digest, only if the file hashes to it.
Result<QJsonDocument> readJson(const RootDirectory &layout, const QByteArray &path,
                               const QString &digest, const QString &what)
{
    auto fd = layout.openFile(path);
    if (!fd) {
        if (fd.error().code == QLatin1String("not_found"))
            return refused(what, digest.isEmpty()
                                     ? QStringLiteral("%1 is missing").arg(QString::fromUtf8(path))
                                     : QStringLiteral("the manifest points at the blob %1, which "
                                                      "is missing")
                                           .arg(digest));
        return refused(what, fd.error().message);
    }
    QByteArray bytes;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd->get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return makeError(
                QStringLiteral("storage_error"),
                QStringLiteral("%1: cannot read %2").arg(what, QString::fromUtf8(path)));
        if (n == 0)
            break;
        bytes.append(buffer, n);
        if (bytes.size() > kMaxJsonBlob)
            return refused(what, QStringLiteral("%1 is larger than %2 bytes")
                                     .arg(QString::fromUtf8(path))
                                     .arg(kMaxJsonBlob));
    }
    if (!digest.isEmpty() && ImageDigest::ofBytes(bytes) != digest)
        return refused(what, QStringLiteral("the blob %1 does not match its digest (%2 has "
                                            "another content)")
                                 .arg(digest, QString::fromUtf8(path)));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return refused(what, QStringLiteral("%1 is not valid JSON: %2")
                                 .arg(QString::fromUtf8(path), error.errorString()));
    return document;
}

QString platformOf(const QJsonObject &descriptor)
{
    const QJsonObject platform = descriptor.value(QStringLiteral("platform")).toObject();
    return platform.value(QStringLiteral("os")).toString() + QLatin1Char('/') +
           platform.value(QStringLiteral("architecture")).toString();
}

// The manifest (or nested index) of an index that fits this machine.
Result<QJsonObject> pickDescriptor(const QJsonArray &manifests, const QString &what)
{
    const QString wanted = QStringLiteral("linux/") + ImageLayout::hostArchitecture();
    QStringList offered;
    for (const QJsonValue &value : manifests) {
        const QJsonObject descriptor = value.toObject();
        if (!descriptor.contains(QStringLiteral("platform")) || platformOf(descriptor) == wanted)
            return descriptor;
        offered.append(platformOf(descriptor));
    }
    if (offered.isEmpty())
        return refused(what, QStringLiteral("the index lists no image"));
    return refused(what, QStringLiteral("it has no image for %1 (only %2)")
                             .arg(wanted, offered.join(QStringLiteral(", "))));
}

// Reads the config blob into image and checks it against the manifest's layers.
Result<ImageManifest> withConfig(ImageManifest image, const RootDirectory &layout,
                                 const QByteArray &path, const QString &digest, const QString &what)
{
    auto config = readJson(layout, path, digest, what);
    if (!config)
        return config.error();
    image.id = digest;
    image.config = config->object();
    const QString os = image.config.value(QStringLiteral("os")).toString();
    const QString architecture = image.config.value(QStringLiteral("architecture")).toString();
    if (!os.isEmpty() && os != QLatin1String("linux"))
        return refused(what, QStringLiteral("the image is built for %1, not linux").arg(os));
    if (!architecture.isEmpty() && architecture != ImageLayout::hostArchitecture())
        return refused(what, QStringLiteral("the image is built for %1; this machine runs %2")
                                 .arg(architecture, ImageLayout::hostArchitecture()));
    const QJsonArray diffIds = image.config.value(QStringLiteral("rootfs"))
                                   .toObject()
                                   .value(QStringLiteral("diff_ids"))
                                   .toArray();
    if (diffIds.size() != image.layers.size())
        return refused(what, QStringLiteral("the manifest lists %1 layers but the config %2")
                                 .arg(image.layers.size())
                                 .arg(diffIds.size()));
    for (int i = 0; i < diffIds.size(); ++i) {
        const QString diffId = diffIds.at(i).toString();
        if (!ImageDigest::isValid(diffId))
            return refused(what, QStringLiteral("layer %1 has no sha256 diff_id").arg(i + 1));
        image.layers[i].diffId = diffId;
    }
    return image;
}

} // namespace

QString ImageLayout::hostArchitecture()
{
    const QString cpu = QSysInfo::currentCpuArchitecture();
    if (cpu == QLatin1String("x86_64"))
        return QStringLiteral("amd64");
    if (cpu == QLatin1String("i386"))
        return QStringLiteral("386");
    if (cpu == QLatin1String("power64"))
        return QStringLiteral("ppc64le");
    return cpu; // arm64, arm, riscv64, s390x are spelled alike
}

Result<ImageManifest> ImageLayout::read(const RootDirectory &layout, const QString &what)
{
    if (layout.status("index.json"))
        return readOci(layout, what);
    if (layout.status("manifest.json"))
        return readDocker(layout, what);
    return refused(what, QStringLiteral("it is neither an OCI image layout (index.json) nor a "
                                        "`docker save` archive (manifest.json)"));
}

Result<ImageManifest> ImageLayout::readOci(const RootDirectory &layout, const QString &what)
{
    auto index = readJson(layout, "index.json", QString(), what);
    if (!index)
        return index.error();
    ImageManifest image;
    image.format = QStringLiteral("oci");
    QJsonObject descriptor;
    QJsonObject current = index->object();
    for (int depth = 0;; ++depth) {
        if (depth == kMaxIndexDepth)
            return refused(what, QStringLiteral("its indexes nest too deep"));
        auto picked = pickDescriptor(current.value(QStringLiteral("manifests")).toArray(), what);
        if (!picked)
            return picked.error();
        descriptor = *picked;
        const QJsonObject annotations = descriptor.value(QStringLiteral("annotations")).toObject();
        for (const char *key : {"io.containerd.image.name", "org.opencontainers.image.ref.name"}) {
            const QString tag = annotations.value(QLatin1String(key)).toString();
            if (!tag.isEmpty() && !image.tags.contains(tag))
                image.tags.append(tag);
        }
        const QString digest = descriptor.value(QStringLiteral("digest")).toString();
        if (!ImageDigest::isValid(digest))
            return refused(what, QStringLiteral("a descriptor has no sha256 digest"));
        const QString type = descriptor.value(QStringLiteral("mediaType")).toString();
        auto blob = readJson(layout, blobPath(digest), digest, what);
        if (!blob)
            return blob.error();
        if (kIndexTypes.contains(type)) {
            current = blob->object();
            continue;
        }
        if (!kManifestTypes.contains(type) && !type.isEmpty())
            return refused(what, QStringLiteral("%1 is not an image manifest").arg(type));
        image.manifestDigest = digest;
        current = blob->object();
        break;
    }

    const QString configDigest = current.value(QStringLiteral("config"))
                                     .toObject()
                                     .value(QStringLiteral("digest"))
                                     .toString();
    if (!ImageDigest::isValid(configDigest))
        return refused(what, QStringLiteral("the manifest has no sha256 config digest"));
    for (const QJsonValue &value : current.value(QStringLiteral("layers")).toArray()) {
        const QJsonObject layer = value.toObject();
        ImageLayer entry;
        entry.digest = layer.value(QStringLiteral("digest")).toString();
        entry.mediaType = layer.value(QStringLiteral("mediaType")).toString();
        if (!ImageDigest::isValid(entry.digest))
            return refused(what, QStringLiteral("a layer has no sha256 digest"));
        if (!kLayerTypes.contains(entry.mediaType))
            return refused(what, QStringLiteral("layer %1 has the unsupported media type %2")
                                     .arg(entry.digest, entry.mediaType));
        entry.path = blobPath(entry.digest);
        if (!layout.status(entry.path))
            return refused(what, QStringLiteral("the manifest points at the layer %1, which is "
                                                "missing")
                                     .arg(entry.digest));
        image.layers.append(entry);
    }
    return withConfig(std::move(image), layout, blobPath(configDigest), configDigest, what);
}

Result<ImageManifest> ImageLayout::readDocker(const RootDirectory &layout, const QString &what)
{
    auto manifest = readJson(layout, "manifest.json", QString(), what);
    if (!manifest)
        return manifest.error();
    const QJsonArray images = manifest->array();
    if (images.isEmpty())
        return refused(what, QStringLiteral("manifest.json lists no image"));
    if (images.size() > 1)
        qCInfo(lcImages).noquote() << what << "holds" << images.size() << "images; using the first";
    const QJsonObject entry = images.first().toObject();
    ImageManifest image;
    image.format = QStringLiteral("docker");
    for (const QJsonValue &tag : entry.value(QStringLiteral("RepoTags")).toArray())
        image.tags.append(tag.toString());

    const QString configPath = entry.value(QStringLiteral("Config")).toString();
    const QString configDigest = digestFromName(configPath);
    if (configDigest.isEmpty())
        return refused(
            what,
            QStringLiteral("the config %1 is not named after its sha256 digest").arg(configPath));
    for (const QJsonValue &value : entry.value(QStringLiteral("Layers")).toArray()) {
        const QString path = value.toString();
        ImageLayer layer;
        layer.path = path.toUtf8();
        if (path.startsWith(QLatin1String("blobs/sha256/")))
            layer.digest = digestFromName(path);
        if (path.isEmpty() || (path.startsWith(QLatin1String("blobs/")) && layer.digest.isEmpty()))
            return refused(what, QStringLiteral("a layer path is not a sha256 blob: %1").arg(path));
        auto found = layout.openFile(layer.path);
        if (!found)
            return refused(what, found.error().code == QLatin1String("not_found")
                                     ? QStringLiteral("manifest.json points at the layer %1, "
                                                      "which is missing")
                                           .arg(path)
                                     : found.error().message);
        image.layers.append(layer);
    }
    return withConfig(std::move(image), layout, configPath.toUtf8(), configDigest, what);
}

} // namespace edgedesk
