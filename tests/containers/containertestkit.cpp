#include "containertestkit.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>

namespace edgedesk::test {

namespace {

QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

QByteArray readProcFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace

TestUpstream::TestUpstream(Mode mode) : m_mode(mode)
{
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            m_server = new QTcpServer(m_context);
            m_server->listen(QHostAddress::LocalHost, 0);
            m_port = m_server->serverPort();
            QObject::connect(m_server, &QTcpServer::newConnection, m_context,
                             [this] { onConnection(); });
        },
        Qt::BlockingQueuedConnection);
}

TestUpstream::~TestUpstream()
{
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            const auto sockets = m_context->findChildren<QTcpSocket *>();
            for (QTcpSocket *s : sockets)
                s->abort();
            qDeleteAll(m_context->children());
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_context;
}

void TestUpstream::onConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(m_context);
        ++m_accepted;
        ++m_open;
        QObject::connect(socket, &QTcpSocket::readyRead, m_context,
                         [this, socket] { onReadyRead(socket); });
        QObject::connect(socket, &QTcpSocket::disconnected, m_context, [this, socket] {
            --m_open;
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void TestUpstream::onReadyRead(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    for (;;) {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QByteArray head = buffer.left(headEnd);
        const qsizetype length = headerValue(head, "content-length").toLongLong();
        if (buffer.size() < headEnd + 4 + length)
            return;
        const QByteArray body = buffer.mid(headEnd + 4, length);
        buffer.remove(0, headEnd + 4 + length);
        m_lastHead = head;
        ++m_requests;
        const QList<QByteArray> requestLine = head.left(head.indexOf('\r')).split(' ');
        QByteArray type = headerValue(head, "content-type");
        if (type.isEmpty())
            type = "application/octet-stream";
        const QByteArray common = "Content-Type: " + type +
                                  "\r\nX-Upstream-Method: " + requestLine.value(0) +
                                  "\r\nX-Upstream-Target: " + requestLine.value(1) + "\r\n";
        switch (m_mode) {
        case Mode::Silent:
            break;
        case Mode::Echo:
            if (requestLine.value(0) == "HEAD") {
                // A HEAD answer announces the length a GET would have, and sends no body.
                socket->write("HTTP/1.1 200 OK\r\n" + common + "Content-Length: 5\r\n\r\n");
                break;
            }
            socket->write("HTTP/1.1 200 OK\r\n" + common +
                          "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            break;
        case Mode::Chunked: {
            QByteArray out = "HTTP/1.1 200 OK\r\n" + common + "Transfer-Encoding: chunked\r\n\r\n";
            for (qsizetype at = 0; at < body.size(); at += 1000) {
                const QByteArray chunk = body.mid(at, 1000);
                out += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
            }
            out += "0\r\n\r\n";
            socket->write(out);
            break;
        }
        case Mode::CloseDelimited:
            socket->write("HTTP/1.1 200 OK\r\n" + common + "Connection: close\r\n\r\n" + body);
            socket->disconnectFromHost();
            return;
        }
    }
}

void TestUpstream::closeIdleConnections()
{
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            const auto sockets = m_context->findChildren<QTcpSocket *>();
            for (QTcpSocket *s : sockets) {
                if (m_buffers.value(s).isEmpty())
                    s->disconnectFromHost();
            }
        },
        Qt::BlockingQueuedConnection);
}

QByteArray TestUpstream::lastHead() const
{
    QByteArray head;
    QMetaObject::invokeMethod(
        m_context, [this, &head] { head = m_lastHead; }, Qt::BlockingQueuedConnection);
    return head;
}

AsyncClient::AsyncClient(quint16 port, const QByteArray &rawRequest, QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, [this] {
        m_raw += m_socket.readAll();
        parse(false);
    });
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] {
        if (m_socket.isOpen())
            m_raw += m_socket.readAll();
        parse(true);
        m_finished = true;
    });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_socket.state() != QAbstractSocket::ConnectedState)
            m_finished = true;
    });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    m_socket.write(rawRequest);
}

AsyncClient::~AsyncClient()
{
    // The socket is destroyed after the buffers its signals would write into.
    m_socket.disconnect(this);
    m_socket.abort();
}

QByteArray AsyncClient::requestBytes(quint16 port, const QByteArray &method,
                                     const QByteArray &target,
                                     const QList<QPair<QByteArray, QByteArray>> &headers,
                                     const QByteArray &body)
{
    QByteArray out =
        method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return out + "\r\n" + body;
}

