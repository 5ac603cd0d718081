#include "programprocess.h"

#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcessEnvironment>
#include <QRegularExpression>

namespace edgedesk::test {

namespace {

QProcessEnvironment environmentWith(const QMap<QString, QString> &changes)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        if (it.value().isNull())
            environment.remove(it.key());
        else
            environment.insert(it.key(), it.value());
    }
    return environment;
}

} // namespace

ProgramProcess::ProgramProcess(QString name, QMap<QString, QString> environment)
    : m_name(std::move(name)), m_environment(std::move(environment))
{
    if (!m_environment.contains(QStringLiteral("PORT")))
        m_environment.insert(QStringLiteral("PORT"), QStringLiteral("0"));
}

ProgramProcess::~ProgramProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool ProgramProcess::start(int timeoutMs)
{
    m_process.setProcessEnvironment(environmentWith(m_environment));
    m_process.start(program(m_name), {});
    if (!m_process.waitForStarted(5000)) {
        m_error = m_process.errorString();
        return false;
    }
    static const QRegularExpression listening(
        QStringLiteral(R"(^listening on 127\.0\.0\.1:(\d+)$)"),
        QRegularExpression::MultilineOption);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        m_process.waitForReadyRead(50);
        drain();
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(m_output));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            // From here on output is collected whenever the test spins the event loop.
            QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                             [this] { drain(); });
            QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                             [this] { drain(); });
            return true;
        }
        if (m_process.state() == QProcess::NotRunning)
            break;
    }
    m_error = QStringLiteral("%1 did not report listening; stdout: %2 stderr: %3")
                  .arg(m_name, QString::fromUtf8(m_output), QString::fromUtf8(m_errorOutput));
    return false;
}

void ProgramProcess::drain()
{
    m_output += m_process.readAllStandardOutput();
    m_errorOutput += m_process.readAllStandardError();
}

QByteArray ProgramProcess::output()
{
    drain();
    return m_output;
}

QByteArray ProgramProcess::errorOutput()
{
    drain();
    return m_errorOutput;
}

int ProgramProcess::terminate(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    m_process.terminate();
    if (!m_process.waitForFinished(timeoutMs))
        return -1;
    drain();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

FinishedProgram runProgram(const QString &name, const QMap<QString, QString> &environment,
                           int timeoutMs)
{
    FinishedProgram result;
    QProcess process;
    process.setProcessEnvironment(environmentWith(environment));
    process.start(program(name), {});
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return result;
    }
    result.normalExit = process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

int countHostProcesses(const QString &commandLine)
{
    // /proc directly rather than pgrep: pgrep also lists zombies that nobody has reaped yet.
    int count = 0;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        entry.toInt(&numeric);
        if (!numeric)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (!cmdline.open(QIODevice::ReadOnly))
            continue;
        QByteArray text = cmdline.readAll();
        if (text.endsWith('\0'))
            text.chop(1);
        text.replace('\0', ' ');
        if (text == commandLine.toUtf8())
            ++count;
    }
    return count;
}

} // namespace edgedesk::test
