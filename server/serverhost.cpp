#include "serverhost.h"

#include "config/edgeconfig.h"
#include "logging/loghub.h"
#include "servercore.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QMetaMethod>
#include <QThread>

namespace edgedesk {

ServerHost::ServerHost(QObject *parent) : QObject(parent), m_logs(std::make_unique<LogHub>())
{
    qRegisterMetaType<TrafficRecord>();
    qRegisterMetaType<QList<TrafficRecord>>();
    qRegisterMetaType<LogEntry>();
    qRegisterMetaType<QList<LogEntry>>();
    m_logs->receiveMessages();
    connect(m_logs.get(), &LogHub::appended, this, [this](const QList<LogEntry> &batch) {
        for (const LogEntry &e : batch)
            Q_EMIT logAppended(e);
    });
}

ServerHost::~ServerHost()
{
    // A server thread that did not end still writes to the hub (its container log thread
    // too): the hub then outlives this object rather than be freed under them.
    if (!stopAndWait(2000))
        (void)m_logs.release();
}

void ServerHost::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&ServerHost::trafficRecorded) && m_core) {
        QMetaObject::invokeMethod(
            m_core.data(),
            [core = m_core] {
                if (core)
                    core->setPublishTraffic(true);
            },
            Qt::QueuedConnection);
    }
}

void ServerHost::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void ServerHost::start(const ServerOptions &options)
{
    if (m_thread) {
        Q_EMIT failed(QStringLiteral("the server is already running"));
        return;
    }
    m_options = options;
    m_lastError.clear();
    m_url.clear();
    setState(State::Starting);

    // Failures found here are reported like those from the thread: queued, so that a caller that
    // connects failed() to QCoreApplication::exit() before exec() sees them.
    auto fail = [this](const QString &message) {
        m_lastError = message;
        QMetaObject::invokeMethod(
            this,
            [this, message] {
                setState(State::Failed);
                Q_EMIT failed(message);
            },
            Qt::QueuedConnection);
    };
    if (const QString invalid = m_options.validate(); !invalid.isEmpty()) {
        fail(invalid);
        return;
    }
    if (m_options.configPath.isEmpty() && !m_options.projectDir.isEmpty()) {
        auto located = ServerOptions::forProject(m_options, m_options.projectDir);
        if (!located) {
            fail(located.error().message);
            return;
        }
        m_options = *located;
    }
    auto config = ConfigLoader::load(m_options.configPath);
    if (!config) {
        fail(config.error().message);
        return;
    }
    m_config = *config;

    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("edgedesk-server"));
    auto *core = new ServerCore(m_options, std::move(*config), *m_logs);
    core->moveToThread(m_thread);
    m_core = core;

    connect(core, &ServerCore::serving, this, [this](const QUrl &url, const QString &dataDir) {
        m_url = url;
        m_dataDir = dataDir;
        setState(State::Serving);
        Q_EMIT serving(url);
    });
    connect(core, &ServerCore::failed, this, [this, core](const QString &message) {
        m_lastError = message;
        m_failedWhileStarting = true;
        QMetaObject::invokeMethod(core, &ServerCore::shutdown, Qt::QueuedConnection);
    });
    connect(core, &ServerCore::notice, this, &ServerHost::notice);
    connect(core, &ServerCore::containersChanged, this, &ServerHost::containersChanged);
    // Records cross to this thread only while something listens to trafficRecorded (the
    // window does; --headless does not): see connectNotify().
    core->setPublishTraffic(
        isSignalConnected(QMetaMethod::fromSignal(&ServerHost::trafficRecorded)));
    connect(core, &ServerCore::trafficBatch, this, [this](const QList<TrafficRecord> &batch) {
        for (const TrafficRecord &r : batch)
            Q_EMIT trafficRecorded(r);
    });
    // The core quits its thread once it has shut down, from inside that thread.
    connect(
        core, &ServerCore::finished, core, [] { QThread::currentThread()->quit(); },
        Qt::DirectConnection);
    // finished() is queued to this thread; after stopAndWait() and a new start() it may arrive
    // late, so it only counts for the thread it came from.
    const quint64 generation = ++m_generation;
    connect(m_thread, &QThread::finished, this, [this, generation] {
        if (generation == m_generation)
            onThreadFinished();
    });
    m_thread->start();
    QMetaObject::invokeMethod(core, &ServerCore::start, Qt::QueuedConnection);
}

QString ServerHost::displayUrl(const QUrl &url)
{
    QString text = url.toString();
    if (text.endsWith(QLatin1Char('/')))
        text.chop(1);
    return text;
}

void ServerHost::stop()
{
    if (!m_thread || m_state == State::Stopping)
        return;
    setState(State::Stopping);
    if (m_core)
        QMetaObject::invokeMethod(m_core.data(), &ServerCore::shutdown, Qt::QueuedConnection);
    else
        m_thread->quit();
}

bool ServerHost::stopAndWait(int timeoutMs)
{
    if (!m_thread)
        return true;
    stop();
    QThread *thread = m_thread;
    const bool ended = thread->wait(QDeadlineTimer(timeoutMs));
    if (ended && m_thread)
        onThreadFinished();
    return ended;
}

void ServerHost::onThreadFinished()
{
    if (!m_thread)
        return;
    QThread *thread = m_thread;
    m_thread = nullptr;
    thread->wait(); // finished() is emitted just before the thread really ends
    // The core cleaned up everything it made inside the thread; what is left is the object.
    delete m_core.data();
    delete thread;
    m_url.clear();
    if (m_failedWhileStarting) {
        m_failedWhileStarting = false;
        setState(State::Failed);
        Q_EMIT failed(m_lastError);
        return;
    }
    setState(State::Stopped);
    Q_EMIT stopped();
}

} // namespace edgedesk
