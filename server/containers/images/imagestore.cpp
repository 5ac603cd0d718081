#include "containers/images/imagestore.h"

#include "containers/images/imagedigest.h"
#include "containers/images/imagelayout.h"
#include "containers/images/imagelog.h"
#include "containers/images/layerapplier.h"
#include "containers/images/rootdirectory.h"
#include "util/tempfolders.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QSaveFile>
#include <QSet>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>

namespace edgedesk {

namespace {

const QString kWorkPrefix = QStringLiteral("load");

QString chainOf(const QString &parentChain, const QString &diffId)
{
    if (parentChain.isEmpty())
        return diffId;
    return ImageDigest::ofBytes((parentChain + QLatin1Char(' ') + diffId).toLatin1());
}

Error storageError(const QString &what, int error)
{
    return makeError(
        QStringLiteral("storage_error"),
        QStringLiteral("%1: %2").arg(what, QString::fromLocal8Bit(std::strerror(error))));
}

Status writeJson(const QString &path, const QJsonObject &object)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(object).toJson(QJsonDocument::Indented)) < 0 || !file.commit())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return Ok{};
}

std::optional<QJsonObject> readJsonObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

void removePath(const QString &path)
{
    const QFileInfo info(path);
    auto parent = RootDirectory::open(info.absolutePath());
    if (parent)
        RootDirectory::removeTree(parent->fd(), QFile::encodeName(info.fileName()));
}

// Removes a load's work folder however the load ends.
struct WorkFolder
{
    QString path;
    ~WorkFolder()
    {
        if (!path.isEmpty())
            removePath(path);
    }
};

} // namespace

ImageStore::ImageStore(QString root) : m_root(std::move(root))
{
    // The folders are made by the first load: a data folder without images gets none.
    const int stale =
        removeTempFoldersOfGoneProcesses(QDir(m_root).filePath(QStringLiteral("tmp")), kWorkPrefix);
    if (stale > 0)
        qCInfo(lcImages).noquote() << "removed" << stale << "unfinished image loads from" << m_root;
}

QString ImageStore::snapshotPath(const QString &chainId) const
{
    return QDir(m_root).filePath(QStringLiteral("snapshots/") + ImageDigest::hex(chainId));
}

QString ImageStore::imagePath(const QString &id) const
{
    return QDir(m_root).filePath(QStringLiteral("images/%1.json").arg(ImageDigest::hex(id)));
}

QString ImageStore::rootfs(const ImageRecord &image) const
{
    return snapshotPath(image.topChainId()) + QStringLiteral("/rootfs");
}

std::optional<LayerRecord> ImageStore::readLayer(const QString &chainId) const
{
    const QString folder = snapshotPath(chainId);
    auto object = readJsonObject(folder + QStringLiteral("/layer.json"));
    if (!object || !QFileInfo(folder + QStringLiteral("/rootfs")).isDir())
        return std::nullopt;
    auto layer = LayerRecord::fromJson(*object);
    if (!layer || layer->chainId != chainId)
        return std::nullopt;
    return layer;
}

std::optional<ImageRecord> ImageStore::find(const QString &id) const
{
    if (!ImageDigest::isValid(id))
        return std::nullopt;
    auto object = readJsonObject(imagePath(id));
    if (!object)
        return std::nullopt;
    auto image = ImageRecord::fromJson(*object);
    if (!image || image->id != id)
        return std::nullopt;
    return image;
}

QFileInfo ImageStore::sourceInfo(const QString &path)
{
    const QFileInfo info(path);
    return info.isDir() ? QFileInfo(info.absoluteFilePath() + QStringLiteral("/index.json")) : info;
}

std::optional<ImageRecord> ImageStore::findLoaded(const QString &path) const
{
    const QString source = QFileInfo(path).absoluteFilePath();
    const QFileInfo info = sourceInfo(path);
    for (const ImageRecord &image : images()) {
        if (image.source != source || image.sourceSize != info.size() ||
            image.sourceModified != info.lastModified().toUTC())
            continue;
        bool complete = true;
        for (const LayerRecord &layer : image.layers)
            complete = complete && readLayer(layer.chainId);
        if (complete)
            return image;
    }
    return std::nullopt;
}

