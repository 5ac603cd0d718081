#pragma once

#include "commandjob.h"
#include "containers/commandslots.h"
#include "containers/sandbox.h"
#include "programserver.h"

#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>
#include <QThread>

#include <array>
#include <atomic>
#include <deque>
#include <memory>

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
// runs one command in a fresh sandbox. At most kMaxRunning commands run at once; up to
// kMaxWaiting more wait for a slot (EdgeDesk's run queue hands an instance no more than its
// slots, but a slot whose client left is freed here a moment after EdgeDesk frees it), and
// beyond that a command is refused with 429.
//
// Each slot keeps one sandbox made ahead, waiting for its command (CommandJob::prepare()); a
// command takes it and the slot's thread makes the next one while the command runs.
class RunnerServer final : public ProgramServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunnerServer)

public:
    static constexpr int kMaxRunning = kCommandSlotsPerInstance;
    static constexpr int kMaxWaiting = kCommandSlotsPerInstance;
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
    // A parsed command and the answer it owes.
    struct Pending
    {
        QString command;
        double timeoutSeconds = 0;
        std::shared_ptr<QHttpServerResponder> responder;
        QPointer<QTcpSocket> socket; // null once the client has left
        Exchange exchange;
    };

    QByteArray healthBody() const;
    void runCommand(const QHttpServerRequest &request, QHttpServerResponder &&responder,
                    const Exchange &exchange);
    void startInSlot(int slot, Pending pending);
    void slotFinished(int slot, const Pending &pending, const CommandResult &result);
    // In the slot's thread: a new sandbox waiting for the slot's next command.
    void makeSpare(int slot);
    SandboxSpec specForSlot(int slot) const;

    RunnerSettings m_settings;
    SandboxHost &m_host;
    // Server thread: which slots run a command, and the commands waiting for one.
    std::array<bool, kMaxRunning> m_busy{};
    std::array<quint64, kMaxRunning> m_started{}; // commands started per slot
    std::deque<Pending> m_waiting;
    // Slot threads only (each its own entry): the running command and the sandbox made ahead.
    std::array<CommandJob *, kMaxRunning> m_running{};
    std::array<CommandJob *, kMaxRunning> m_spares{};
    std::array<quint64, kMaxRunning> m_runningNumber{}; // m_started's count of m_running
    // One thread per slot starts and watches its commands: starting a process blocks the
    // starting thread until the child has exec'd bwrap (QProcess forks with vfork semantics),
    // which on a busy machine takes milliseconds. In the server's thread that stalled every
    // other request and serialized the slots.
    std::array<QThread *, kMaxRunning> m_threads{};
    std::array<QObject *, kMaxRunning> m_threadContexts{};
    std::atomic<bool> m_shutDown{false}; // read by the slot threads too
};

} // namespace edgedesk
