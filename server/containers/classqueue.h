#pragma once

#include "util/result.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <vector>

namespace edgedesk {

class ContainerClass;
class ContainerInstance;

// Admission in front of a class whose instances each take a bounded number of requests at once
// (command-runner: its command slots). A request gets a slot on the instance with the fewest
// busy slots, preferring instances that already run and starting a stopped one only when every
// running one is full; when every slot of every instance is taken it waits, first come first
// served, in a bounded queue. It is refused (429) only when the queue is full or when it has
// waited maxWaitMs.
//
// The queue lives with the class, not in each instance: only the class sees all instances, so a
// waiting request takes the first slot free anywhere instead of the one of an instance picked
// at random, and a stopped instance is started exactly when the running ones are full.
// Lives in the server thread.
class ClassQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClassQueue)

public:
    static constexpr int kDefaultMaxWaiting = 64;
    static constexpr int kDefaultMaxWaitMs = 5000;

    struct Settings
    {
        int slotsPerInstance = 1;
        int maxWaiting = kDefaultMaxWaiting; // 0: refuse at once when every slot is busy
        int maxWaitMs = kDefaultMaxWaitMs;
    };

    // instance holds a slot for the request until release(instance); waitedUs is the time
    // spent in the queue. On refusal instance is null, error says why and retryAfterSeconds is
    // what to tell the client.
    struct Admission
    {
        ContainerInstance *instance = nullptr;
        qint64 waitedUs = 0;
        Error error;
        int retryAfterSeconds = 0;
    };
    using Admitted = std::function<void(const Admission &admission)>;
    // Asked before a waiting request is given a slot: false (its client left) drops it.
    using StillWanted = std::function<bool()>;

    ClassQueue(ContainerClass *containerClass, Settings settings, QObject *parent = nullptr);
    ~ClassQueue() override;

    const Settings &settings() const { return m_settings; }
    // admitted runs once: at once when a slot is free or the request is refused, else later.
    void submit(Admitted admitted, StillWanted stillWanted);
    // The request admitted to instance is done: its slot goes to the next waiting one.
    void release(ContainerInstance *instance);

    int waiting() const { return int(m_waiting.size()); }
    int busy() const;
    // For the control API: settings, busy slots, waiting requests, refusals so far.
    QJsonObject toJson() const;

private:
    struct Waiting
    {
        Admitted admitted;
        StillWanted stillWanted;
        QElapsedTimer clock;
    };

    // The instance to give the next slot to, or -1 when every slot is busy.
    int pickInstance() const;
    ContainerInstance *take(int index);
    void dispatch();
    void expire();
    void armTimer();
    Admission refusal(const QString &message) const;

    ContainerClass *m_class;
    Settings m_settings;
    std::vector<int> m_busy; // per instance index
    std::deque<Waiting> m_waiting;
    QTimer m_timer; // the oldest waiting request's wait limit
    qint64 m_refusedFull = 0;
    qint64 m_refusedWait = 0;
};

} // namespace edgedesk
