#pragma once

#include <QByteArray>
#include <QMap>
#include <QProcess>
#include <QString>

namespace edgedesk::test {

// One of the container programs (api-backend, command-runner) started from EDGEDESK_BIN_DIR the
// way the container manager starts it: environment only, PORT=0 unless given, ready once it
// prints "listening on 127.0.0.1:<port>". Killed on destruction if still running.
class ProgramProcess final
{
public:
    // environment: added to the test's own; a null QString value removes the variable.
    explicit ProgramProcess(QString name, QMap<QString, QString> environment = {});
    ~ProgramProcess();
    ProgramProcess(const ProgramProcess &) = delete;
    ProgramProcess &operator=(const ProgramProcess &) = delete;

    bool start(int timeoutMs = 20000);
    quint16 port() const { return m_port; }
    QString error() const { return m_error; }
    // Everything the program wrote to stdout / stderr so far.
    QByteArray output();
    QByteArray errorOutput();
    // SIGTERM, then waits; the exit code, or -1 when it did not exit normally in time.
    int terminate(int timeoutMs = 15000);
    QProcess &process() { return m_process; }

private:
    void drain();

    QString m_name;
    QMap<QString, QString> m_environment;
    QProcess m_process;
    QByteArray m_output;
    QByteArray m_errorOutput;
    quint16 m_port = 0;
    QString m_error;
};

// Runs a program to completion with an adjusted environment (no readiness wait).
struct FinishedProgram
{
    int exitCode = -1;
    bool normalExit = false;
    QByteArray out;
    QByteArray err;
};
FinishedProgram runProgram(const QString &name, const QMap<QString, QString> &environment,
                           int timeoutMs = 15000);

// Host processes whose full command line is exactly commandLine (pgrep -fx), zombies excluded.
int countHostProcesses(const QString &commandLine);

} // namespace edgedesk::test
