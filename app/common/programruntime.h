#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QObject>
#include <QString>

#include <optional>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace edgedesk {

// What both container programs (api-backend, command-runner) share with the container manager
// that launches them: the PORT/INSTANCE_ID environment contract, one JSON log line per event on
// stdout, and a clean exit on SIGTERM.
class ProgramRuntime final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgramRuntime)

public:
    explicit ProgramRuntime(QObject *parent = nullptr);
    ~ProgramRuntime() override;

    // PORT from the environment (0 picks a free port). Empty with *error set when it is missing
    // or not a port number.
    static std::optional<quint16> portFromEnvironment(QString *error);
    // INSTANCE_ID, "instance-0" when unset.
    static QString instanceId();
    // LISTEN_ADDRESS, 127.0.0.1 by default: EdgeDesk reaches instances on loopback; a container
    // image sets 0.0.0.0 so that its engine can publish the port.
    static QHostAddress listenAddress();

    // Routes SIGTERM and SIGINT into the event loop as terminationRequested().
    bool watchTerminationSignals();

    // Qt's own messages (qWarning, categories) become JSON lines on stdout too.
    static void installMessageHandler();

    // One line on stdout, written with a single write(2) so lines from different threads never
    // interleave, and flushed at once so the manager's log view follows live.
    static void writeLine(QByteArray line);
    // From now on, lines written in the calling thread (the event loop's) are collected and
    // written together when its event loop is about to wait (or once kStdoutBufferBytes are
    // collected, and at the latest when this runtime is destroyed): a server that logs a line
    // per request then makes one write(2) per event-loop pass instead of one per request. The
    // view still follows live: the loop waits only once it has nothing left to do.
    void bufferStdoutWhileBusy();
    static void flushStdout();
    static constexpr qsizetype kStdoutBufferBytes = 32 * 1024;
    static void log(const char *level, const QString &message);
    static void logRequest(QHttpServerRequest::Method method, const QString &path, int status,
                           double durationMs);

    static QByteArray methodName(QHttpServerRequest::Method method);
    // A JSON string literal, quotes included.
    static QByteArray jsonString(QStringView text);
    static QByteArray jsonString(const QByteArray &utf8);
    // A duration in milliseconds, rounded to the microsecond.
    static QByteArray jsonMilliseconds(double ms);
    // {"error":{"code":"...","message":"..."}}: the error shape of every EdgeDesk endpoint.
    static QByteArray errorBody(const QString &code, const QString &message);

Q_SIGNALS:
    void terminationRequested();

private:
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
    bool m_buffering = false;
};

} // namespace edgedesk
