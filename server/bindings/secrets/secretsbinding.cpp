#include "bindings/secrets/secretsbinding.h"

#include "routing/router.h"
#include "storage/secrets/secretstore.h"
#include "util/workerpool.h"

#include <QDateTime>
#include <QJsonArray>

namespace edgedesk {

namespace {

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

SecretsBinding::SecretsBinding(const ServerContext &context, OpenedStore<SecretStore> store)
    : m_context(context),
      m_binding(context.config.secrets.binding.isEmpty() ? QStringLiteral("SECRET_STORE")
                                                         : context.config.secrets.binding),
      m_store(std::move(store.store)), m_openError(store.error)
{}

SecretsBinding::~SecretsBinding() = default;

void SecretsBinding::addRoutes(Router &router)
{
    router.add(Route{QStringLiteral("control.secrets"),
                     m_binding,
                     "/__edgedesk/v1/secrets",
                     {"GET"},
                     0,
                     [this](const ExchangePtr &ex) { list(ex); }});
    router.add(Route{QStringLiteral("control.secret"),
                     m_binding,
                     "/__edgedesk/v1/secrets/{name}",
                     {"PUT", "DELETE"},
                     SecretStore::kMaxValueBytes,
                     [this](const ExchangePtr &ex) { putOrDelete(ex); }});
}

bool SecretsBinding::refuseWhenUnavailable(const ExchangePtr &ex) const
{
    if (m_store)
        return false;
    ex->respond(HttpResponse::error(QStringLiteral("storage_error"), m_openError));
    return true;
}

void SecretsBinding::list(const ExchangePtr &ex)
{
    if (refuseWhenUnavailable(ex))
        return;
    auto list = m_store->list();
    if (!list) {
        ex->respond(HttpResponse::error(list.error()));
        return;
    }
    QJsonArray secrets;
    for (const SecretInfo &s : *list)
        secrets.append(QJsonObject{{QStringLiteral("name"), s.name},
                                   {QStringLiteral("created"), isoTime(s.createdMs)},
                                   {QStringLiteral("updated"), isoTime(s.updatedMs)}});
    ex->respond(HttpResponse::json(200, QJsonObject{{QStringLiteral("binding"), m_binding},
                                                    {QStringLiteral("secrets"), secrets}}));
}

void SecretsBinding::putOrDelete(const ExchangePtr &ex)
{
    if (refuseWhenUnavailable(ex))
        return;
    const QString name = ex->param(QStringLiteral("name"));
    if (auto valid = SecretStore::validateName(name); !valid) {
        ex->respond(HttpResponse::error(valid.error()));
        return;
    }
    std::shared_ptr<SecretStore> store = m_store;
    if (ex->method() == "PUT") {
        // An empty value is a mistake (a wrong @file), never a key.
        if (ex->body().isEmpty()) {
            ex->respond(HttpResponse::error(
                QStringLiteral("bad_request"),
                QStringLiteral("the secret value is empty: send it as the request body")));
            return;
        }
        m_context.pool->run(
            m_context.serverThread,
            [store, name, value = ex->body()] { return store->put(name, value); },
            [ex, name](const Status &st) {
                if (!st) {
                    ex->respond(HttpResponse::error(st.error()));
                    return;
                }
                ex->respond(HttpResponse::json(200, QJsonObject{{QStringLiteral("success"), true},
                                                                {QStringLiteral("name"), name}}));
            });
        return;
    }
    m_context.pool->run(
        m_context.serverThread, [store, name] { return store->remove(name); },
        [ex, name](const Result<bool> &removed) {
            if (!removed)
                ex->respond(HttpResponse::error(removed.error()));
            else if (!*removed)
                ex->respond(HttpResponse::error(QStringLiteral("not_found"),
                                                QStringLiteral("no secret named %1").arg(name)));
            else
                ex->respond(HttpResponse::json(200, QJsonObject{{QStringLiteral("success"), true},
                                                                {QStringLiteral("name"), name}}));
        });
}

} // namespace edgedesk
