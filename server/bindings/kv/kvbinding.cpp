#include "bindings/kv/kvbinding.h"

#include "bindings/storedcontent.h"
#include "routing/router.h"
#include "util/workerpool.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

namespace edgedesk {

Q_LOGGING_CATEGORY(lcKv, "edgedesk.kv")

namespace {

QJsonValue metadataJson(const QByteArray &metadata)
{
    if (metadata.isEmpty())
        return QJsonValue::Null;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + metadata + "]");
    return doc.array().first();
}

} // namespace

QByteArray KvBinding::demoValue()
{
    // A JSON document stored as text, as the demo's Worker keeps it: its page parses the value of
    // GET /kv once more.
    return QByteArrayLiteral("{\"message\":\"Hello from the MY_KV namespace\","
                             "\"stored_by\":\"EdgeDesk\",\"storage\":\"SQLite\"}");
}

KvBinding::KvBinding(const ServerContext &context, const KvNamespaceConfig &config,
                     OpenedStore<KvStore> store, bool servesDemoRoute)
    : m_context(context), m_config(config), m_store(std::move(store.store)),
      m_openError(store.error), m_servesDemoRoute(servesDemoRoute)
{
    if (m_store && store.created && servesDemoRoute) {
        m_store->put(context.config.kvDemoKey, demoValue(), QStringLiteral("application/json"),
                     QByteArray(), 0);
        qCInfo(lcKv).noquote() << "seeded" << config.binding << "with key"
                               << context.config.kvDemoKey;
    }
}

bool KvBinding::acceptsKey(const ExchangePtr &ex, const QString &key) const
{
    if (!m_store) {
        ex->respond(HttpResponse::error(QStringLiteral("storage_error"), m_openError));
        return false;
    }
    if (auto invalid = KvStore::validateKey(key)) {
        ex->respond(HttpResponse::error(*invalid));
        return false;
    }
    return true;
}

void KvBinding::addRoutes(Router &router)
{
    const QByteArray base = "/__edgedesk/v1/kv/" + m_config.binding.toUtf8() + "/keys";
    if (m_servesDemoRoute) {
        router.add(Route{QStringLiteral("kv"),
                         m_config.binding,
                         "/kv",
                         {"GET"},
                         0,
                         [this](const ExchangePtr &ex) {
                             const QString key = ex->hasQueryItem(QStringLiteral("key"))
                                                     ? ex->queryItem(QStringLiteral("key"))
                                                     : m_context.config.kvDemoKey;
                             getDemoValue(ex, key);
                         }});
    }
    router.add(Route{QStringLiteral("control.kv.keys"),
                     m_config.binding,
                     base,
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) { listKeys(ex); }});
    router.add(Route{QStringLiteral("control.kv.key"),
                     m_config.binding,
                     base + "/{*key}",
                     {"GET", "PUT", "DELETE"},
                     KvStore::kMaxValueBytes,
                     [this](const ExchangePtr &ex) {
                         const QString key = ex->param(QStringLiteral("key"));
                         if (ex->isGetOrHead())
                             getValue(ex, key);
                         else if (ex->method() == "PUT")
                             putValue(ex, key);
                         else
                             deleteValue(ex, key);
                     }});
}

std::optional<std::optional<KvEntry>> KvBinding::readEntry(const ExchangePtr &ex,
                                                           const QString &key)
{
    if (!acceptsKey(ex, key))
        return std::nullopt;
    auto entry = m_store->get(key);
    if (!entry) {
        ex->respond(HttpResponse::error(entry.error()));
        return std::nullopt;
    }
    return *entry;
}

void KvBinding::getDemoValue(const ExchangePtr &ex, const QString &key)
{
    const auto entry = readEntry(ex, key);
    if (!entry)
        return;
    // The demo Worker's answer: the value as text (KV's default read), null when absent.
    const QJsonValue value = entry->has_value() ? QJsonValue(QString::fromUtf8((*entry)->value))
                                                : QJsonValue(QJsonValue::Null);
    HttpResponse response = HttpResponse::json(
        200, QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("value"), value}});
    response.header("Cache-Control", "no-store");
    StoredContent::sandbox(response);
    ex->respond(std::move(response));
}

void KvBinding::getValue(const ExchangePtr &ex, const QString &key)
{
    const auto entry = readEntry(ex, key);
    if (!entry)
        return;
    if (!entry->has_value()) {
        ex->respond(HttpResponse::error(
            QStringLiteral("not_found"),
            QStringLiteral("key '%1' not found in %2").arg(key.left(200), m_config.binding)));
        return;
    }
    const KvEntry &e = **entry;
    QByteArray type = e.contentType.toUtf8();
    if (type.isEmpty())
        type = "application/octet-stream";
    HttpResponse response = HttpResponse::bytes(200, type, e.value);
    if (!e.metadata.isEmpty())
        response.header("X-EdgeDesk-Metadata", e.metadata);
    if (e.expiration > 0)
        response.header("X-EdgeDesk-Expiration", QByteArray::number(e.expiration));
    response.header("Cache-Control", "no-store");
    StoredContent::sandbox(response);
    ex->respond(std::move(response));
}

