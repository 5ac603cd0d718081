#include "containers/containerinstance.h"

#include "containers/containerclass.h"
#include "containers/containerlog.h"
#include "containers/containerlogsink.h"
#include "containers/containermanager.h"
#include "containers/images/classimage.h"
#include "containers/images/imageinstance.h"
#include "containers/images/imagelaunch.h"
#include "containers/images/imagestore.h"
#include "containers/images/outboundnetwork.h"
#include "containers/instancelaunch.h"
#include "containers/sandbox.h"
#include "storage/durable/durablestore.h"
#include "upstream/httpforwarder.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QPointer>
#include <QUrl>

#include <cmath>
#include <csignal>

namespace edgedesk {

ContainerInstance::ContainerInstance(ContainerManager *manager, ContainerClass *containerClass,
                                     int index)
    : m_manager(manager), m_class(containerClass), m_index(index),
      m_id(QStringLiteral("instance-%1").arg(index)),
      m_logSource(containerClass->binding() + QLatin1Char('/') + m_id),
      m_activity([this] { return m_class->config().sleepAfterMs; },
                 [this] { return m_state == State::Healthy; },
                 [this](qint64 idleMs) {
                     stop(QStringLiteral("no request for %1 ms (sleep_after)").arg(idleMs));
                 })
{
    OpenedStore<DurableStore> storage = manager->durableStore(containerClass->name(), index);
    m_storage = std::move(storage.store);
    m_storageError = storage.error;

    for (QTimer *timer : {&m_startTimer, &m_healthTimer, &m_killTimer})
        timer->setSingleShot(true);
    connect(&m_startTimer, &QTimer::timeout, this, &ContainerInstance::onStartTimeout);
    connect(&m_healthTimer, &QTimer::timeout, this, &ContainerInstance::checkHealth);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcContainers).noquote()
            << m_logSource << "did not stop within" << kStopGraceMs << "ms: killing it";
        kill();
    });
}

ContainerInstance::~ContainerInstance()
{
    if (m_process) {
        m_shuttingDown = true;
        disconnect(m_process, nullptr, this, nullptr);
        if (m_process->state() != QProcess::NotRunning) {
            kill();
            m_process->waitForFinished(1000);
        }
        delete m_process;
    }
    m_sandbox.reset();
    releaseImage();
}

QString ContainerInstance::stateName(State state)
{
    static const char *const names[] = {"stopped", "starting", "running",
                                        "healthy", "stopping", "stopped_with_code"};
    return QLatin1String(names[int(state)]);
}

Error ContainerInstance::unavailable(const QString &message) const
{
    return makeError(QStringLiteral("service_unavailable"),
                     QStringLiteral("%1 of %2 %3").arg(m_id, m_class->name(), message));
}

void ContainerInstance::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
    m_manager->notifyChanged();
}

void ContainerInstance::whenReady(Ready ready)
{
    if (!m_class->configError().isEmpty()) {
        ready(unavailable(QStringLiteral("is misconfigured: %1").arg(m_class->configError())));
        return;
    }
    if (m_shuttingDown) {
        ready(unavailable(QStringLiteral("is not available: EdgeDesk is stopping")));
        return;
    }
    if (m_state == State::Healthy ||
        (m_state == State::Running && m_class->kind() == ContainerClass::Kind::Remote)) {
        ready(Ok{});
        return;
    }
    m_waiters.push_back(std::move(ready));
    if (m_state == State::Stopped || m_state == State::StoppedWithCode)
        launch();
    // Starting or running: the health check releases it; stopping: onFinished starts it again.
}

void ContainerInstance::releaseWaiters(const Status &status)
{
    std::vector<Ready> waiters;
    waiters.swap(m_waiters);
    for (Ready &ready : waiters)
        ready(status);
}