QList<ImageRecord> ImageStore::images() const
{
    QList<ImageRecord> images;
    const QDir dir(QDir(m_root).filePath(QStringLiteral("images")));
    for (const QString &name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        auto image = find(QStringLiteral("sha256:") + name.chopped(5));
        if (image)
            images.append(*image);
    }
    return images;
}

QList<LayerRecord> ImageStore::layers() const
{
    QHash<QString, QStringList> users;
    for (const ImageRecord &image : images()) {
        for (const LayerRecord &layer : image.layers)
            users[layer.chainId].append(image.id);
    }
    QList<LayerRecord> layers;
    const QDir dir(QDir(m_root).filePath(QStringLiteral("snapshots")));
    for (const QString &name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        auto layer = readLayer(QStringLiteral("sha256:") + name);
        if (!layer)
            continue;
        layer->usedBy = users.value(layer->chainId);
        layers.append(*layer);
    }
    return layers;
}

Result<ImageRecord> ImageStore::load(const QString &path, const ImageLimits &limits,
                                     const Progress &progress, const QString &source)
{
    QMutexLocker locker(&m_mutex);
    for (const char *folder : {"snapshots", "images", "tmp"})
        QDir().mkpath(QDir(m_root).filePath(QLatin1String(folder)));
    WorkFolder work{
        makeProcessTempFolder(QDir(m_root).filePath(QStringLiteral("tmp")), kWorkPrefix)};
    if (work.path.isEmpty())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot make a work folder in %1/tmp").arg(m_root));
    auto image = unpack(path, work.path, limits, progress);
    if (image && !source.isEmpty()) {
        image->source = source;
        if (auto written = writeJson(imagePath(image->id), image->toJson()); !written)
            image = written.error();
    }
    if (!image) {
        qCWarning(lcImages).noquote() << "image" << path << "refused:" << image.error().message;
        // Lower layers of a refused image may have been completed: no image uses them.
        collectGarbageLocked();
        return image.error();
    }
    qCInfo(lcImages).noquote() << "image" << image->id << "loaded from" << path << "-"
                               << image->layers.size() << "layers," << image->size() << "bytes";
    return image;
}

