#include "control/archiveroutes.h"

#include "archive/bulkimageimport.h"
#include "archive/logarchive.h"
#include "storage/bucket/bucketstore.h"
#include "bindings/bucket/bucketbinding.h"
#include "routing/router.h"
#include "logging/loghub.h"
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

ArchiveBinding::ArchiveBinding(ServerContext &context,
                               const std::vector<std::shared_ptr<BindingModule>> &bindings)
    : m_context(context)
{
    Router *router = context.router;
    for (const auto &module : bindings) {
        const auto bucket = std::dynamic_pointer_cast<BucketBinding>(module);
        if (!bucket)
            continue;
        const QString binding = bucket->binding();
        const std::shared_ptr<BucketStore> store = bucket->store();
        const QString openError = bucket->openError();
        router->add(Route{QStringLiteral("control.r2.import"),
                          binding,
                          "/__edgedesk/v1/r2/" + binding.toUtf8() + "/import",
                          {"POST"},
                          kImportBodyLimit,
                          [this, binding, store, openError](const ExchangePtr &ex) {
                              importImages(ex, binding, store, openError);
                          }});
    }
    router->add(Route{QStringLiteral("control.logs.export"),
                      QString(),
                      "/__edgedesk/v1/logs/export",
                      {"GET"},
                      0,
                      [this](const ExchangePtr &ex) { exportLogs(ex); }});
}

void ArchiveBinding::importImages(const ExchangePtr &ex, const QString &binding,
                                  const std::shared_ptr<BucketStore> &store,
                                  const QString &openError)
{
    if (!store) {
        ex->respond(HttpResponse::error(
            QStringLiteral("storage_error"),
            QStringLiteral("bucket %1 is unavailable: %2").arg(binding, openError)));
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

void ArchiveBinding::exportLogs(const ExchangePtr &ex)
{
    QString folder = LogHub::instance()->logFolder();
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