QByteArray AsyncClient::header(const QByteArray &name) const
{
    for (const auto &h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

QJsonObject AsyncClient::json() const
{
    return QJsonDocument::fromJson(m_body).object();
}

void AsyncClient::parse(bool closed)
{
    if (m_finished)
        return;
    const qsizetype headEnd = m_raw.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return;
    const QByteArray head = m_raw.left(headEnd);
    const QList<QByteArray> lines = head.split('\n');
    m_status = lines.value(0).split(' ').value(1).toInt();
    m_headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            m_headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    const QByteArray rest = m_raw.mid(headEnd + 4);
    if (header("transfer-encoding").compare("chunked", Qt::CaseInsensitive) == 0) {
        QByteArray body;
        qsizetype pos = 0;
        for (;;) {
            const qsizetype lineEnd = rest.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return;
            const qsizetype size = rest.mid(pos, lineEnd - pos).toLongLong(nullptr, 16);
            if (size == 0) {
                m_body = body;
                m_finished = rest.indexOf("\r\n", lineEnd + 2) >= 0 || closed;
                return;
            }
            if (rest.size() < lineEnd + 2 + size + 2) {
                m_body = body; // what arrived so far (server-sent events)
                return;
            }
            body += rest.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
            m_body = body;
        }
    }
    const QByteArray length = header("content-length");
    if (!length.isEmpty()) {
        if (rest.size() >= length.toLongLong()) {
            m_body = rest.left(length.toLongLong());
            m_finished = true;
        }
        return;
    }
    m_body = rest;
    m_finished = closed;
}

ProcessInfo processInfo(qint64 pid)
{
    ProcessInfo info;
    const QByteArray stat = readProcFile(QStringLiteral("/proc/%1/stat").arg(pid));
    const qsizetype open = stat.indexOf('(');
    const qsizetype close = stat.lastIndexOf(')');
    if (open < 0 || close < open)
        return info;
    const QList<QByteArray> rest = stat.mid(close + 2).split(' ');
    if (rest.size() < 20 || rest[0] == "Z")
        return info;
    info.pid = pid;
    info.comm = stat.mid(open + 1, close - open - 1);
    info.startTime = rest[19]; // field 22: starttime
    return info;
}

bool isAlive(const ProcessInfo &process)
{
    const ProcessInfo now = processInfo(process.pid);
    return now.pid == process.pid && now.startTime == process.startTime;
}

QList<ProcessInfo> descendants(qint64 pid)
{
    QList<ProcessInfo> out;
    QList<qint64> pending{pid};
    while (!pending.isEmpty()) {
        const qint64 p = pending.takeFirst();
        const QString tasks = QStringLiteral("/proc/%1/task").arg(p);
        for (const QString &tid : QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QList<QByteArray> children =
                readProcFile(tasks + QLatin1Char('/') + tid + QStringLiteral("/children"))
                    .simplified()
                    .split(' ');
            for (const QByteArray &c : children) {
                const qint64 child = c.toLongLong();
                if (child <= 0)
                    continue;
                const ProcessInfo info = processInfo(child);
                if (info.pid > 0) {
                    out.append(info);
                    pending.append(child);
                }
            }
        }
    }
    return out;
}

QString writeConfig(const QString &dir, const QList<QPair<QString, QJsonObject>> &classes)
{
    QJsonArray containers;
    QJsonArray bindings;
    QJsonArray sqliteClasses;
    for (const auto &[binding, entry] : classes) {
        containers.append(entry);
        const QString className = entry.value(QStringLiteral("class_name")).toString();
        bindings.append(QJsonObject{{QStringLiteral("name"), binding},
                                    {QStringLiteral("class_name"), className}});
        sqliteClasses.append(className);
    }
    const QJsonObject root{
        {QStringLiteral("name"), QStringLiteral("containers-test")},
        {QStringLiteral("containers"), containers},
        {QStringLiteral("durable_objects"), QJsonObject{{QStringLiteral("bindings"), bindings}}},
        {QStringLiteral("migrations"),
         QJsonArray{QJsonObject{{QStringLiteral("tag"), QStringLiteral("v1")},
                                {QStringLiteral("new_sqlite_classes"), sqliteClasses}}}},
    };
    const QString path = QDir(dir).filePath(QStringLiteral("wrangler.jsonc"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(QJsonDocument(root).toJson());
    return path;
}

bool bwrapUsable()
{
    QProcess process;
    process.start(QStringLiteral("bwrap"),
                  {QStringLiteral("--ro-bind"), QStringLiteral("/"), QStringLiteral("/"),
                   QStringLiteral("--unshare-pid"), QStringLiteral("/bin/true")});
    return process.waitForFinished(10000) && process.exitCode() == 0;
}

QByteArray runBody(const QString &command)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("command"), command}})
        .toJson(QJsonDocument::Compact);
}

std::unique_ptr<TestServer> startServer(const QString &configDir, const QString &dataDir,
                                        const QList<QPair<QString, QJsonObject>> &classes,
                                        ServerOptions base, quint16 port)
{
    base.configPath = writeConfig(configDir, classes);
    base.dataDir = dataDir;
    base.programDir = binDir();
    auto server = std::make_unique<TestServer>(base);
    server->options().port = port;
    if (!server->start()) {
        qWarning() << "server did not start:" << server->lastError();
        return nullptr;
    }
    return server;
}

qint64 hostUidOf(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray status = file.readAll();
    const QByteArray line = status.mid(status.indexOf("\nUid:") + 5);
    return line.left(line.indexOf('\n')).simplified().split(' ').value(0).toLongLong();
}

QJsonObject errorOf(const HttpReply &reply)
{
    return reply.json().value(QStringLiteral("error")).toObject();
}

QString instanceLog(quint16 port, const QString &className, int instance)
{
    QString text;
    const QJsonArray lines =
        request(port, "GET",
                QStringLiteral("/__edgedesk/v1/containers/%1/instance-%2/logs?tail=500")
                    .arg(className)
                    .arg(instance)
                    .toUtf8())
            .json()
            .value(QStringLiteral("lines"))
            .toArray();
    for (const QJsonValue &line : lines)
        text += line.toObject().value(QStringLiteral("message")).toString() + QLatin1Char('\n');
    return text;
}

} // namespace edgedesk::test
