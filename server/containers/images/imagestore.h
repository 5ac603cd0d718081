#pragma once

#include "containers/images/imagelimits.h"
#include "containers/images/imagerecord.h"
#include "util/result.h"

#include <QFileInfo>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

#include <functional>

namespace edgedesk {

struct ImageLayer;
struct ImageManifest;
class RootDirectory;

// The content-addressed cache of unpacked images under the data folder:
//
//   <root>/snapshots/<chain>/rootfs     the image root after a layer, <chain> = OCI ChainID hex
//   <root>/snapshots/<chain>/layer.json its LayerRecord
//   <root>/images/<id>.json             an ImageRecord; present only once all its layers are
//   <root>/tmp/load-<pid>-XXXXXX        work folders of running loads
//
// A snapshot is its parent's tree cloned with hard links plus one layer applied, so a file that
// no later layer touches is stored once however many images and layers contain it. Every
// snapshot is built in a work folder and renamed into place only when complete, and an image
// record is written last: whatever a crash or a refused layer leaves behind is in tmp/, which
// the next store removes, and never looks like a usable image.
//
// All methods block (loads can take seconds): call them from the WorkerPool. One mutex
// serialises loads and removals; reads of records are cheap.
class ImageStore final
{
public:
    explicit ImageStore(QString root);
    ImageStore(const ImageStore &) = delete;
    ImageStore &operator=(const ImageStore &) = delete;

    QString root() const { return m_root; }

    // step of steps, and what is being done ("verifying", "layer 2/3 …"), for a progress bar.
    using Progress = std::function<void(int step, int steps, const QString &what)>;
    // Loads an image archive (OCI layout or docker save; plain, gzip or zstd) or an unpacked OCI
    // layout folder: verifies it, unpacks the layers the cache lacks, records the image.
    // Errors: unprocessable (hostile or damaged), payload_too_large (limits), not_found,
    // storage_error, cancelled.
    // source: what the record names as its origin (default: path).
    Result<ImageRecord> load(const QString &path, const ImageLimits &limits = ImageLimits(),
                             const Progress &progress = Progress(),
                             const QString &source = QString());

    std::optional<ImageRecord> find(const QString &id) const;
    // The image last loaded from path, if path still has the size and time it had then and
    // every layer is still unpacked: what a restart uses instead of loading the archive again.
    std::optional<ImageRecord> findLoaded(const QString &path) const;
    // What identifies a source's state: an archive's size and time, a layout's index.json's.
    static QFileInfo sourceInfo(const QString &path);
    QList<ImageRecord> images() const;
    // Every cached layer, with the images that use it.
    QList<LayerRecord> layers() const;
    // The read-only root of an image (its top snapshot's tree).
    QString rootfs(const ImageRecord &image) const;

    // An image in use (an instance runs from it) cannot be removed: remove() answers conflict.
    void retain(const QString &id);
    void release(const QString &id);
    bool inUse(const QString &id) const;
    // Removes the image record, then every snapshot no remaining image needs.
    Status remove(const QString &id);
    // Removes snapshots no image needs; returns how many.
    int collectGarbage();

private:
    Result<ImageRecord> unpack(const QString &path, const QString &work, const ImageLimits &limits,
                               const Progress &progress);
    Result<LayerRecord> ensureSnapshot(const RootDirectory &layout, const ImageLayer &layer,
                                       const QString &parentChain, const QString &work,
                                       qint64 budget, qint64 entryBudget,
                                       const ImageLimits &limits);
    QString snapshotPath(const QString &chainId) const;
    QString imagePath(const QString &id) const;
    std::optional<LayerRecord> readLayer(const QString &chainId) const;
    int collectGarbageLocked();

    QString m_root;
    QMutex m_mutex;            // loads, removals
    mutable QMutex m_useMutex; // m_inUse only: never held for long
    QHash<QString, int> m_inUse;
};

} // namespace edgedesk
