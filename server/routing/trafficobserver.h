#pragma once

#include <QtGlobal>

namespace edgedesk {

class HttpExchange;

// Told about every answered exchange (the traffic log and metrics).
class TrafficObserver
{
public:
    virtual ~TrafficObserver() = default;
    // `status` 499: the client left before the answer was complete.
    virtual void exchangeFinished(const HttpExchange &exchange, int status, qint64 bytesOut) = 0;
};

} // namespace edgedesk
