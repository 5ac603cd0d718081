#include "containers/instanceactivity.h"

#include <QDateTime>

#include <chrono>
#include <limits>

namespace edgedesk {

namespace {

qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

InstanceActivity::InstanceActivity(std::function<qint64()> sleepAfterMs,
                                   std::function<bool()> canSleep,
                                   std::function<void(qint64 idleMs)> sleep)
    : m_sleepAfterMs(std::move(sleepAfterMs)), m_canSleep(std::move(canSleep)),
      m_sleep(std::move(sleep))
{
    m_timer.setSingleShot(true);
    QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { onTimer(); });
}

void InstanceActivity::requestStarted()
{
    ++m_inFlight;
    ++m_requests;
    m_lastRequestMs = QDateTime::currentMSecsSinceEpoch();
    m_lastActivity = steadyMs();
}

void InstanceActivity::requestFinished()
{
    m_inFlight = qMax(0, m_inFlight - 1);
    m_lastActivity = steadyMs();
    if (!m_timer.isActive())
        arm();
}

void InstanceActivity::start()
{
    m_lastActivity = steadyMs();
    arm();
}

void InstanceActivity::cancel()
{
    m_timer.stop();
}

void InstanceActivity::arm(qint64 afterMs)
{
    const qint64 sleepAfter = m_sleepAfterMs();
    if (!m_canSleep() || sleepAfter <= 0)
        return;
    const qint64 ms = afterMs > 0 ? afterMs : sleepAfter;
    m_timer.start(int(qMin<qint64>(ms, std::numeric_limits<int>::max())));
}

void InstanceActivity::onTimer()
{
    if (!m_canSleep())
        return;
    const qint64 sleepAfter = m_sleepAfterMs();
    const qint64 idle = steadyMs() - m_lastActivity;
    if (m_inFlight > 0) {
        arm();
        return;
    }
    if (idle < sleepAfter) {
        arm(sleepAfter - idle);
        return;
    }
    m_sleep(sleepAfter);
}

QJsonValue InstanceActivity::lastRequestJson() const
{
    if (m_lastRequestMs <= 0)
        return QJsonValue();
    return QDateTime::fromMSecsSinceEpoch(m_lastRequestMs, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace edgedesk
