#include "bindings/services/servicebinding.h"

#include "bindings/services/builtinworkerservice.h"
#include "routing/router.h"
#include "upstream/httpforwarder.h"

#include <QUrl>

namespace edgedesk {

ServiceBinding::ServiceBinding(const ServerContext &context, const ServiceConfig &config)
    : m_config(config)
{
    if (config.url.isEmpty())
        m_service = std::make_unique<BuiltinWorkerService>(config.service, config.binding);
    else
        m_forwarder = new HttpForwarder(context.serverThread);
}

ServiceBinding::~ServiceBinding()
{
    delete m_forwarder;
}

void ServiceBinding::addRoutes(Router &router)
{
    Route route;
    route.name = QStringLiteral("worker");
    route.binding = m_config.binding;
    route.pattern = "/worker/{*path}";
    route.handler = [this](const ExchangePtr &ex) { handle(ex); };
    router.add(route);
    route.pattern = "/worker";
    router.add(std::move(route));
}

void ServiceBinding::handle(const ExchangePtr &ex)
{
    // The path inside the service: what follows "/worker", decoded ("/" at least).
    const QByteArray rest = ex->rawPath().mid(int(qstrlen("/worker")));
    const QString path = rest.isEmpty() ? QStringLiteral("/") : QUrl::fromPercentEncoding(rest);
    ex->setInstance(m_config.service);
    if (m_forwarder) {
        QUrl target(m_config.url);
        target.setPath(target.path().chopped(target.path().endsWith(QLatin1Char('/')) ? 1 : 0) +
                       path);
        if (!ex->rawQuery().isEmpty())
            target.setQuery(QString::fromUtf8(ex->rawQuery()), QUrl::StrictMode);
        m_forwarder->forward(ex, target,
                             HttpForwarder::Options{30000, m_config.service, "X-EdgeDesk-Service"});
        return;
    }
    ServiceRequest request{ex->method(), path, ex->rawQuery(), ex->headers(), ex->body()};
    m_service->fetch(request, [ex](HttpResponse response) { ex->respond(std::move(response)); });
}

} // namespace edgedesk
