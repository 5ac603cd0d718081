#include "control/archiveroutes.h"

#include "archive/bulkimageimport.h"
#include "archive/logarchive.h"
#include "logging/loghub.h"
#include "routing/router.h"
#include "storage/bucket/bucketstore.h"
#include "util/workerpool.h"

#include <QBuffer>
#include <QDateTime>

namespace edgedesk {

namespace {

bool isZipType(const QByteArray &contentType)
{
    const QByteArray type = contentType.split(';').first().trimmed().toLower();
    return type.isEmpty() || type == "application/zip" || type == "application/x-zip-compressed" ||
           type == "application/x-zip" || type == "application/octet-stream";
}

} // namespace

ArchiveRoutes::ArchiveRoutes(const ServerContext &context, const LogHub &logs,
                             QList<StoreSet::Bucket> buckets)
    : m_context(context), m_logs(logs), m_buckets(std::move(buckets))
{}

void ArchiveRoutes::addRoutes(Router &router)
{
    for (const StoreSet::Bucket &bucket : std::as_const(m_buckets)) {
        router.add(Route{
            QStringLiteral("control.r2.import"),
            bucket.first,
            "/__edgedesk/v1/r2/" + bucket.first.toUtf8() + "/import",
            {"POST"},
            kImportBodyLimit,
            [this, store = bucket.second](const ExchangePtr &ex) { importImages(ex, store); }});
    }
    router.add(Route{QStringLiteral("control.logs.export"),
                     QString(),
                     "/__edgedesk/v1/logs/export",
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) { exportLogs(ex); }});
}

void ArchiveRoutes::importImages(const ExchangePtr &ex, const OpenedStore<BucketStore> &bucket)
{
    if (!bucket) {
        ex->respond(HttpResponse::error(QStringLiteral("storage_error"), bucket.error));
        return;
    }
    if (!isZipType(ex->header("content-type"))) {
        ex->respond(HttpResponse::error(QStringLiteral("unsupported_media_type"),
                                        QStringLiteral("send a zip archive (Content-Type: "
                                                       "application/zip)")));
        return;
    }
    if (ex->body().isEmpty()) {
        ex->respond(HttpResponse::error(QStringLiteral("bad_request"),
                                        QStringLiteral("the body must be a zip archive of "
                                                       "images")));
        return;
    }
    if (!ex->body().startsWith("PK")) {
        ex->respond(HttpResponse::error(QStringLiteral("unsupported_media_type"),
                                        QStringLiteral("the body is not a zip archive")));
        return;
    }
    QByteArray body = ex->body(); // shared, not copied
    std::shared_ptr<BucketStore> store = bucket.store;
    m_context.pool->run(
        m_context.serverThread,
        [store, body]() mutable {
            QBuffer device(&body);
            device.open(QIODevice::ReadOnly);
            return BulkImageImport::run(*store, &device);
        },
        [ex](const Result<BulkImportReport> &report) {
            if (!report) {
                ex->respond(HttpResponse::error(report.error()));
                return;
            }
            ex->respond(HttpResponse::json(200, report->toJson()));
        });
}

void ArchiveRoutes::exportLogs(const ExchangePtr &ex)
{
    QString folder = m_logs.logFolder();
    if (folder.isEmpty())
        folder = m_context.statePath(QStringLiteral("logs"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_context.pool->run(
        m_context.serverThread, [folder, now] { return LogArchive::build(folder, now); },
        [ex, now](const Result<QByteArray> &zip) {
            if (!zip) {
                ex->respond(HttpResponse::error(zip.error()));
                return;
            }
            HttpResponse response = HttpResponse::bytes(200, "application/zip", *zip);
            response.header("Content-Disposition", "attachment; filename=\"" +
                                                       LogArchive::baseName(now).toLatin1() +
                                                       ".zip\"");
            response.header("Cache-Control", "no-store");
            ex->respond(std::move(response));
        });
}

} // namespace edgedesk
