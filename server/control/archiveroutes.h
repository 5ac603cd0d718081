#pragma once

#include "bindings/bindingmodule.h"
#include "routing/httpexchange.h"
#include "servercontext.h"

#include <memory>
#include <vector>

namespace edgedesk {

class BucketStore;

// The archive routes of the control API:
//   POST /__edgedesk/v1/r2/<binding>/import   a zip body (≤ 512 MiB): every image in it becomes
//        an object (key = path in the zip); 200 {"added":[{"key","size","etag"}],
//        "refused":[{"entry","reason"}]}, 422 for a hostile or damaged archive (nothing added),
//        415 for a body that is not a zip
//   GET  /__edgedesk/v1/logs/export           application/zip of every log file, as a download
// The work runs on the pool; the server thread only checks the request and answers.
class ArchiveBinding final : public BindingModule
{
public:
    static constexpr qint64 kImportBodyLimit = 512LL * 1024 * 1024;

    // The bucket routes are made for every BucketBinding among `bindings` (the ones registered
    // before this one).
    ArchiveBinding(ServerContext &context,
                   const std::vector<std::shared_ptr<BindingModule>> &bindings);

private:
    void importImages(const ExchangePtr &exchange, const QString &binding,
                      const std::shared_ptr<BucketStore> &store, const QString &openError);
    void exportLogs(const ExchangePtr &exchange);

    ServerContext &m_context;
};

} // namespace edgedesk
