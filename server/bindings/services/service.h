#pragma once

#include "routing/httpresponse.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace edgedesk {

// A request handed to an in-process service: no socket involved.
struct ServiceRequest
{
    QByteArray method;
    QString path; // inside the service, e.g. "/hello"
    QByteArray rawQuery;
    HeaderList headers;
    QByteArray body;
};

// A service bound to a worker (the platform's service bindings): request in, response out.
// `respond` must be called exactly once, in the caller's thread.
class Service
{
public:
    virtual ~Service() = default;
    virtual QString name() const = 0;
    virtual void fetch(const ServiceRequest &request,
                       std::function<void(HttpResponse)> respond) = 0;
};

} // namespace edgedesk