void ContainerInstance::launch()
{
    // Already on its way (a waiter of a restart may have launched it from inside onFinished).
    if (m_state != State::Stopped && m_state != State::StoppedWithCode)
        return;
    ++m_generation;
    m_lastError.clear();
    m_exitCode.reset();
    m_listening = false;
    m_startedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_healthyAtMs = 0;

    if (m_class->kind() == ContainerClass::Kind::Remote) {
        const QUrl url(m_class->config().url);
        m_host = url.host();
        m_port = quint16(url.port(80));
        setState(State::Running);
        releaseWaiters(Ok{});
        return;
    }

    setState(State::Starting);
    const quint64 generation = m_generation;
    QPointer<ContainerInstance> self(this);
    // Still this launch, with nothing started yet.
    auto current = [self, generation] {
        return self && self->m_generation == generation && self->m_state == State::Starting &&
               !self->m_process;
    };
    if (m_class->kind() == ContainerClass::Kind::Image) {
        // Loading (or building) the image first; the start timeout counts from its end.
        m_class->image()->whenReady(m_logSource, [self, current](const Status &ready) {
            if (!current())
                return;
            if (!ready) {
                self->failStart(QStringLiteral("cannot start: %1").arg(ready.error().message));
                return;
            }
            self->m_startTimer.start(kStartTimeoutMs);
            self->m_manager->withSandboxProbe(self, [self, current](const SandboxProbe &probe) {
                if (current())
                    self->launchImage(probe);
            });
        });
        return;
    }
    m_startTimer.start(kStartTimeoutMs);
    if (m_class->sandboxed()) {
        m_manager->withSandboxProbe(this, [self, current](const SandboxProbe &probe) {
            if (current())
                self->launchProcess(&probe);
        });
    } else {
        launchProcess(nullptr);
    }
}

void ContainerInstance::launchProcess(const SandboxProbe *probe)
{
    m_host = QStringLiteral("127.0.0.1");
    m_port = m_manager->allocatePort();
    if (m_port == 0) {
        failStart(QStringLiteral("cannot start: no free loopback port"));
        return;
    }
    m_unixListening = false;
    auto launch = InstanceLaunch::prepare(*m_class, m_manager->launchRequest(*this, m_port, probe),
                                          m_manager->sandboxHost(), this);
    if (!launch) {
        m_unixSocket.clear();
        failStart(launch.error().message);
        return;
    }
    m_process = launch->process;
    m_sandbox = std::move(launch->sandbox);
    m_unixSocket = launch->unixSocket;
    if (!launch->containment.isEmpty())
        m_class->setContainment(launch->containment);
    startProcess(QStringLiteral("%1 on 127.0.0.1:%2%3")
                     .arg(launch->program)
                     .arg(m_port)
                     .arg(m_sandbox ? QStringLiteral(" in a bubblewrap sandbox") : QString()));
}

void ContainerInstance::launchImage(const SandboxProbe &probe)
{
    if (m_class->outboundNetwork() && !m_network) {
        // pasta first: the sandbox joins its namespace.
        m_network = new OutboundNetwork(m_manager->context().options.containersReachHost, this);
        return m_network->start([self = QPointer<ContainerInstance>(this),
                                 generation = m_generation, &probe](const Status &network) {
            if (!self || self->m_generation != generation || self->m_process)
                return; // stopped meanwhile
            network ? self->launchImage(probe) : self->failStart(network.error().message);
        });
    }
    auto launch =
        ImageLaunch::prepare(*m_class, m_manager->launchRequest(*this, 0, &probe),
                             m_manager->sandboxHost(), *m_manager->logSink(), m_network, this);
    if (!launch) {
        failStart(launch.error().message);
        return;
    }
    m_process = launch->process;
    m_sandbox = std::move(launch->sandbox);
    m_image = std::move(launch->image);
    m_imageId = launch->imageId;
    m_manager->imageStore()->retain(m_imageId);
    // Reached through its socket only: the port is the program's, in its own network.
    m_host.clear();
    m_port = launch->port;
    m_unixSocket = m_image->socketPath();
    m_unixListening = true;
    m_class->setContainment(launch->containment);
    startProcess(launch->description);
}

