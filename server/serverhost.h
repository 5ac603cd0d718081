#pragma once

#include "config/edgeconfig.h"
#include "logging/logentry.h"
#include "serveroptions.h"
#include "traffic/trafficrecord.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <memory>

class QThread;

namespace edgedesk {

class LogHub;
class ServerCore;

// The thread-safe facade the UI, the headless runner and the tests use. Owns the server thread;
// everything that serves lives in that thread. Signals arrive queued, carrying plain values.
// Also owns the log hub the server writes to, which outlives every start and stop and receives
// the process's Qt log messages from construction on.
class ServerHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerHost)

public:
    enum class State
    {
        Stopped,
        Starting,
        Serving,
        Stopping,
        Failed
    };
    Q_ENUM(State)

    explicit ServerHost(QObject *parent = nullptr);
    ~ServerHost() override; // stops within 2 s

    // Loads the configuration (options.configPath, else the one in options.projectDir, else the
    // built-in default), then starts the server thread. Errors arrive as failed().
    void start(const ServerOptions &options);
    // Closes every connection and ends the thread; stopped() follows.
    void stop();
    // stop() and wait (application exit, tests). Returns false if the thread did not end in time.
    bool stopAndWait(int timeoutMs = 2000);

    State state() const { return m_state; }
    bool isServing() const { return m_state == State::Serving; }
    QUrl url() const { return m_url; }
    // The URL as people type it: "http://127.0.0.1:8787" (no trailing slash).
    QString displayUrl() const { return displayUrl(m_url); }
    static QString displayUrl(const QUrl &url);
    quint16 port() const { return quint16(m_url.port()); }
    QString dataDir() const { return m_dataDir; }
    // What the last start() was given (the project's folder and configuration file among them)
    // and the configuration it loaded (name, source, assets folder); empty before the first.
    const ServerOptions &options() const { return m_options; }
    const EdgeConfig &config() const { return m_config; }
    QString lastError() const { return m_lastError; }
    // Thread-safe; lives in this object's thread.
    LogHub &logHub() const { return *m_logs; }

Q_SIGNALS:
    void stateChanged(edgedesk::ServerHost::State state);
    void serving(const QUrl &url);
    void stopped();
    void failed(const QString &message);
    void notice(const QString &message);
    void trafficRecorded(const edgedesk::TrafficRecord &record);
    void logAppended(const edgedesk::LogEntry &entry);
    // Container classes and instances (the JSON of GET /__edgedesk/v1/containers), whenever an
    // instance changes state.
    void containersChanged(const QJsonObject &status);

protected:
    void connectNotify(const QMetaMethod &signal) override;

private:
    void setState(State state);
    void onThreadFinished();

    std::unique_ptr<LogHub> m_logs;
    ServerOptions m_options;
    EdgeConfig m_config;
    QThread *m_thread = nullptr;
    QPointer<ServerCore> m_core;
    State m_state = State::Stopped;
    QUrl m_url;
    QString m_dataDir;
    QString m_lastError;
    bool m_failedWhileStarting = false;
    quint64 m_generation = 0;
};

} // namespace edgedesk
