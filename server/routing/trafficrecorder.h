#pragma once

#include "routing/trafficobserver.h"

namespace edgedesk {

class TrafficLog;

// Turns answered exchanges into traffic records (route, status, sizes, timing, peer).
class TrafficRecorder final : public TrafficObserver
{
public:
    explicit TrafficRecorder(TrafficLog *log) : m_log(log) {}
    void exchangeFinished(const HttpExchange &exchange, int status, qint64 bytesOut) override;

private:
    TrafficLog *m_log;
};

} // namespace edgedesk