void ContainerInstance::startProcess(const QString &description)
{
    // Output goes into pipes the log sink reads in its own thread; the first lines come back
    // here while the instance starts, for "listening on".
    const quint64 generation = m_generation;
    QPointer<ContainerInstance> self(this);
    auto pipes =
        m_manager->logSink()->attach(m_logSource, this, [self, generation](const QByteArray &line) {
            if (self && self->m_generation == generation)
                self->onStartupLine(line);
        });
    if (!pipes) {
        delete m_process;
        m_process = nullptr;
        m_sandbox.reset();
        releaseImage();
        failStart(QStringLiteral("cannot start: %1").arg(pipes.error().message));
        return;
    }
    const ContainerLogSink::Pipes output = *pipes;
    InstanceLaunch::redirectOutput(*m_process, output.out, output.err);
    connect(m_process, &QProcess::finished, this, &ContainerInstance::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, &ContainerInstance::onProcessError);

    qCInfo(lcContainers).noquote() << "starting" << m_logSource << description;
    m_manager->logSink()->note(m_logSource, QStringLiteral("info"),
                               QStringLiteral("starting %1").arg(description));
    m_process->start();
    // The child has its copies (or failed to start): the sink sees the end of the output once
    // the program and everything it started are gone.
    ContainerLogSink::closePipes(output);
    // Our own programs say when they listen; any other program is polled until it answers.
    if (m_class->kind() == ContainerClass::Kind::Program ||
        m_class->kind() == ContainerClass::Kind::Image)
        m_healthTimer.start(kHealthRetryMs);
}

void ContainerInstance::releaseImage()
{
    m_image.reset();
    if (m_network) // later: this may run from inside its callback
        std::exchange(m_network, nullptr)->deleteLater();
    if (!m_imageId.isEmpty())
        m_manager->imageStore()->release(std::exchange(m_imageId, QString()));
}

void ContainerInstance::onStartupLine(const QByteArray &line)
{
    if (m_listening || m_state != State::Starting || !m_process)
        return;
    if (const auto socket = InstanceLaunch::listeningSocket(line)) {
        m_unixListening = !m_unixSocket.isEmpty() && *socket == m_unixSocket;
        return;
    }
    const auto port = InstanceLaunch::listeningPort(line);
    if (!port)
        return;
    m_listening = true;
    m_manager->logSink()->unwatch(m_logSource);
    m_port = *port;
    setState(State::Running);
    checkHealth();
}

void ContainerInstance::checkHealth()
{
    if ((m_state != State::Starting && m_state != State::Running) || m_port == 0)
        return;
    const quint64 generation = m_generation;
    QPointer<ContainerInstance> self(this);
    m_manager->forwarder()->fetch(
        "GET", m_host, m_port, m_class->healthPath().toLatin1(), 2000,
        [self, generation](const Result<HttpForwarder::Reply> &reply) {
            if (!self || self->m_generation != generation ||
                (self->m_state != State::Starting && self->m_state != State::Running))
                return;
            const bool anyAnswer = self->m_class->kind() == ContainerClass::Kind::Program ||
                                   self->m_class->kind() == ContainerClass::Kind::Image;
            const bool ok =
                reply.ok() && (anyAnswer || (reply->status >= 200 && reply->status < 300));
            if (!ok) {
                self->m_healthTimer.start(kHealthRetryMs);
                return;
            }
            if (self->m_class->kind() == ContainerClass::Kind::CommandRunner) {
                const QJsonObject health = QJsonDocument::fromJson(reply->body).object();
                const QString containment = health.value(QStringLiteral("containment")).toString();
                if (!containment.isEmpty())
                    self->m_class->setContainment(containment);
            }
            if (self->m_state == State::Starting)
                self->setState(State::Running);
            self->becomeHealthy();
        },
        unixSocket());
}

void ContainerInstance::becomeHealthy()
{
    m_startTimer.stop();
    m_healthTimer.stop();
    m_healthyAtMs = QDateTime::currentMSecsSinceEpoch();
    setState(State::Healthy);
    const qint64 took = m_healthyAtMs - m_startedAtMs;
    qCInfo(lcContainers).noquote() << m_logSource << "is healthy after" << took << "ms";
    // At once: the requests released below are answered, and logged by the instance, before
    // a queued note would reach the hub.
    m_manager->logSink()->noteNow(m_logSource, QStringLiteral("info"),
                                  QStringLiteral("healthy after %1 ms").arg(took));
    m_manager->sampleSoon();
    m_activity.start();
    releaseWaiters(Ok{});
}

void ContainerInstance::onStartTimeout()
{
    if (m_state != State::Starting && m_state != State::Running)
        return;
    failStart(
        m_listening
            ? QStringLiteral("did not answer its health check within %1 s")
                  .arg(kStartTimeoutMs / 1000)
            : QStringLiteral("did not start listening within %1 s").arg(kStartTimeoutMs / 1000));
}

