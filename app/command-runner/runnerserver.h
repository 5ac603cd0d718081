#pragma once

#include "commandjob.h"
#include "containers/sandbox.h"
#include "programserver.h"

#include <QJsonObject>
#include <QThread>

#include <array>

namespace edgedesk {

// How command-runner was configured at start (environment).
struct RunnerSettings
{
    QString instanceId;
    Sandbox::Mode mode = Sandbox::Mode::Bubblewrap;
    bool network = false;               // COMMAND_NETWORK=host
    std::optional<quint32> hostUidBase; // root: bwrap runs as hostUidBase + slot
};

// The demo's Linux command container: GET / and GET /run answer a health document, POST /run
// runs one command in a fresh sandbox. At most kMaxRunning commands run at once.
class RunnerServer final : public ProgramServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunnerServer)

public:
    static constexpr int kMaxRunning = 4;
    static constexpr qsizetype kMaxBodyBytes = 64 * 1024;

    // host: probed already; it outlives the server.
    RunnerServer(RunnerSettings settings, SandboxHost &host, QObject *parent = nullptr);
    ~RunnerServer() override;

    // Kills every running command and waits for them (SIGTERM).
    void shutdown();

    // Why commands cannot run, or empty when they can.
    QString unavailableReason() const;
    // The limits every command runs under: one line (SandboxProbe::describeLimits()), and the
    // health answer's "limits" object (SandboxProbe::limitsJson()).
    QString containmentDescription() const;
    QJsonObject limits() const;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    QByteArray healthBody() const;
    void runCommand(const QHttpServerRequest &request, QHttpServerResponder &&responder,
                    const Exchange &exchange);
    SandboxSpec specForSlot(int slot) const;

    RunnerSettings m_settings;
    SandboxHost &m_host;
    std::array<CommandJob *, kMaxRunning> m_slots{};
    // One thread per slot starts and watches its commands: starting a process blocks the
    // starting thread until the child has exec'd bwrap (QProcess forks with vfork semantics),
    // which on a busy machine takes milliseconds. In the server's thread that stalled every
    // other request and serialized the slots.
    std::array<QThread *, kMaxRunning> m_threads{};
    std::array<QObject *, kMaxRunning> m_threadContexts{};
    bool m_shutDown = false;
};

} // namespace edgedesk
