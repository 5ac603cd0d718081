#pragma once

#include "storage/openedstore.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

#include <vector>

namespace edgedesk {

class BucketStore;
class DurableStore;
class KvStore;
class SecretStore;
struct EdgeConfig;

// Every store of one data folder, opened by the server core before any binding exists and
// handed to the bindings each one belongs to:
//   kv/<BINDING>.sqlite                          a KV namespace (expired keys purged at open)
//   r2/<BINDING>/                                a bucket
//   secrets/                                     the secrets store
//   durable/<ClassName>/instance-<N>.sqlite      a container instance's durable storage
// Opening blocks (SQLite, a sweep of a bucket's leftover files); it runs once, at start.
class StoreSet final
{
public:
    using Bucket = QPair<QString, OpenedStore<BucketStore>>;

    StoreSet() = default;
    static StoreSet open(const EdgeConfig &config, const QString &dataDir);

    // An empty OpenedStore with an error for a binding that is not configured.
    OpenedStore<KvStore> kv(const QString &binding) const;
    OpenedStore<BucketStore> bucket(const QString &binding) const;
    // Every bucket with its binding name, in configuration order.
    const QList<Bucket> &buckets() const { return m_buckets; }
    const OpenedStore<SecretStore> &secrets() const { return m_secrets; }
    // instance: 0 .. max_instances - 1 of the class.
    OpenedStore<DurableStore> durable(const QString &className, int instance) const;

private:
    QHash<QString, OpenedStore<KvStore>> m_kv;
    QList<Bucket> m_buckets;
    OpenedStore<SecretStore> m_secrets;
    QHash<QString, std::vector<OpenedStore<DurableStore>>> m_durable; // by class name
};

} // namespace edgedesk