Result<ImageRecord> ImageStore::unpack(const QString &path, const QString &work,
                                       const ImageLimits &limits, const Progress &progress)
{
    const QFileInfo info(path);
    const QString what = info.fileName();
    if (!info.exists())
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("the image %1 does not exist").arg(path));
    auto report = [&](int step, int steps, const QString &doing) {
        if (progress)
            progress(step, steps, doing);
    };

    QString layoutPath = info.absoluteFilePath();
    if (!info.isDir()) {
        report(0, 1, QStringLiteral("reading %1").arg(what));
        UniqueFd fd(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC));
        if (!fd)
            return storageError(QStringLiteral("cannot open %1").arg(path), errno);
        layoutPath = work + QStringLiteral("/archive");
        if (::mkdir(QFile::encodeName(layoutPath).constData(), 0700) != 0)
            return storageError(QStringLiteral("cannot make %1").arg(layoutPath), errno);
        auto target = RootDirectory::open(layoutPath);
        if (!target)
            return target.error();
        LayerApplier::Options options;
        options.what = QStringLiteral("the image archive %1").arg(what);
        options.whiteouts = false;
        options.maxBytes = limits.maxArchiveBytes;
        options.maxEntries = limits.maxEntries;
        options.limits = limits;
        auto extracted = LayerApplier::apply(fd.get(), *target, options);
        if (!extracted)
            return extracted.error();
    }
    auto layout = RootDirectory::open(layoutPath);
    if (!layout)
        return layout.error();
    const QString label = QStringLiteral("image %1").arg(what);
    auto manifest = ImageLayout::read(*layout, label);
    if (!manifest)
        return manifest.error();
    if (manifest->layers.isEmpty())
        return makeError(QStringLiteral("unprocessable"),
                         QStringLiteral("%1 has no layers: there is nothing to run").arg(label));

    ImageRecord image;
    image.id = manifest->id;
    image.manifestDigest = manifest->manifestDigest;
    image.format = manifest->format;
    image.tags = manifest->tags;
    image.source = info.absoluteFilePath();
    const QFileInfo state = sourceInfo(path);
    image.sourceSize = state.size();
    image.sourceModified = state.lastModified().toUTC();
    image.config = manifest->config;
    QString parentChain;
    qint64 bytes = 0;
    qint64 entries = 0;
    const int steps = int(manifest->layers.size());
    for (int i = 0; i < steps; ++i) {
        const ImageLayer &layer = manifest->layers.at(i);
        report(i, steps,
               QStringLiteral("layer %1/%2 %3").arg(i + 1).arg(steps).arg(layer.diffId.left(19)));
        auto record =
            ensureSnapshot(*layout, layer, parentChain, work, limits.maxUnpackedBytes - bytes,
                           limits.maxEntries - entries, limits);
        if (!record)
            return record.error();
        bytes += record->bytes;
        entries += record->entries;
        parentChain = record->chainId;
        image.layers.append(*record);
    }
    image.loadedAt = QDateTime::currentDateTimeUtc();
    if (auto written = writeJson(imagePath(image.id), image.toJson()); !written)
        return written.error();
    report(steps, steps, QStringLiteral("done"));
    return image;
}

