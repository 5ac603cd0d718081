#pragma once

#include "bindings/bindingmodule.h"
#include "routing/httpexchange.h"
#include "servercontext.h"
#include "storage/bucket/bucketobject.h"
#include "storage/openedstore.h"
#include "util/result.h"

#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

namespace edgedesk {

class BucketStore;

// One bucket binding (e.g. `PUBLIC`), stored under <data>/r2/<binding>/, and its control API:
//   GET    /__edgedesk/v1/r2/<binding>/objects          list (prefix, delimiter, cursor, limit)
//   GET    /__edgedesk/v1/r2/<binding>/objects/<key>    bytes (Range, If-None-Match, If-Range)
//   HEAD   same                                         metadata
//   PUT    same                                         store (Content-Type, Content-MD5,
//                                                       X-EdgeDesk-Meta-<name>), ≤ 100 MiB
//   DELETE same
// Every store call runs on the worker pool; the server thread only parses and answers.
class BucketBinding final : public BindingModule
{
public:
    // `seedsDemoObject`: on the first start (a store just created) put the pristine sample
    // image under defaultObjectKey(), the object the demo's /image serves.
    BucketBinding(const ServerContext &context, const BucketConfig &config,
                  OpenedStore<BucketStore> store, bool seedsDemoObject);
    ~BucketBinding() override;

    void addRoutes(Router &router) override;

    static QString defaultObjectKey();
    // {"key","size","etag","content_type","uploaded","custom_metadata"}: one entry of a listing
    // and the answer to a PUT.
    static QJsonObject objectJson(const BucketObject &object);

private:
    Result<QString> keyOf(const HttpExchange &exchange) const;
    // The object key of a request on an object, or nothing once the request has been refused
    // (the bucket is unavailable, or the key is invalid).
    std::optional<QString> objectKey(const ExchangePtr &exchange) const;
    void listObjects(const ExchangePtr &exchange);
    void getObject(const ExchangePtr &exchange);
    void putObject(const ExchangePtr &exchange);
    void deleteObject(const ExchangePtr &exchange);
    bool refuseWhenUnavailable(const ExchangePtr &exchange) const;

    const ServerContext &m_context;
    BucketConfig m_config;
    QByteArray m_objectsPath; // "/__edgedesk/v1/r2/<binding>/objects"
    std::shared_ptr<BucketStore> m_store;
    QString m_openError;
};

} // namespace edgedesk
