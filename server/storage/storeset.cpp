#include "storage/storeset.h"

#include "config/edgeconfig.h"
#include "storage/bucket/bucketstore.h"
#include "storage/durable/durablestore.h"
#include "storage/kv/kvstore.h"
#include "storage/secrets/secretstore.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

namespace edgedesk {

namespace {

Q_LOGGING_CATEGORY(lcStorage, "edgedesk.storage")

template <typename Store, typename Opened>
OpenedStore<Store> adopt(Opened opened, const QString &what)
{
    OpenedStore<Store> out;
    if (opened) {
        out.store = std::shared_ptr<Store>(std::move(*opened));
        return out;
    }
    out.error = QStringLiteral("%1 is unavailable: %2").arg(what, opened.error().message);
    qCCritical(lcStorage).noquote() << out.error;
    return out;
}

template <typename Store> OpenedStore<Store> notConfigured(const QString &what)
{
    OpenedStore<Store> out;
    out.error = QStringLiteral("%1 is not in the configuration").arg(what);
    return out;
}

} // namespace

StoreSet StoreSet::open(const EdgeConfig &config, const QString &dataDir)
{
    const QDir data(dataDir);
    StoreSet set;

    const QString kvFolder = data.filePath(QStringLiteral("kv"));
    QDir().mkpath(kvFolder);
    for (const KvNamespaceConfig &kv : config.kvNamespaces) {
        auto opened = adopt<KvStore>(
            KvStore::open(QDir(kvFolder).filePath(kv.binding + QStringLiteral(".sqlite"))),
            QStringLiteral("KV namespace %1").arg(kv.binding));
        if (opened.store) {
            opened.created = opened.store->wasCreated();
            opened.store->purgeExpired();
        }
        set.m_kv.insert(kv.binding, std::move(opened));
    }

    for (const BucketConfig &bucket : config.buckets) {
        const QString root = data.filePath(QStringLiteral("r2/") + bucket.binding);
        const bool existed = QFileInfo::exists(QDir(root).filePath(QStringLiteral("meta.sqlite")));
        auto opened = adopt<BucketStore>(BucketStore::open(root),
                                         QStringLiteral("bucket %1").arg(bucket.binding));
        opened.created = opened.store && !existed;
        set.m_buckets.append({bucket.binding, std::move(opened)});
    }

    // Never re-created over one that cannot be opened: the user's secrets stay as they are.
    set.m_secrets = adopt<SecretStore>(SecretStore::open(data.filePath(QStringLiteral("secrets"))),
                                       QStringLiteral("the secrets store"));

    for (const ContainerClassConfig &c : config.containers) {
        std::vector<OpenedStore<DurableStore>> instances;
        for (int i = 0; i < c.maxInstances; ++i)
            instances.push_back(adopt<DurableStore>(
                DurableStore::open(data.filePath(
                    QStringLiteral("durable/%1/instance-%2.sqlite").arg(c.className).arg(i))),
                QStringLiteral("the durable storage of %1/instance-%2").arg(c.binding).arg(i)));
        set.m_durable.insert(c.className, std::move(instances));
    }
    return set;
}

OpenedStore<KvStore> StoreSet::kv(const QString &binding) const
{
    const auto it = m_kv.constFind(binding);
    return it == m_kv.cend() ? notConfigured<KvStore>(QStringLiteral("KV namespace ") + binding)
                             : *it;
}

OpenedStore<BucketStore> StoreSet::bucket(const QString &binding) const
{
    for (const Bucket &b : m_buckets) {
        if (b.first == binding)
            return b.second;
    }
    return notConfigured<BucketStore>(QStringLiteral("bucket ") + binding);
}

OpenedStore<DurableStore> StoreSet::durable(const QString &className, int instance) const
{
    const auto it = m_durable.constFind(className);
    if (it == m_durable.cend() || instance < 0 || size_t(instance) >= it->size())
        return notConfigured<DurableStore>(
            QStringLiteral("instance %1 of container class %2").arg(instance).arg(className));
    return it->at(size_t(instance));
}

} // namespace edgedesk
