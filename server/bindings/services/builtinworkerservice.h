#pragma once

#include "bindings/services/service.h"

namespace edgedesk {

// The demo's second worker, in process: `/` and `/hello` greet, `/echo` mirrors the request,
// `/time` tells the time.
class BuiltinWorkerService final : public Service
{
public:
    BuiltinWorkerService(QString serviceName, QString binding);
    QString name() const override { return m_name; }
    void fetch(const ServiceRequest &request, std::function<void(HttpResponse)> respond) override;

private:
    QByteArray echo(const ServiceRequest &request) const; // the /echo answer, JSON

    QString m_name;
    QString m_binding;
};

} // namespace edgedesk
