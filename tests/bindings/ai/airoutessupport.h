#pragma once

// Shared by the /ai and secrets route suites: an in-process server whose config's "ai" block
// points at an AiUpstreamServer, a server-sent-events client over a raw socket, and the search
// for a secret value in everything a user could read (responses, the log hub, log files).

#include "aiupstreamserver.h"
#include "logging/loghub.h"
#include "testsupport.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

#include <memory>
#include <optional>

namespace edgedesk::test {

// A TestServer with a temporary wrangler.jsonc holding only `ai` (no containers, so it starts
// fast). `probe` turns on the start-up Ollama probe (TestServer turns it off).
inline std::unique_ptr<TestServer> startAiServer(const QJsonObject &ai, bool probe = false,
                                                 QString *error = nullptr)
{
    auto server = std::make_unique<TestServer>();
    const QString path = server->dataDir() + QStringLiteral("/wrangler.jsonc");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return nullptr;
    const QJsonObject root{{QStringLiteral("name"), QStringLiteral("airoutes-test")},
                           {QStringLiteral("ai"), ai}};
    file.write("// written by the airoutes tests\n" + QJsonDocument(root).toJson());
    file.close();
    server->options().configPath = path;
    server->options().probeOllama = probe;
    if (!server->start()) {
        if (error)
            *error = server->lastError();
        return nullptr;
    }
    return server;
}

inline QJsonObject openAiBlock(const AiUpstreamServer &upstream, const QString &secret = QString())
{
    QJsonObject ai{{QStringLiteral("binding"), QStringLiteral("AI")},
                   {QStringLiteral("provider"), QStringLiteral("openai")},
                   {QStringLiteral("base_url"), upstream.openAiBaseUrl()},
                   {QStringLiteral("model"), QStringLiteral("llama3.2")}};
    if (!secret.isEmpty())
        ai.insert(QStringLiteral("api_key_secret"), secret);
    return ai;
}

inline QJsonObject workersAiBlock(const AiUpstreamServer &upstream)
{
    return QJsonObject{{QStringLiteral("binding"), QStringLiteral("AI")},
                       {QStringLiteral("provider"), QStringLiteral("workers-ai")},
                       {QStringLiteral("account_id"), QStringLiteral("acc0123")},
                       {QStringLiteral("base_url"), upstream.workersAiBaseUrl()}};
}

inline HttpReply putSecret(quint16 port, const QByteArray &name, const QByteArray &value)
{
    return request(port, "PUT", "/__edgedesk/v1/secrets/" + name,
                   {{"Content-Type", "application/octet-stream"}}, value);
}

inline QString errorCode(const HttpReply &reply)
{
    return reply.json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

inline QString errorMessage(const HttpReply &reply)
{
    return reply.json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("message"))
        .toString();
}

// Where `value` shows up in the logs of `server`: every line its hub holds (message and
// category) and every file under its <dataDir>/logs. Empty when it appears nowhere.
inline QStringList logLeaks(const QByteArray &value, TestServer &server)
{
    QStringList where;
    const QString text = QString::fromUtf8(value);
    const QString dataDir = server.dataDir();
    const QList<LogEntry> lines = server.host().logHub().tail(5000);
    for (const LogEntry &e : lines) {
        if (e.message.contains(text) || e.category.contains(text) || e.source.contains(text))
            where << QStringLiteral("log line: ") + e.message;
    }
    QDirIterator files(dataDir + QStringLiteral("/logs"), QDir::Files,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = files.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(value))
            where << QStringLiteral("log file: ") + path;
    }
    return where;
}

// One streamed response read as it arrives: the head, then each server-sent event with the
// moment (AiUpstreamServer::monotonicNs) it was complete here.
class SseClient final
{
public:
    bool open(quint16 port, const QByteArray &method, const QByteArray &target,
              const QByteArray &body = QByteArray())
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(5000))
            return false;
        QByteArray bytes = method + ' ' + target +
                           " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
                           "\r\nAccept: text/event-stream\r\n";
        if (!body.isEmpty() || method == "POST")
            bytes += "Content-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n";
        bytes += "\r\n" + body;
        m_socket.write(bytes);
        return m_socket.waitForBytesWritten(5000);
    }

    // The next complete event's data, or nothing when the stream ended or timeoutMs passed.
    std::optional<QByteArray> nextEvent(int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        for (;;) {
            parse();
            if (!m_events.isEmpty()) {
                const QByteArray event = m_events.takeFirst();
                return event;
            }
            if (m_ended || timer.elapsed() > timeoutMs)
                return std::nullopt;
            if (m_socket.state() != QAbstractSocket::ConnectedState &&
                m_socket.bytesAvailable() == 0)
                return std::nullopt;
            m_socket.waitForReadyRead(20);
            m_raw += m_socket.readAll();
        }
    }

    // Reads the rest: every remaining event, until the terminating chunk.
    QList<QByteArray> readAll(int timeoutMs = 10000)
    {
        QList<QByteArray> events;
        while (const auto event = nextEvent(timeoutMs))
            events << *event;
        return events;
    }

    void abort() { m_socket.abort(); }

    int status() const { return m_status; }
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : m_headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    bool ended() const { return m_ended; } // the zero-length chunk arrived
    QByteArray rawBytes() const { return m_raw; }
    QByteArray body() const { return m_body; }
    QList<qint64> eventTimesNs() const { return m_times; }

private:
    void parse()
    {
        if (m_status == 0) {
            const qsizetype end = m_raw.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = m_raw.left(end).split('\n');
            m_status = lines.value(0).split(' ').value(1).toInt();
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines[i].trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon > 0)
                    m_headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
            }
            m_pos = end + 4;
            m_chunked = header("transfer-encoding").compare("chunked", Qt::CaseInsensitive) == 0;
        }
        if (!m_chunked) {
            // A plain (error) answer: its body is all there is.
            const qsizetype length = header("content-length").toLongLong();
            if (m_raw.size() - m_pos >= length) {
                m_body = m_raw.mid(m_pos, length);
                m_ended = true;
            }
            return;
        }
        for (;;) {
            const qsizetype lineEnd = m_raw.indexOf("\r\n", m_pos);
            if (lineEnd < 0)
                break;
            bool ok = false;
            const qsizetype size = m_raw.mid(m_pos, lineEnd - m_pos).toLongLong(&ok, 16);
            if (!ok)
                break;
            if (size == 0) {
                m_ended = true;
                break;
            }
            if (m_raw.size() < lineEnd + 2 + size + 2)
                break;
            m_body += m_raw.mid(lineEnd + 2, size);
            m_pos = lineEnd + 2 + size + 2;
        }
        for (;;) {
            const qsizetype end = m_body.indexOf("\n\n", m_scanned);
            if (end < 0)
                break;
            const QByteArray event = m_body.mid(m_scanned, end - m_scanned);
            m_scanned = end + 2;
            m_events << (event.startsWith("data: ") ? event.mid(6) : event);
            m_times << AiUpstreamServer::monotonicNs();
        }
    }

    QTcpSocket m_socket;
    QByteArray m_raw;
    qsizetype m_pos = 0;
    int m_status = 0;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    bool m_chunked = false;
    bool m_ended = false;
    QByteArray m_body;
    qsizetype m_scanned = 0;
    QList<QByteArray> m_events;
    QList<qint64> m_times;
};

} // namespace edgedesk::test