void KvBinding::listKeys(const ExchangePtr &ex)
{
    if (!m_store) {
        ex->respond(HttpResponse::error(QStringLiteral("storage_error"), m_openError));
        return;
    }
    int limit = 1000;
    if (ex->hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        limit = ex->queryItem(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > 1000) {
            ex->respond(HttpResponse::error(QStringLiteral("bad_request"),
                                            QStringLiteral("limit must be an integer 1..1000")));
            return;
        }
    }
    auto listing = m_store->list(ex->queryItem(QStringLiteral("prefix")),
                                 ex->queryItem(QStringLiteral("cursor")), limit);
    if (!listing) {
        ex->respond(HttpResponse::error(listing.error()));
        return;
    }
    QJsonArray keys;
    for (const auto &k : listing->keys) {
        QJsonObject o{{QStringLiteral("name"), k.name}};
        if (k.expiration > 0)
            o.insert(QStringLiteral("expiration"), double(k.expiration));
        if (!k.metadata.isEmpty())
            o.insert(QStringLiteral("metadata"), metadataJson(k.metadata));
        keys.append(o);
    }
    QJsonObject body{{QStringLiteral("keys"), keys},
                     {QStringLiteral("list_complete"), listing->listComplete}};
    if (!listing->cursor.isEmpty())
        body.insert(QStringLiteral("cursor"), listing->cursor);
    ex->respond(HttpResponse::json(200, body));
}

void KvBinding::putValue(const ExchangePtr &ex, const QString &key)
{
    if (!acceptsKey(ex, key))
        return;
    if (ex->body().size() > KvStore::kMaxValueBytes) {
        ex->respond(HttpResponse::error(
            QStringLiteral("payload_too_large"),
            QStringLiteral("values are at most %1 bytes").arg(KvStore::kMaxValueBytes)));
        return;
    }
    const QByteArray metadata = ex->header("x-edgedesk-metadata");
    if (auto invalid = KvStore::validateMetadata(metadata)) {
        ex->respond(HttpResponse::error(*invalid));
        return;
    }
    qint64 expiration = 0;
    if (ex->hasQueryItem(QStringLiteral("expiration_ttl"))) {
        bool ok = false;
        const qint64 ttl = ex->queryItem(QStringLiteral("expiration_ttl")).toLongLong(&ok);
        if (!ok || ttl < 1 || ttl > 10LL * 365 * 24 * 3600) {
            ex->respond(HttpResponse::error(
                QStringLiteral("bad_request"),
                QStringLiteral("expiration_ttl must be a number of seconds ≥ 1")));
            return;
        }
        expiration = QDateTime::currentSecsSinceEpoch() + ttl;
    } else if (ex->hasQueryItem(QStringLiteral("expiration"))) {
        bool ok = false;
        expiration = ex->queryItem(QStringLiteral("expiration")).toLongLong(&ok);
        if (!ok || expiration <= QDateTime::currentSecsSinceEpoch()) {
            ex->respond(HttpResponse::error(
                QStringLiteral("bad_request"),
                QStringLiteral("expiration must be a future time in seconds since the epoch")));
            return;
        }
    }
    QString contentType = QString::fromUtf8(ex->header("content-type"));
    if (contentType.isEmpty())
        contentType = QStringLiteral("application/octet-stream");
    const qint64 size = ex->body().size();
    std::shared_ptr<KvStore> store = m_store;
    m_context.pool->run(
        m_context.serverThread,
        [store, key, value = ex->body(), contentType, metadata, expiration] {
            return store->put(key, value, contentType, metadata, expiration);
        },
        [ex, key, size, expiration](const Status &status) {
            if (!status) {
                ex->respond(HttpResponse::error(status.error()));
                return;
            }
            QJsonObject body{{QStringLiteral("success"), true},
                             {QStringLiteral("key"), key},
                             {QStringLiteral("size"), double(size)}};
            if (expiration > 0)
                body.insert(QStringLiteral("expiration"), double(expiration));
            ex->respond(HttpResponse::json(200, body));
        });
}

void KvBinding::deleteValue(const ExchangePtr &ex, const QString &key)
{
    if (!acceptsKey(ex, key))
        return;
    std::shared_ptr<KvStore> store = m_store;
    m_context.pool->run(
        m_context.serverThread, [store, key] { return store->remove(key); },
        [ex, key, binding = m_config.binding](const Result<bool> &removed) {
            if (!removed) {
                ex->respond(HttpResponse::error(removed.error()));
            } else if (!*removed) {
                ex->respond(HttpResponse::error(
                    QStringLiteral("not_found"),
                    QStringLiteral("key '%1' not found in %2").arg(key.left(200), binding)));
            } else {
                ex->respond(HttpResponse::json(200, QJsonObject{{QStringLiteral("success"), true},
                                                                {QStringLiteral("key"), key}}));
            }
        });
}

} // namespace edgedesk
