#pragma once

#include "routing/httpresponse.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

namespace edgedesk {

// The request headers an asset answer depends on.
struct AssetRequest
{
    QByteArray ifNoneMatch;
    QByteArray range;
    QByteArray ifRange;
    bool headOnly = false;
};

// One file about to be answered: its version and a way to read its bytes.
struct AssetBody
{
    qint64 size = 0;
    QByteArray etag;
    // `count` bytes from `offset`; nothing when the file cannot be read as it was opened.
    std::function<std::optional<QByteArray>(qint64 offset, qint64 count)> read;
};

// Where assets come from: a project's folder on disk or the frontend compiled into EdgeDesk.
// Paths are decoded and absolute within the store ("/docs/index.html").
class AssetStore
{
public:
    virtual ~AssetStore() = default;

    // Whether `path` names a file that may be served. Cheap: asked several times per request.
    virtual bool exists(const QString &path) const = 0;
    // Opens the file; thread-safe (disk stores are read on the worker pool).
    virtual std::optional<AssetBody> open(const QString &path) const = 0;
    virtual bool readsFromDisk() const = 0;
    // The ETag the file at `path` has now, empty when it cannot be served; what open() would
    // report, without opening it. Cheap (one stat at most): asked per request of a prepared
    // answer, to drop it the moment the file changes.
    virtual QByteArray version(const QString &path) const = 0;

    // The whole answer for the file at `path`, served with `status` (200, or 404 for a 404
    // page): 304 for a matching If-None-Match, 206 or 416 for a Range on a 200, no body for HEAD.
    HttpResponse answer(const QString &path, int status, const AssetRequest &request) const;

    // By file name extension; text types in UTF-8.
    static QByteArray contentTypeFor(const QString &fileName);
};

} // namespace edgedesk
