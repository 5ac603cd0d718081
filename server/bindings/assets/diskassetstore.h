#pragma once

#include "bindings/assets/assetstore.h"

#include <QMutex>
#include <QSet>

namespace edgedesk {

// A project's assets folder, read from disk at every request: what changed is served at once,
// with an ETag from the file's size, modification time and inode. Only regular files inside the
// folder are served: no ".." or "." segment, no dotfile or dot-folder (but .well-known), no
// _headers, _redirects or _worker.js at the top (the platform does not serve them either), nothing
// a symlink leads to outside the folder, nothing over the platform's 25 MiB per asset.
class DiskAssetStore final : public AssetStore
{
public:
    explicit DiskAssetStore(const QString &folder);

    static constexpr qint64 kMaxAssetBytes = 25 * 1024 * 1024;

    bool exists(const QString &path) const override;
    std::optional<AssetBody> open(const QString &path) const override;
    bool readsFromDisk() const override { return true; }
    // The file's size, modification time and inode as open() reports them, from one stat of
    // the path (symlinks followed); a changed, replaced or removed file gives another answer.
    QByteArray version(const QString &path) const override;

    const QString &folder() const { return m_root; }

private:
    // The file's canonical path when it may be served, else empty.
    QString locate(const QString &path) const;
    void warnTooLarge(const QString &path, qint64 size) const;

    QString m_root; // canonical, no trailing slash
    mutable QMutex m_warnedMutex;
    mutable QSet<QString> m_warned;
};

} // namespace edgedesk
