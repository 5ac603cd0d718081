#include "bindings/unavailablebinding.h"

#include "routing/router.h"

namespace edgedesk {

UnavailableBinding::UnavailableBinding(ServerContext &context, const QByteArray &pattern,
                                       const QString &binding, const QString &what,
                                       const QString &reason)
{
    const QString message =
        reason.isEmpty()
            ? QStringLiteral("binding %1 (%2) is not available in this build of EdgeDesk")
                  .arg(binding, what)
            : QStringLiteral("binding %1 (%2) is not available: %3").arg(binding, what, reason);
    Route route;
    route.name = QString::fromLatin1(pattern.split('/').value(1)).remove(QLatin1Char('{'));
    route.binding = binding;
    route.pattern = pattern;
    route.handler = [message](const ExchangePtr &exchange) {
        exchange->respond(HttpResponse::error(QStringLiteral("binding_unavailable"), message));
    };
    context.router->add(std::move(route));
}

} // namespace edgedesk
