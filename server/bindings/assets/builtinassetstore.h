#pragma once

#include "bindings/assets/assetstore.h"

#include <QHash>

namespace edgedesk {

// EdgeDesk's own frontend, compiled in (resources/dist): read once, kept with a content-hash
// ETag. Its pages keep EdgeDesk's strict Content-Security-Policy.
class BuiltinAssetStore final : public AssetStore
{
public:
    explicit BuiltinAssetStore(const QString &root);

    bool exists(const QString &path) const override;
    std::optional<AssetBody> open(const QString &path) const override;
    bool readsFromDisk() const override { return false; }
    QByteArray version(const QString &path) const override;

private:
    struct File
    {
        QByteArray bytes;
        QByteArray etag;
    };
    QHash<QString, File> m_files; // "/index.html" → file
};

} // namespace edgedesk
