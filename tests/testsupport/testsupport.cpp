#include "testsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <sys/resource.h>

namespace edgedesk::test {

QByteArray HttpReply::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

namespace {

// Parses as much of `raw` as forms a complete response; true when complete.
bool parseResponse(const QByteArray &raw, HttpReply *reply, bool connectionClosed)
{
    qsizetype headEnd = raw.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    QByteArray head = raw.left(headEnd);
    qsizetype bodyStart = headEnd + 4;
    // Skip interim 1xx answers (100 Continue).
    while (head.startsWith("HTTP/1.1 1")) {
        const qsizetype next = raw.indexOf("\r\n\r\n", bodyStart);
        if (next < 0)
            return false;
        head = raw.mid(bodyStart, next - bodyStart);
        bodyStart = next + 4;
    }
    const QList<QByteArray> lines = head.split('\n');
    reply->statusLine = lines.value(0).trimmed();
    reply->status = reply->statusLine.split(' ').value(1).toInt();
    reply->headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            reply->headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    const QByteArray rest = raw.mid(bodyStart);
    if (reply->header("transfer-encoding").compare("chunked", Qt::CaseInsensitive) == 0) {
        QByteArray body;
        qsizetype pos = 0;
        for (;;) {
            const qsizetype lineEnd = rest.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return false;
            bool ok = false;
            const qsizetype size = rest.mid(pos, lineEnd - pos).toLongLong(&ok, 16);
            if (!ok)
                return false;
            if (size == 0) {
                reply->body = body;
                return rest.indexOf("\r\n", lineEnd + 2) >= 0 || connectionClosed;
            }
            if (rest.size() < lineEnd + 2 + size + 2)
                return false;
            body += rest.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
    }
    const QByteArray length = reply->header("content-length");
    if (!length.isEmpty()) {
        const qsizetype n = length.toLongLong();
        if (reply->status == 304 || reply->status == 204 || rest.size() >= n) {
            reply->body = rest.left(reply->status == 304 ? 0 : n);
            return true;
        }
        return false;
    }
    if (reply->status == 304 || reply->status == 204) {
        reply->body.clear();
        return true;
    }
    reply->body = rest;
    return connectionClosed;
}

} // namespace

HttpReply rawRequest(quint16 port, const QByteArray &bytes, int timeoutMs)
{
    HttpReply reply;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return reply;
    socket.write(bytes);
    QElapsedTimer timer;
    timer.start();
    QByteArray raw;
    while (timer.elapsed() < timeoutMs) {
        if (socket.bytesAvailable() == 0 && socket.state() != QAbstractSocket::ConnectedState)
            break;
        socket.waitForReadyRead(50);
        raw += socket.readAll();
        if (parseResponse(raw, &reply, false))
            break;
        QCoreApplication::processEvents();
    }
    raw += socket.readAll();
    reply.raw = raw;
    if (!parseResponse(raw, &reply, socket.state() != QAbstractSocket::ConnectedState) &&
        reply.status == 0)
        reply.status = 0;
    return reply;
}

HttpReply request(quint16 port, const QByteArray &method, const QByteArray &target,
                  const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body,
                  int timeoutMs)
{
    QByteArray bytes = method + ' ' + target + " HTTP/1.1\r\n";
    bool hasHost = false;
    for (const auto &h : headers) {
        if (h.first.compare("host", Qt::CaseInsensitive) == 0)
            hasHost = true;
        bytes += h.first + ": " + h.second + "\r\n";
    }
    if (!hasHost)
        bytes += "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        bytes += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    bytes += "\r\n" + body;
    return rawRequest(port, bytes, timeoutMs);
}

TestServer::TestServer(ServerOptions options)
    : m_dir(std::make_unique<QTemporaryDir>()), m_options(std::move(options))
{
    m_options.port = 0;
    if (m_options.dataDir.isEmpty())
        m_options.dataDir = m_dir->path();
    m_options.probeOllama = false;
    m_host = std::make_unique<ServerHost>();
}

TestServer::~TestServer()
{
    stop();
}

bool TestServer::start(int timeoutMs)
{
    QSignalSpy serving(m_host.get(), &ServerHost::serving);
    QSignalSpy failed(m_host.get(), &ServerHost::failed);
    m_host->start(m_options);
    if (!QTest::qWaitFor([&] { return !serving.isEmpty() || !failed.isEmpty(); }, timeoutMs)) {
        m_error = QStringLiteral("the server did not start within %1 ms").arg(timeoutMs);
        return false;
    }
    if (!failed.isEmpty()) {
        m_error = failed.first().first().toString();
        return false;
    }
    return true;
}

void TestServer::stop()
{
    if (m_host)
        m_host->stopAndWait(5000);
}

quint16 TestServer::port() const
{
    return m_host->port();
}

QUrl TestServer::url(const QString &path) const
{
    QUrl u = m_host->url();
    if (!path.isEmpty())
        u.setPath(path);
    return u;
}

QString binDir()
{
    const QString dir = qEnvironmentVariable("EDGEDESK_BIN_DIR");
    return dir.isEmpty() ? QCoreApplication::applicationDirPath() + QStringLiteral("/../bin") : dir;
}

QString program(const QString &name)
{
    return binDir() + QLatin1Char('/') + name;
}

QString sourceDir()
{
    return qEnvironmentVariable("EDGEDESK_SOURCE_DIR");
}

quint16 freePort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

ProcessResult run(const QString &programPath, const QStringList &args, int timeoutMs,
                  const QByteArray &stdinData)
{
    ProcessResult result;
    QProcess process;
    process.start(programPath, args);
    if (!process.waitForStarted(5000))
        return result;
    if (!stdinData.isEmpty())
        process.write(stdinData);
    process.closeWriteChannel();
    result.finished = process.waitForFinished(timeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(2000);
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

EdgedeskProcess::EdgedeskProcess(QString dataDir, QStringList extraArgs)
    : m_dataDir(std::move(dataDir)), m_args(std::move(extraArgs))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

EdgedeskProcess::~EdgedeskProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
    }
}

bool EdgedeskProcess::start(int timeoutMs)
{
    m_port = freePort();
    QStringList args{QStringLiteral("--headless"), QStringLiteral("--port"),
                     QString::number(m_port), QStringLiteral("--persist-to"), m_dataDir};
    args += m_args;
    m_process.start(program(QStringLiteral("edgedesk")), args);
    if (!m_process.waitForStarted(5000))
        return false;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        m_process.waitForReadyRead(50);
        m_output += m_process.readAll();
        if (m_output.contains("EdgeDesk serving on"))
            return true;
        if (m_process.state() == QProcess::NotRunning)
            return false;
    }
    return false;
}

void EdgedeskProcess::kill9()
{
    m_process.kill();
    m_process.waitForFinished(5000);
}

bool EdgedeskProcess::terminate(int timeoutMs)
{
    m_process.terminate();
    const bool ok = m_process.waitForFinished(timeoutMs);
    m_output += m_process.readAll();
    return ok;
}

void raiseFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

bool deliverPostedEvents(int timeoutMs)
{
    // Events posted to one thread are delivered in the order they were posted.
    QObject marker;
    bool reached = false;
    QMetaObject::invokeMethod(
        &marker, [&reached] { reached = true; }, Qt::QueuedConnection);
    return QTest::qWaitFor([&reached] { return reached; }, timeoutMs);
}

} // namespace edgedesk::test
