#pragma once

#include "commandjob.h"
#include "containers/sandbox.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>

#include <QThread>

#include <array>

namespace edgedesk {

// How command-runner was configured at start (environment + the sandbox probe).
struct RunnerSettings
{
    QString instanceId;
    Sandbox::Mode mode = Sandbox::Mode::Bubblewrap;
    SandboxProbe probe;
    bool network = false;               // COMMAND_NETWORK=host
    std::optional<quint32> hostUidBase; // root: bwrap runs as hostUidBase + slot
};

// The demo's Linux command container: GET / and GET /run answer a health document, POST /run
// runs one command in a fresh sandbox. At most kMaxRunning commands run at once.
class RunnerServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunnerServer)

public:
    static constexpr int kMaxRunning = 4;
    static constexpr qsizetype kMaxBodyBytes = 64 * 1024;

    explicit RunnerServer(RunnerSettings settings, QObject *parent = nullptr);
    ~RunnerServer() override;

    // Kills every running command and waits for them (SIGTERM).
    void shutdown();

    // Why commands cannot run, or empty when they can.
    QString unavailableReason() const;
    QString containmentDescription() const;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Exchange
    {
        QHttpServerRequest::Method method;
        QString path;
        qint64 startNs;
    };

    void respond(QHttpServerResponder &responder, const Exchange &exchange, int status,
                 const QByteArray &body);
    void respondError(QHttpServerResponder &responder, const Exchange &exchange, int status,
                      const QString &code, const QString &message);
    void respondMethodNotAllowed(QHttpServerResponder &responder, const Exchange &exchange,
                                 const QByteArray &allow);
    QByteArray healthBody() const;
    void runCommand(const QHttpServerRequest &request, QHttpServerResponder &&responder,
                    const Exchange &exchange);
    SandboxSpec specForSlot(int slot) const;

    RunnerSettings m_settings;
    std::array<CommandJob *, kMaxRunning> m_slots{};
    // One thread per slot starts and watches its commands: starting a process blocks the
    // starting thread until the child has exec'd bwrap (QProcess forks with vfork semantics),
    // which on a busy machine takes milliseconds. In the server's thread that stalled every
    // other request and serialized the slots.
    std::array<QThread *, kMaxRunning> m_threads{};
    std::array<QObject *, kMaxRunning> m_threadContexts{};
    bool m_shuttingDown = false;
    bool m_shutDown = false;
};

} // namespace edgedesk
