#include "containers/classqueue.h"

#include "containers/containerclass.h"
#include "containers/containerinstance.h"

#include <algorithm>

namespace edgedesk {

ClassQueue::ClassQueue(ContainerClass *containerClass, Settings settings, QObject *parent)
    : QObject(parent), m_class(containerClass), m_settings(settings),
      m_busy(containerClass->instances().size(), 0)
{
    m_settings.slotsPerInstance = std::max(1, m_settings.slotsPerInstance);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ClassQueue::expire);
}

ClassQueue::~ClassQueue() = default;

int ClassQueue::busy() const
{
    int total = 0;
    for (int n : m_busy)
        total += n;
    return total;
}

int ClassQueue::pickInstance() const
{
    int best = -1;
    bool bestLive = false;
    const auto &instances = m_class->instances();
    for (size_t i = 0; i < instances.size(); ++i) {
        if (m_busy[i] >= m_settings.slotsPerInstance)
            continue;
        const ContainerInstance::State state = instances[i]->state();
        // A stopped instance costs a start: only when no running one has room.
        const bool live = state == ContainerInstance::State::Starting ||
                          state == ContainerInstance::State::Running ||
                          state == ContainerInstance::State::Healthy;
        if (best < 0 || (live && !bestLive) ||
            (live == bestLive && m_busy[i] < m_busy[size_t(best)])) {
            best = int(i);
            bestLive = live;
        }
    }
    return best;
}

ContainerInstance *ClassQueue::take(int index)
{
    ++m_busy[size_t(index)];
    return m_class->instances()[size_t(index)].get();
}

ClassQueue::Admission ClassQueue::refusal(const QString &message) const
{
    Admission refused;
    refused.error = makeError(QStringLiteral("too_many_requests"), message);
    refused.retryAfterSeconds = std::max(1, (m_settings.maxWaitMs + 999) / 1000);
    return refused;
}

void ClassQueue::submit(Admitted admitted, StillWanted stillWanted)
{
    if (m_waiting.empty()) {
        if (const int index = pickInstance(); index >= 0) {
            Admission admission;
            admission.instance = take(index);
            admitted(admission);
            return;
        }
    }
    if (int(m_waiting.size()) >= m_settings.maxWaiting) {
        ++m_refusedFull;
        admitted(refusal(
            QStringLiteral("every command slot of %1 is busy and %2 requests are already waiting; "
                           "retry later")
                .arg(m_class->name())
                .arg(m_waiting.size())));
        return;
    }
    Waiting waiting{std::move(admitted), std::move(stillWanted), {}};
    waiting.clock.start();
    m_waiting.push_back(std::move(waiting));
    if (m_waiting.size() == 1)
        armTimer();
}

void ClassQueue::release(ContainerInstance *instance)
{
    if (!instance)
        return;
    const auto index = size_t(instance->index());
    if (index < m_busy.size() && m_busy[index] > 0)
        --m_busy[index];
    dispatch();
}

void ClassQueue::dispatch()
{
    bool frontChanged = false;
    while (!m_waiting.empty()) {
        Waiting &front = m_waiting.front();
        if (front.stillWanted && !front.stillWanted()) {
            m_waiting.pop_front();
            frontChanged = true;
            continue;
        }
        const int index = pickInstance();
        if (index < 0)
            break;
        Waiting next = std::move(front);
        m_waiting.pop_front();
        frontChanged = true;
        Admission admission;
        admission.instance = take(index);
        admission.waitedUs = next.clock.nsecsElapsed() / 1000;
        next.admitted(admission);
    }
    if (frontChanged)
        armTimer();
}

void ClassQueue::expire()
{
    // Every request waits the same limit, so the oldest is always the first to run out.
    while (!m_waiting.empty() && m_waiting.front().clock.elapsed() >= m_settings.maxWaitMs) {
        Waiting expired = std::move(m_waiting.front());
        m_waiting.pop_front();
        if (expired.stillWanted && !expired.stillWanted())
            continue;
        ++m_refusedWait;
        Admission refused = refusal(QStringLiteral("no command slot of %1 became free within %2 ms; "
                                                   "retry later")
                                        .arg(m_class->name())
                                        .arg(m_settings.maxWaitMs));
        refused.waitedUs = expired.clock.nsecsElapsed() / 1000;
        expired.admitted(refused);
    }
    armTimer();
}

void ClassQueue::armTimer()
{
    if (m_waiting.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 left = m_settings.maxWaitMs - m_waiting.front().clock.elapsed();
    m_timer.start(int(std::max<qint64>(0, left)));
}

QJsonObject ClassQueue::toJson() const
{
    return QJsonObject{{QStringLiteral("slots_per_instance"), m_settings.slotsPerInstance},
                       {QStringLiteral("max_queued_requests"), m_settings.maxWaiting},
                       {QStringLiteral("queue_timeout_ms"), m_settings.maxWaitMs},
                       {QStringLiteral("busy"), busy()},
                       {QStringLiteral("waiting"), waiting()},
                       {QStringLiteral("refused_queue_full"), double(m_refusedFull)},
                       {QStringLiteral("refused_wait_limit"), double(m_refusedWait)}};
}

} // namespace edgedesk
