#pragma once

#include "containers/sandbox.h"

#include <QObject>
#include <QProcess>
#include <QTimer>

#include <memory>

namespace edgedesk {

// The outcome of one command, as POST /run reports it.
struct CommandResult
{
    QString command;
    QByteArray output; // stdout, at most CommandJob::kOutputCap bytes
    QByteArray error;  // stderr (plus the timeout note), at most kOutputCap bytes
    int exitCode = -1;
    bool truncated = false;
    bool timedOut = false;
    QString abortReason;
    QString startError; // set when the sandbox could not be started at all
    qint64 finishedMs = 0;
};

// Runs one command as `/bin/sh -c <command>` in its own sandbox, asynchronously: output is read
// as it arrives (beyond the cap it is discarded, so the child never blocks on a full pipe), a
// wall-clock timer kills the whole sandbox, and finished() reports once everything is gone.
//
// The sandbox is made before its command is known: prepare() starts it with a shell that waits
// for the command on its standard input, so that the namespaces, mounts and cgroups are set up
// while no request waits for them; run() then hands it the command, which the waiting shell
// execs as `/bin/sh -c <command>`. One job, one sandbox, one command: a job is never reused.
class CommandJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommandJob)

public:
    static constexpr qsizetype kOutputCap = 1024 * 1024;
    static constexpr int kTimeoutExitCode = 124; // what timeout(1) reports

    CommandJob(SandboxSpec spec, SandboxHost &host, Sandbox::Mode mode, QObject *parent = nullptr);
    ~CommandJob() override;

    // Prepares the sandbox and starts it waiting for its command. A failure is reported by the
    // run() that follows.
    void prepare();
    // Gives the waiting sandbox its command; finished() follows (also after a failure).
    void run(const QString &command, double timeoutSeconds);
    bool hasCommand() const { return m_hasCommand; }
    // Kills the sandbox now (client gone, shutdown); finished() still follows, with reason
    // noted in the error text.
    void abort(const QString &reason);
    // Blocks until the process is gone (shutdown only).
    void waitForExit(int msecs);

Q_SIGNALS:
    void finished(const edgedesk::CommandResult &result);

private:
    void readOutput();
    void onTimeout();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onError(QProcess::ProcessError error);
    void finish();
    static void append(QByteArray &buffer, const QByteArray &data, bool *truncated);

    CommandResult m_result;
    double m_timeoutSeconds = 0;
    bool m_hasCommand = false;
    bool m_endedEarly = false; // the sandbox ended before it was given its command
    std::unique_ptr<Sandbox> m_sandbox;
    // Children as well as members: moveToThread() takes them along to the job's slot thread.
    QProcess m_process;
    QTimer m_timer;
    bool m_done = false;
};

} // namespace edgedesk
