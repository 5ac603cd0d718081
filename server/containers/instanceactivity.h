#pragma once

#include <QJsonValue>
#include <QTimer>

#include <functional>

namespace edgedesk {

// What keeps an instance awake (sleep_after): its requests in flight, when the last one came and
// went, and one timer. The timer is not restarted per request (that would cost the proxy a timer
// operation per request); when it fires it looks at how long the instance has really been idle.
class InstanceActivity final
{
public:
    // sleepAfterMs: the class's sleep_after (0: never); canSleep: the instance is in a state to
    // sleep (healthy); sleep(ms): it has had no request for ms and should stop.
    InstanceActivity(std::function<qint64()> sleepAfterMs, std::function<bool()> canSleep,
                     std::function<void(qint64 idleMs)> sleep);
    InstanceActivity(const InstanceActivity &) = delete;
    InstanceActivity &operator=(const InstanceActivity &) = delete;

    void requestStarted();
    void requestFinished();
    // The instance became able to sleep: the idle time counts from now.
    void start();
    void cancel();

    int inFlight() const { return m_inFlight; }
    qint64 requests() const { return m_requests; }
    qint64 lastRequestMs() const { return m_lastRequestMs; } // wall clock, 0: none yet
    QJsonValue lastRequestJson() const;                      // ISO 8601 UTC, null: none yet

private:
    void arm(qint64 afterMs = 0); // 0: sleep_after
    void onTimer();

    std::function<qint64()> m_sleepAfterMs;
    std::function<bool()> m_canSleep;
    std::function<void(qint64)> m_sleep;
    QTimer m_timer;
    int m_inFlight = 0;
    qint64 m_requests = 0;
    qint64 m_lastRequestMs = 0;
    qint64 m_lastActivity = 0; // steady clock, ms: a request began or ended
};

} // namespace edgedesk
