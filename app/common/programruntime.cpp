#include "programruntime.h"

#include <QAbstractEventDispatcher>
#include <QDateTime>
#include <QSocketNotifier>
#include <QThread>
#include <QtGlobal>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace edgedesk {

namespace {

// Written by the signal handler, read by the event loop: the self-pipe trick, because nothing
// but write(2) is safe inside a handler.
int g_signalFds[2] = {-1, -1};

// bufferStdoutWhileBusy(): the thread whose lines are collected, and what it collected.
std::atomic<Qt::HANDLE> g_bufferingThread{nullptr};
QByteArray g_stdoutBuffer;

void writeAll(const char *data, qsizetype left)
{
    while (left > 0) {
        const ssize_t written = ::write(STDOUT_FILENO, data, size_t(left));
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return; // nobody reads stdout any more: logging must not take the program down
        }
        data += written;
        left -= written;
    }
}

void onTerminationSignal(int)
{
    const int saved = errno;
    const char byte = 1;
    (void)!::write(g_signalFds[0], &byte, 1);
    errno = saved;
}

// ISO 8601 UTC with milliseconds. Formatting a QDateTime costs more than answering a small
// request, so each thread formats the date and time once per second.
QByteArray timeNow()
{
    thread_local qint64 cachedSecond = -1;
    thread_local QByteArray cachedPrefix;
    const qint64 ms = QDateTime::currentMSecsSinceEpoch();
    const qint64 second = ms / 1000;
    if (second != cachedSecond) {
        cachedPrefix = QDateTime::fromSecsSinceEpoch(second, Qt::UTC)
                           .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss"))
                           .toLatin1();
        cachedSecond = second;
    }
    const int millis = int(ms % 1000);
    const char fraction[] = {'.', char('0' + millis / 100), char('0' + millis / 10 % 10),
                             char('0' + millis % 10), 'Z'};
    QByteArray time = cachedPrefix;
    time.append(fraction, sizeof fraction);
    return time;
}

void messageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const char *level = "info";
    switch (type) {
    case QtDebugMsg:
        level = "debug";
        break;
    case QtInfoMsg:
        level = "info";
        break;
    case QtWarningMsg:
        level = "warn";
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        level = "error";
        break;
    }
    QByteArray line = R"({"time":")" + timeNow() + R"(","level":")" + level + '"';
    if (context.category && qstrcmp(context.category, "default") != 0)
        line += R"(,"category":)" + ProgramRuntime::jsonString(QByteArray(context.category));
    line += R"(,"message":)" + ProgramRuntime::jsonString(QStringView(message)) + '}';
    ProgramRuntime::writeLine(std::move(line));
}

} // namespace

ProgramRuntime::ProgramRuntime(QObject *parent) : QObject(parent) {}

ProgramRuntime::~ProgramRuntime()
{
    if (m_buffering) {
        g_bufferingThread.store(nullptr);
        flushStdout();
    }
    if (m_notifier) {
        struct sigaction action = {};
        action.sa_handler = SIG_DFL;
        ::sigaction(SIGTERM, &action, nullptr);
        ::sigaction(SIGINT, &action, nullptr);
        ::close(g_signalFds[0]);
        ::close(g_signalFds[1]);
        g_signalFds[0] = g_signalFds[1] = -1;
    }
}

std::optional<quint16> ProgramRuntime::portFromEnvironment(QString *error)
{
    const QByteArray raw = qgetenv("PORT").trimmed();
    if (raw.isEmpty()) {
        *error = QStringLiteral("PORT is not set: the port to listen on is required");
        return std::nullopt;
    }
    bool ok = false;
    const uint port = raw.toUInt(&ok);
    if (!ok || port > 65535) {
        *error = QStringLiteral("PORT must be a number 0..65535, not \"%1\"")
                     .arg(QString::fromLocal8Bit(raw));
        return std::nullopt;
    }
    return quint16(port);
}

QString ProgramRuntime::instanceId()
{
    const QString id = qEnvironmentVariable("INSTANCE_ID").trimmed();
    return id.isEmpty() ? QStringLiteral("instance-0") : id;
}

