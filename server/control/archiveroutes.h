#pragma once

#include "bindings/bindingmodule.h"
#include "routing/httpexchange.h"
#include "servercontext.h"
#include "storage/storeset.h"

namespace edgedesk {

class BucketStore;
class LogHub;

// The archive routes of the control API:
//   POST /__edgedesk/v1/r2/<binding>/import   a zip body (≤ 512 MiB): every image in it becomes
//        an object (key = path in the zip); 200 {"added":[{"key","size","etag"}],
//        "refused":[{"entry","reason"}]}, 422 for a hostile or damaged archive (nothing added),
//        415 for a body that is not a zip
//   GET  /__edgedesk/v1/logs/export           application/zip of every log file, as a download
// The work runs on the pool; the server thread only checks the request and answers.
class ArchiveRoutes final : public BindingModule
{
public:
    static constexpr qint64 kImportBodyLimit = 512LL * 1024 * 1024;

    // An import route for each of `buckets`; the log export reads the files `logs` writes.
    ArchiveRoutes(const ServerContext &context, const LogHub &logs,
                  QList<StoreSet::Bucket> buckets);

    void addRoutes(Router &router) override;

private:
    void importImages(const ExchangePtr &exchange, const OpenedStore<BucketStore> &bucket);
    void exportLogs(const ExchangePtr &exchange);

    const ServerContext &m_context;
    const LogHub &m_logs;
    QList<StoreSet::Bucket> m_buckets;
};

} // namespace edgedesk
