#pragma once

#include "containers/instanceactivity.h"
#include "containers/processstats.h"
#include "util/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace edgedesk {

class ContainerClass;
class ContainerManager;
class DurableStore;
class ImageInstance;
class OutboundNetwork;
class Sandbox;
struct SandboxProbe;

// One instance of a container class (instance-N): its process, its state, its durable storage
// and the counters the control API shows. Lives in the server thread and never blocks it:
// starting, health checks and stopping all proceed on signals and timers.
//
// stopped ──request──▶ starting ──"listening on"──▶ running ──health check──▶ healthy
//    ▲                    │                                                      │
//    └──── stopping ◀─────┴───────────── stop / sleep_after ◀────────────────────┘
// An exit nobody asked for (a crash, a failed start) ends in stopped_with_code.
class ContainerInstance final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContainerInstance)

public:
    enum class State
    {
        Stopped,
        Starting,
        Running,
        Healthy,
        Stopping,
        StoppedWithCode
    };

    static constexpr int kStartTimeoutMs = 20000;
    static constexpr int kStopGraceMs = 5000;
    static constexpr int kHealthRetryMs = 100;

    ContainerInstance(ContainerManager *manager, ContainerClass *containerClass, int index);
    ~ContainerInstance() override;

    QString id() const { return m_id; }
    int index() const { return m_index; }
    ContainerClass *containerClass() const { return m_class; }
    // "<BINDING>/<instance>", the instance's source in the log hub.
    QString logSource() const { return m_logSource; }
    State state() const { return m_state; }
    static QString stateName(State state);
    // Where the proxy reaches it while it serves.
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    // A Unix-domain socket it serves on as well (empty if none): the proxy's cheaper way in.
    QString unixSocket() const { return m_unixListening ? m_unixSocket : QString(); }
    std::shared_ptr<DurableStore> storage() const { return m_storage; }
    QString storageError() const { return m_storageError; }

    using Ready = std::function<void(const Status &status)>;
    // Calls ready once the instance serves: at once when it is healthy, else after starting it
    // (requests that arrive meanwhile wait with it). The error names the instance.
    void whenReady(Ready ready);
    // SIGTERM, then SIGKILL after kStopGraceMs. stopped runs once it has exited.
    void stop(const QString &reason, std::function<void()> stopped = {});
    void restart(Ready ready);

    // Proxy accounting: requests, in_flight, last_request; also what keeps sleep_after away.
    void requestStarted() { m_activity.requestStarted(); }
    void requestFinished() { m_activity.requestFinished(); }
    int inFlight() const { return m_activity.inFlight(); }
    qint64 requestCount() const { return m_activity.requests(); }

    // The process the stats sampler measures (bwrap for sandboxed instances), 0 when none.
    qint64 rootPid() const;
    void applySample(const ProcessTreeSample &sample);

    // Shutdown of the whole server: SIGTERM now, wait (blocking), SIGKILL what is left.
    void beginShutdown();
    bool waitForExit(int timeoutMs);
    void killNow();

    QJsonObject toJson() const;

Q_SIGNALS:
    void stateChanged(edgedesk::ContainerInstance::State state);

private:
    void launch();
    void launchProcess(const SandboxProbe *probe);
    void launchImage(const SandboxProbe &probe);
    // Starts m_process, prepared by launchProcess() or launchImage(), with its output logged.
    void startProcess(const QString &description);
    void releaseImage();
    void onStartupLine(const QByteArray &line);
    void onFinished(int exitCode, QProcess::ExitStatus exitStatus);
    void onProcessError(QProcess::ProcessError error);
    void onStartTimeout();
    void checkHealth();
    void becomeHealthy();
    void failStart(const QString &message);
    void finishStop();
    void setState(State state);
    void releaseWaiters(const Status &status);
    Error unavailable(const QString &message) const;
    void kill();

    ContainerManager *m_manager;
    ContainerClass *m_class;
    int m_index;
    QString m_id;
    QString m_logSource;
    std::shared_ptr<DurableStore> m_storage;
    QString m_storageError;

    State m_state = State::Stopped;
    QProcess *m_process = nullptr;
    std::unique_ptr<Sandbox> m_sandbox;
    std::unique_ptr<ImageInstance> m_image; // image instances: the folder and socket it uses
    QString m_imageId;                      // the image retained in the store while it runs
    QPointer<OutboundNetwork> m_network;    // "enable_internet" image instances: pasta
    QString m_host = QStringLiteral("127.0.0.1");
    quint16 m_port = 0;
    bool m_listening = false;
    QString m_unixSocket;         // offered to the program in LISTEN_UNIX
    bool m_unixListening = false; // the program said it listens there
    bool m_stopRequested = false;
    bool m_shuttingDown = false;
    quint64 m_generation = 0; // bumps on every launch: late health answers are ignored
    std::optional<int> m_exitCode;
    QString m_lastError;
    qint64 m_startedAtMs = 0;
    qint64 m_healthyAtMs = 0;

    std::vector<Ready> m_waiters;
    std::vector<std::function<void()>> m_stopWaiters;
    QTimer m_startTimer;
    QTimer m_healthTimer;
    QTimer m_killTimer;

    InstanceActivity m_activity;
    ProcessTreeSample m_sample;
    double m_cpuPercent = 0.0;
};

} // namespace edgedesk