void ContainerInstance::failStart(const QString &message)
{
    m_manager->logSink()->unwatch(m_logSource);
    m_lastError = message;
    m_startTimer.stop();
    m_healthTimer.stop();
    qCWarning(lcContainers).noquote() << m_logSource << message;
    m_manager->logSink()->note(m_logSource, QStringLiteral("error"), message);
    const Error error = unavailable(message);
    if (m_process && m_process->state() != QProcess::NotRunning) {
        // onFinished completes the failure once the process is gone.
        kill();
        releaseWaiters(error);
        return;
    }
    if (m_process) {
        m_process->deleteLater();
        m_process = nullptr;
    }
    m_sandbox.reset();
    releaseImage();
    m_port = 0;
    setState(State::Stopped);
    releaseWaiters(error);
    finishStop();
}

void ContainerInstance::onProcessError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || !m_process)
        return;
    // No finished() follows a process that never started.
    const QString reason = m_process->errorString();
    disconnect(m_process, nullptr, this, nullptr);
    m_process->deleteLater();
    m_process = nullptr;
    m_stopRequested = false;
    failStart(QStringLiteral("cannot start: %1").arg(reason));
}

void ContainerInstance::onFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    if (!m_process)
        return;
    m_manager->logSink()->unwatch(m_logSource);
    // A signal reads as 128 + its number, as shells (and bwrap) report it.
    const int code = exitStatus == QProcess::CrashExit ? 128 + exitCode : exitCode;
    m_exitCode = code;
    disconnect(m_process, nullptr, this, nullptr);
    m_process->deleteLater();
    m_process = nullptr;
    m_sandbox.reset();
    for (QTimer *timer : {&m_startTimer, &m_healthTimer, &m_killTimer})
        timer->stop();
    m_activity.cancel();
    // Instances reached through their socket alone share host:port: only this one's go.
    m_manager->forwarder()->closeConnections(m_host, m_port, QStringLiteral("%1 exited").arg(m_id),
                                             m_host.isEmpty() ? m_unixSocket : QString());
    releaseImage();
    m_port = 0;
    m_listening = false;
    m_unixListening = false;
    if (!m_unixSocket.isEmpty())
        QFile::remove(m_unixSocket); // the program removes it, unless it was killed
    ++m_generation;
    m_sample = ProcessTreeSample{};
    m_cpuPercent = 0.0;

    const bool expected = m_stopRequested;
    m_stopRequested = false;
    if (expected) {
        m_manager->logSink()->note(m_logSource, QStringLiteral("info"),
                                   QStringLiteral("stopped (exit code %1)").arg(code));
        qCInfo(lcContainers).noquote() << m_logSource << "stopped, exit code" << code;
        setState(State::Stopped);
        finishStop();
        if (!m_waiters.empty() && !m_shuttingDown)
            launch(); // requests arrived while it was stopping
        return;
    }
    const bool duringStart = !m_lastError.isEmpty() || !m_waiters.empty();
    if (m_lastError.isEmpty())
        m_lastError = QStringLiteral("exited with code %1%2")
                          .arg(code)
                          .arg(duringStart ? QStringLiteral(" while starting") : QString());
    qCWarning(lcContainers).noquote() << m_logSource << "exited unexpectedly with code" << code;
    m_manager->logSink()->note(m_logSource, QStringLiteral("error"),
                               QStringLiteral("exited unexpectedly with code %1").arg(code));
    setState(State::StoppedWithCode);
    releaseWaiters(unavailable(m_lastError));
    finishStop();
}

void ContainerInstance::finishStop()
{
    std::vector<std::function<void()>> waiters;
    waiters.swap(m_stopWaiters);
    for (auto &stopped : waiters)
        stopped();
}