bool ProgramRuntime::watchTerminationSignals()
{
    if (m_notifier)
        return true;
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalFds) != 0)
        return false;
    ::fcntl(g_signalFds[0], F_SETFL, O_NONBLOCK);
    m_notifier = new QSocketNotifier(g_signalFds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ProgramRuntime::readSignal);

    struct sigaction action = {};
    action.sa_handler = onTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
    return true;
}

void ProgramRuntime::readSignal()
{
    char buffer[16];
    (void)!::read(g_signalFds[1], buffer, sizeof buffer);
    Q_EMIT terminationRequested();
}

void ProgramRuntime::installMessageHandler()
{
    qInstallMessageHandler(messageHandler);
}

void ProgramRuntime::writeLine(QByteArray line)
{
    line += '\n';
    if (g_bufferingThread.load(std::memory_order_relaxed) == QThread::currentThreadId()) {
        g_stdoutBuffer += line;
        if (g_stdoutBuffer.size() >= kStdoutBufferBytes)
            flushStdout();
        return;
    }
    writeAll(line.constData(), line.size());
}

void ProgramRuntime::bufferStdoutWhileBusy()
{
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    if (!dispatcher || g_bufferingThread.load())
        return;
    g_stdoutBuffer.reserve(kStdoutBufferBytes + 1024);
    connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, &ProgramRuntime::flushStdout,
            Qt::DirectConnection);
    m_buffering = true;
    g_bufferingThread.store(QThread::currentThreadId());
}

void ProgramRuntime::flushStdout()
{
    // Only the buffering thread itself ever calls this with anything buffered.
    if (g_stdoutBuffer.isEmpty())
        return;
    writeAll(g_stdoutBuffer.constData(), g_stdoutBuffer.size());
    g_stdoutBuffer.resize(0); // keeps the capacity
}

void ProgramRuntime::log(const char *level, const QString &message)
{
    writeLine(R"({"time":")" + timeNow() + R"(","level":")" + level + R"(","message":)" +
              jsonString(QStringView(message)) + '}');
}

void ProgramRuntime::logRequest(QHttpServerRequest::Method method, const QString &path, int status,
                                double durationMs)
{
    writeLine(R"({"time":")" + timeNow() + R"(","level":"info","method":")" + methodName(method) +
              R"(","path":)" + jsonString(QStringView(path)) + R"(,"status":)" +
              QByteArray::number(status) + R"(,"duration_ms":)" + jsonMilliseconds(durationMs) +
              '}');
}

QByteArray ProgramRuntime::methodName(QHttpServerRequest::Method method)
{
    using M = QHttpServerRequest::Method;
    switch (method) {
    case M::Get:
        return QByteArrayLiteral("GET");
    case M::Put:
        return QByteArrayLiteral("PUT");
    case M::Delete:
        return QByteArrayLiteral("DELETE");
    case M::Post:
        return QByteArrayLiteral("POST");
    case M::Head:
        return QByteArrayLiteral("HEAD");
    case M::Options:
        return QByteArrayLiteral("OPTIONS");
    case M::Patch:
        return QByteArrayLiteral("PATCH");
    case M::Connect:
        return QByteArrayLiteral("CONNECT");
    case M::Trace:
        return QByteArrayLiteral("TRACE");
    default:
        return QByteArrayLiteral("UNKNOWN");
    }
}

QByteArray ProgramRuntime::jsonString(QStringView text)
{
    return jsonString(text.toUtf8());
}

QByteArray ProgramRuntime::jsonString(const QByteArray &utf8)
{
    static const char hex[] = "0123456789abcdef";
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (u < 0x20) {
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

QByteArray ProgramRuntime::jsonMilliseconds(double ms)
{
    return QByteArray::number(std::round(ms * 1000.0) / 1000.0, 'f', 3);
}

QByteArray ProgramRuntime::errorBody(const QString &code, const QString &message)
{
    return R"({"error":{"code":)" + jsonString(QStringView(code)) + R"(,"message":)" +
           jsonString(QStringView(message)) + "}}";
}

QHostAddress ProgramRuntime::listenAddress()
{
    const QHostAddress address(qEnvironmentVariable("LISTEN_ADDRESS", QStringLiteral("127.0.0.1")));
    return address.isNull() ? QHostAddress(QHostAddress::LocalHost) : address;
}

} // namespace edgedesk
