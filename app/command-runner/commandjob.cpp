#include "commandjob.h"

#include <QDateTime>

#include <cmath>

namespace edgedesk {

namespace {

// Reads the command from standard input to its end, every byte kept (a last line without a
// newline included), and execs it as `/bin/sh -c <command>`, as if it had been started so.
// Builtins only: no process is started for the reading. The command's standard input is then
// at its end, as /dev/null would be.
const QString kWaitForCommand = QStringLiteral(
    "c=; while IFS= read -r l; do c=\"$c$l\n\"; done; exec /bin/sh -c \"$c$l\"");

} // namespace

CommandJob::CommandJob(SandboxSpec spec, SandboxHost &host, Sandbox::Mode mode, QObject *parent)
    : QObject(parent), m_process(this), m_timer(this)
{
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), kWaitForCommand};
    m_sandbox = std::make_unique<Sandbox>(host, std::move(spec), mode);
    // A slot's sandboxes follow each other: the cgroups of one serve a later one.
    m_sandbox->setRecycleCgroup(true);

    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &CommandJob::onTimeout);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &CommandJob::readOutput);
    connect(&m_process, &QProcess::readyReadStandardError, this, &CommandJob::readOutput);
    connect(&m_process, &QProcess::finished, this, &CommandJob::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &CommandJob::onError);
}

CommandJob::~CommandJob()
{
    // A QProcess destroyed while running kills and waits for it; the sandbox must go first
    // so that kill reaches the whole tree.
    if (m_sandbox)
        m_sandbox->killAll();
    m_process.disconnect(this);
    if (m_process.state() != QProcess::NotRunning)
        m_process.waitForFinished(5000);
}

void CommandJob::prepare()
{
    const Status prepared = m_sandbox->prepare();
    if (!prepared.ok()) {
        m_result.startError = prepared.error().message;
        return;
    }
    m_sandbox->configure(m_process);
    // The command arrives through standard input (the configured /dev/null is replaced).
    m_process.setStandardInputFile(QString());
    m_process.start();
}

void CommandJob::run(const QString &command, double timeoutSeconds)
{
    m_hasCommand = true;
    m_result.command = command;
    m_timeoutSeconds = timeoutSeconds;
    if (m_result.startError.isEmpty() && (m_endedEarly || m_process.state() == QProcess::NotRunning)) {
        const QByteArray said = m_result.error.trimmed();
        m_result.startError = said.isEmpty() ? QStringLiteral("the sandbox ended before its command")
                                             : QString::fromUtf8(said);
    }
    if (!m_result.startError.isEmpty()) {
        m_result.error.clear();
        QMetaObject::invokeMethod(this, &CommandJob::finish, Qt::QueuedConnection);
        return;
    }
    m_process.write(command.toUtf8());
    m_process.closeWriteChannel();
    m_timer.start(std::chrono::milliseconds(qint64(std::ceil(m_timeoutSeconds * 1000))));
}

void CommandJob::abort(const QString &reason)
{
    if (m_done || !m_sandbox)
        return;
    if (m_result.abortReason.isEmpty() && !m_result.timedOut)
        m_result.abortReason = reason;
    m_sandbox->killAll();
}

void CommandJob::waitForExit(int msecs)
{
    if (m_process.state() != QProcess::NotRunning)
        m_process.waitForFinished(msecs);
}

void CommandJob::append(QByteArray &buffer, const QByteArray &data, bool *truncated)
{
    const qsizetype room = kOutputCap - buffer.size();
    if (data.size() > room) {
        *truncated = true;
        buffer.append(data.constData(), qMax<qsizetype>(0, room));
    } else {
        buffer.append(data);
    }
}

void CommandJob::readOutput()
{
    append(m_result.output, m_process.readAllStandardOutput(), &m_result.truncated);
    append(m_result.error, m_process.readAllStandardError(), &m_result.truncated);
}

void CommandJob::onTimeout()
{
    m_result.timedOut = true;
    m_sandbox->killAll();
}

void CommandJob::onFinished(int exitCode, QProcess::ExitStatus status)
{
    readOutput();
    if (!m_hasCommand) {
        m_endedEarly = true; // run() reports it
        return;
    }
    // bwrap reports a signalled command as 128 + signal; without bwrap QProcess only says
    // "crashed", which the demo (Go's ExitCode()) reports as -1.
    m_result.exitCode = status == QProcess::NormalExit ? exitCode : -1;
    finish();
}

void CommandJob::onError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart)
        return; // crashes and kills arrive through finished()
    m_result.startError = m_process.errorString();
    if (m_hasCommand)
        finish();
}

void CommandJob::finish()
{
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    // Kills stragglers (background children of an unsandboxed shell) and removes the cgroup.
    m_sandbox.reset();
    QByteArray note;
    if (m_result.timedOut) {
        m_result.exitCode = kTimeoutExitCode;
        note = "command timed out after " + QByteArray::number(m_timeoutSeconds, 'g', 6) + " s";
    } else if (!m_result.abortReason.isEmpty()) {
        note = "command aborted: " + m_result.abortReason.toUtf8();
    }
    if (!note.isEmpty()) {
        if (!m_result.error.isEmpty() && !m_result.error.endsWith('\n'))
            m_result.error += '\n';
        m_result.error += note;
    }
    m_result.finishedMs = QDateTime::currentMSecsSinceEpoch();
    Q_EMIT finished(m_result);
}

} // namespace edgedesk
