#include "control/imageroutes.h"

#include "containers/images/imagedigest.h"
#include "containers/images/imagestore.h"
#include "routing/router.h"
#include "util/tempfolders.h"
#include "util/workerpool.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>

namespace edgedesk {

namespace {

const QByteArray kBase = "/__edgedesk/v1/images";

bool isArchiveType(const QByteArray &contentType)
{
    const QByteArray type = contentType.split(';').first().trimmed().toLower();
    return type.isEmpty() || type == "application/x-tar" || type == "application/tar" ||
           type == "application/octet-stream" || type == "application/gzip" ||
           type == "application/x-gzip" || type == "application/zstd" ||
           type == "application/vnd.oci.image.layout.v1+tar";
}

} // namespace

ImageRoutes::ImageRoutes(const ServerContext &context, std::shared_ptr<ImageStore> store)
    : m_context(context), m_store(std::move(store))
{}

void ImageRoutes::addRoutes(Router &router)
{
    router.add(Route{QStringLiteral("control.images"),
                     QString(),
                     kBase,
                     {"GET", "POST"},
                     kUploadLimit,
                     [this](const ExchangePtr &ex) {
                         if (ex->method() == "POST")
                             upload(ex);
                         else
                             list(ex);
                     }});
    router.add(Route{QStringLiteral("control.images.image"),
                     QString(),
                     kBase + "/{digest}",
                     {"DELETE"},
                     0,
                     [this](const ExchangePtr &ex) { remove(ex); }});
}

void ImageRoutes::list(const ExchangePtr &ex)
{
    const std::shared_ptr<ImageStore> store = m_store;
    m_context.pool->run(
        m_context.serverThread,
        [store] {
            QJsonArray images;
            for (const ImageRecord &image : store->images()) {
                QJsonObject o = image.toJson();
                o.insert(QStringLiteral("in_use"), store->inUse(image.id));
                images.append(o);
            }
            QJsonArray layers;
            for (const LayerRecord &layer : store->layers())
                layers.append(layer.toJson());
            return QJsonObject{{QStringLiteral("images"), images},
                               {QStringLiteral("layers"), layers}};
        },
        [ex](const QJsonObject &body) { ex->respond(HttpResponse::json(200, body)); });
}

void ImageRoutes::upload(const ExchangePtr &ex)
{
    if (!isArchiveType(ex->header("content-type"))) {
        ex->respond(HttpResponse::error(
            QStringLiteral("unsupported_media_type"),
            QStringLiteral("send an image archive (Content-Type: application/x-tar), as `docker "
                           "save` or `podman save` write it")));
        return;
    }
    if (ex->body().isEmpty()) {
        ex->respond(HttpResponse::error(QStringLiteral("bad_request"),
                                        QStringLiteral("the body must be an image archive")));
        return;
    }
    const std::shared_ptr<ImageStore> store = m_store;
    const QByteArray body = ex->body(); // shared, not copied
    const QString uploads = QDir(store->root()).filePath(QStringLiteral("uploads"));
    m_context.pool->run(
        m_context.serverThread,
        [store, body, uploads]() -> Result<ImageRecord> {
            // The archive goes to a file of this process's own folder: libarchive and the store
            // read files, and a crash leaves it where the next start removes it.
            QDir().mkpath(uploads);
            removeTempFoldersOfGoneProcesses(uploads, QStringLiteral("upload"));
            const QString folder = makeProcessTempFolder(uploads, QStringLiteral("upload"));
            const QString path = folder + QStringLiteral("/image.tar");
            QFile file(path);
            if (folder.isEmpty() || !file.open(QIODevice::WriteOnly) ||
                file.write(body) != body.size() || !file.flush())
                return makeError(QStringLiteral("storage_error"),
                                 QStringLiteral("cannot keep the upload in %1").arg(uploads));
            file.close();
            auto loaded = store->load(path, ImageLimits(), {}, QStringLiteral("upload"));
            QDir(folder).removeRecursively();
            return loaded;
        },
        [ex](const Result<ImageRecord> &image) {
            if (!image) {
                ex->respond(HttpResponse::error(image.error()));
                return;
            }
            ex->respond(
                HttpResponse::json(201, QJsonObject{{QStringLiteral("image"), image->toJson()}}));
        });
}

void ImageRoutes::remove(const ExchangePtr &ex)
{
    const QString digest = ex->param(QStringLiteral("digest"));
    if (!ImageDigest::isValid(digest)) {
        ex->respond(HttpResponse::error(QStringLiteral("bad_request"),
                                        QStringLiteral("%1 is not an image digest (sha256:<64 hex "
                                                       "digits>)")
                                            .arg(digest.left(100))));
        return;
    }
    const std::shared_ptr<ImageStore> store = m_store;
    m_context.pool->run(
        m_context.serverThread, [store, digest] { return store->remove(digest); },
        [ex, digest](const Status &removed) {
            if (!removed) {
                ex->respond(HttpResponse::error(removed.error()));
                return;
            }
            ex->respond(HttpResponse::json(200, QJsonObject{{QStringLiteral("removed"), digest}}));
        });
}

} // namespace edgedesk
