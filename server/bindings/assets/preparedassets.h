#pragma once

#include "bindings/assets/assetresolver.h"
#include "routing/preparedresponse.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <memory>

namespace edgedesk {

class AssetStore;

// The plain GET answers of static assets, encoded once (PreparedResponse) and keyed by the
// request path that asked for them: the next GET of that path is one hash lookup and one write,
// with no path resolution, no file read and no header encoding. An answer is dropped the moment
// its file changes: before it is sent, the store is asked for the file's current version (for a
// folder on disk, one stat) and a different one sends the request down the full path again.
// Lives in the server thread.
class PreparedAssets final
{
public:
    static constexpr qint64 kMaxEntryBytes = 1024 * 1024;
    static constexpr qint64 kMaxTotalBytes = 64 * 1024 * 1024;

    explicit PreparedAssets(std::shared_ptr<const AssetStore> store);

    // The prepared answer for rawPath, or null when there is none or its file changed.
    const PreparedResponse *find(const QByteArray &rawPath);
    // Keeps response, the full answer to a plain GET of rawPath (decoded: path) that served
    // intent, when it is a 200 and the path names the file itself or its folder's index.html:
    // a path whose meaning could change with other files coming or going (another file served
    // for it, a 404 page) is resolved again every time. Large answers and those beyond the
    // total budget are not kept.
    void offer(const QByteArray &rawPath, const QString &path, const AssetIntent &intent,
               const HttpResponse &response);

private:
    struct Entry
    {
        QString file;
        QByteArray etag;
        PreparedResponse response;
    };

    std::shared_ptr<const AssetStore> m_store;
    bool m_fixed; // a compiled-in store: its files never change
    QHash<QByteArray, Entry> m_entries;
    qint64 m_bytes = 0;
};

} // namespace edgedesk