void ContainerInstance::stop(const QString &reason, std::function<void()> stopped)
{
    if (stopped)
        m_stopWaiters.push_back(std::move(stopped));
    if (m_state == State::Stopped || m_state == State::StoppedWithCode)
        return finishStop();
    if (m_state == State::Stopping)
        return;
    m_startTimer.stop();
    m_healthTimer.stop();
    m_activity.cancel();
    const Error stoppedError = unavailable(QStringLiteral("was stopped: %1").arg(reason));
    if (!m_process) {
        // Remote, or still waiting for the sandbox probe or the network: nothing runs.
        ++m_generation;
        releaseImage();
        m_port = m_class->kind() == ContainerClass::Kind::Remote ? m_port : 0;
        setState(State::Stopped);
        releaseWaiters(stoppedError);
        finishStop();
        return;
    }
    qCInfo(lcContainers).noquote() << "stopping" << m_logSource << "-" << reason;
    m_manager->logSink()->note(m_logSource, QStringLiteral("info"),
                               QStringLiteral("stopping: %1").arg(reason));
    m_stopRequested = true;
    setState(State::Stopping);
    releaseWaiters(stoppedError);
    if (m_sandbox)
        m_sandbox->terminate();
    else
        m_process->terminate();
    m_killTimer.start(kStopGraceMs);
}

void ContainerInstance::restart(Ready ready)
{
    QPointer<ContainerInstance> self(this);
    stop(QStringLiteral("restart"), [self, ready = std::move(ready)]() mutable {
        if (self)
            self->whenReady(std::move(ready));
    });
}

void ContainerInstance::kill()
{
    if (m_sandbox) {
        m_sandbox->killAll();
        return;
    }
    if (m_process && m_process->processId() > 0) {
        // The process group too: whatever the program started in its session goes with it.
        ::kill(-pid_t(m_process->processId()), SIGKILL);
        m_process->kill();
    }
}

qint64 ContainerInstance::rootPid() const
{
    return m_process ? m_process->processId() : 0;
}

void ContainerInstance::applySample(const ProcessTreeSample &sample)
{
    if (!sample.alive || sample.rootPid != rootPid())
        return;
    if (m_sample.alive && m_sample.rootPid == sample.rootPid)
        m_cpuPercent = ProcessStats::cpuPercent(m_sample, sample);
    m_sample = sample;
}

void ContainerInstance::beginShutdown()
{
    m_shuttingDown = true;
    for (QTimer *timer : {&m_startTimer, &m_healthTimer, &m_killTimer})
        timer->stop();
    m_activity.cancel();
    releaseWaiters(unavailable(QStringLiteral("is not available: EdgeDesk is stopping")));
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    m_stopRequested = true;
    if (m_sandbox)
        m_sandbox->terminate();
    else
        m_process->terminate();
}

bool ContainerInstance::waitForExit(int timeoutMs)
{
    QProcess *process = m_process;
    if (!process)
        return true;
    // Shutdown only (see ContainerManager::shutdown): finished() runs from inside this call.
    return process->waitForFinished(qMax(1, timeoutMs)) || !m_process;
}

void ContainerInstance::killNow()
{
    kill();
}

QJsonObject ContainerInstance::toJson() const
{
    const bool hasProcess = m_process != nullptr;
    const bool remoteUp =
        m_class->kind() == ContainerClass::Kind::Remote && m_state == State::Running;
    QJsonValue pid;
    if (hasProcess && m_process->processId() > 0)
        pid = double(m_sample.programPid > 0 ? m_sample.programPid : m_process->processId());
    QJsonValue uptime;
    if ((hasProcess || remoteUp) && m_startedAtMs > 0)
        uptime = double(QDateTime::currentMSecsSinceEpoch() - m_startedAtMs) / 1000.0;
    return QJsonObject{
        {QStringLiteral("id"), m_id},
        {QStringLiteral("state"), stateName(m_state)},
        {QStringLiteral("exit_code"), m_exitCode ? QJsonValue(*m_exitCode) : QJsonValue()},
        {QStringLiteral("pid"), pid},
        {QStringLiteral("port"), m_port > 0 ? QJsonValue(int(m_port)) : QJsonValue()},
        {QStringLiteral("uptime_s"), uptime},
        {QStringLiteral("requests"), double(m_activity.requests())},
        {QStringLiteral("in_flight"), m_activity.inFlight()},
        {QStringLiteral("last_request"), m_activity.lastRequestJson()},
        {QStringLiteral("cpu_percent"), hasProcess ? std::round(m_cpuPercent * 10.0) / 10.0 : 0.0},
        {QStringLiteral("rss_bytes"), hasProcess ? double(m_sample.rssBytes) : 0.0},
        {QStringLiteral("storage"), m_storage ? m_storage->snapshot() : QJsonObject()},
        {QStringLiteral("last_error"), m_lastError.isEmpty() ? QJsonValue() : m_lastError},
    };
}

} // namespace edgedesk