Result<LayerRecord> ImageStore::ensureSnapshot(const RootDirectory &layout, const ImageLayer &layer,
                                               const QString &parentChain, const QString &work,
                                               qint64 budget, qint64 entryBudget,
                                               const ImageLimits &limits)
{
    const QString what =
        QStringLiteral("layer %1").arg(layer.digest.isEmpty() ? layer.diffId : layer.digest);
    auto blob = layout.openFile(layer.path);
    if (!blob)
        return makeError(QStringLiteral("unprocessable"),
                         QStringLiteral("%1: %2").arg(what, blob.error().message));
    auto mismatch = [&](const QString &expected, const QString &actual, const char *kind) {
        return makeError(
            QStringLiteral("unprocessable"),
            QStringLiteral("%1 does not match its %2: its content hashes to %3, not %4")
                .arg(what, QLatin1String(kind), actual, expected));
    };
    const QString chain = chainOf(parentChain, layer.diffId);

    if (auto cached = readLayer(chain)) {
        // Already unpacked: the blob must still be what the manifest says before it is trusted.
        if (!layer.digest.isEmpty()) {
            auto digest = ImageDigest::ofFile(blob->get(), limits);
            if (!digest)
                return digest.error();
            if (*digest != layer.digest)
                return mismatch(layer.digest, *digest, "digest");
        } else {
            auto decompressed = ImageDigest::decompress(blob->get(), -1, budget, limits, what);
            if (!decompressed)
                return decompressed.error();
            if (decompressed->digest != layer.diffId)
                return mismatch(layer.diffId, decompressed->digest, "diff_id");
        }
        return *cached;
    }

    const QString tarPath = work + QStringLiteral("/layer.tar");
    QFile::remove(tarPath);
    UniqueFd tar(::open(QFile::encodeName(tarPath).constData(),
                        O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!tar)
        return storageError(QStringLiteral("cannot create %1").arg(tarPath), errno);
    auto decompressed = ImageDigest::decompress(blob->get(), tar.get(), budget, limits, what);
    if (!decompressed)
        return decompressed.error();
    if (!layer.digest.isEmpty() && decompressed->blobDigest != layer.digest)
        return mismatch(layer.digest, decompressed->blobDigest, "digest");
    if (decompressed->digest != layer.diffId)
        return mismatch(layer.diffId, decompressed->digest, "diff_id");

    const QString snapshot = work + QStringLiteral("/snapshot");
    removePath(snapshot);
    const QString rootfs = snapshot + QStringLiteral("/rootfs");
    if (!QDir().mkpath(rootfs) ||
        !QFile::setPermissions(rootfs, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                           QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                           QFile::ExeOther))
        return storageError(QStringLiteral("cannot make %1").arg(rootfs), errno);
    auto root = RootDirectory::open(rootfs);
    if (!root)
        return root.error();
    if (!parentChain.isEmpty()) {
        auto parent = RootDirectory::open(snapshotPath(parentChain) + QStringLiteral("/rootfs"));
        if (!parent)
            return parent.error();
        if (auto cloned = RootDirectory::cloneTree(parent->fd(), root->fd()); !cloned)
            return cloned.error();
    }
    LayerApplier::Options options;
    options.what = what;
    options.maxBytes = budget;
    options.maxEntries = entryBudget;
    options.limits = limits;
    auto applied = LayerApplier::apply(tar.get(), *root, options);
    if (!applied)
        return applied.error();
    tar.reset();
    QFile::remove(tarPath);

    LayerRecord record;
    record.chainId = chain;
    record.diffId = layer.diffId;
    record.parentChainId = parentChain;
    record.compression = decompressed->compression;
    record.bytes = decompressed->bytes;
    record.entries = applied->entries;
    if (auto written = writeJson(snapshot + QStringLiteral("/layer.json"), record.toJson());
        !written)
        return written.error();
    const QString target = snapshotPath(chain);
    if (std::rename(QFile::encodeName(snapshot).constData(),
                    QFile::encodeName(target).constData()) != 0) {
        const int error = errno;
        if ((error == EEXIST || error == ENOTEMPTY) && readLayer(chain))
            return *readLayer(chain); // another store on this folder finished it first
        return storageError(QStringLiteral("cannot store %1 as %2").arg(what, target), error);
    }
    return record;
}

void ImageStore::retain(const QString &id)
{
    QMutexLocker locker(&m_useMutex);
    ++m_inUse[id];
}

void ImageStore::release(const QString &id)
{
    QMutexLocker locker(&m_useMutex);
    auto it = m_inUse.find(id);
    if (it != m_inUse.end() && --it.value() <= 0)
        m_inUse.erase(it);
}

bool ImageStore::inUse(const QString &id) const
{
    QMutexLocker locker(&m_useMutex);
    return m_inUse.contains(id);
}

Status ImageStore::remove(const QString &id)
{
    QMutexLocker locker(&m_mutex);
    if (!find(id))
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("no image %1 in the cache").arg(id));
    {
        QMutexLocker useLocker(&m_useMutex);
        if (m_inUse.contains(id))
            return makeError(QStringLiteral("conflict"),
                             QStringLiteral("the image %1 is in use by a running instance; stop it "
                                            "first")
                                 .arg(id));
        if (!QFile::remove(imagePath(id)))
            return makeError(QStringLiteral("storage_error"),
                             QStringLiteral("cannot remove %1").arg(imagePath(id)));
    }
    const int removed = collectGarbageLocked();
    qCInfo(lcImages).noquote() << "image" << id << "removed with" << removed << "unused layers";
    return Ok{};
}

int ImageStore::collectGarbage()
{
    QMutexLocker locker(&m_mutex);
    return collectGarbageLocked();
}

int ImageStore::collectGarbageLocked()
{
    QSet<QString> needed;
    for (const ImageRecord &image : images()) {
        for (const LayerRecord &layer : image.layers)
            needed.insert(ImageDigest::hex(layer.chainId));
    }
    int removed = 0;
    const QDir dir(QDir(m_root).filePath(QStringLiteral("snapshots")));
    for (const QString &name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (needed.contains(name))
            continue;
        removePath(dir.filePath(name));
        ++removed;
    }
    return removed;
}

} // namespace edgedesk
