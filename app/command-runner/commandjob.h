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
class CommandJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommandJob)

public:
    static constexpr qsizetype kOutputCap = 1024 * 1024;
    static constexpr int kTimeoutExitCode = 124; // what timeout(1) reports

    CommandJob(QString command, double timeoutSeconds, SandboxSpec spec, SandboxHost &host,
               Sandbox::Mode mode, QObject *parent = nullptr);
    ~CommandJob() override;

    // Prepares the sandbox and starts the process; finished() follows (also after a failure).
    void start();
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
    double m_timeoutSeconds;
    std::unique_ptr<Sandbox> m_sandbox;
    // Children as well as members: moveToThread() takes them along to the job's slot thread.
    QProcess m_process;
    QTimer m_timer;
    bool m_done = false;
};

} // namespace edgedesk
