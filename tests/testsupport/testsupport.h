#pragma once

#include "serverhost.h"

#include <QByteArray>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace edgedesk::test {

// A finished HTTP exchange as the client saw it.
struct HttpReply
{
    int status = 0; // 0: no answer (connection failed or closed)
    QByteArray statusLine;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray raw;
    QByteArray header(const QByteArray &name) const;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// Sends one request over a fresh TCP connection and reads the answer (Content-Length or chunked),
// waiting at most timeoutMs. Headers are sent exactly as given (add Host yourself or use
// request(), which adds it).
HttpReply rawRequest(quint16 port, const QByteArray &bytes, int timeoutMs = 10000);

// A request with Host: 127.0.0.1:<port> and Content-Length added.
HttpReply request(quint16 port, const QByteArray &method, const QByteArray &target,
                  const QList<QPair<QByteArray, QByteArray>> &headers = {},
                  const QByteArray &body = QByteArray(), int timeoutMs = 10000);

// An EdgeDesk server in this process (ServerHost on port 0) with its own temporary data folder.
class TestServer
{
public:
    explicit TestServer(ServerOptions options = {});
    ~TestServer();
    bool start(int timeoutMs = 20000); // waits until serving; false with lastError() otherwise
    void stop();
    quint16 port() const;
    QUrl url(const QString &path = QString()) const;
    ServerHost &host() { return *m_host; }
    QString dataDir() const { return m_options.dataDir; }
    QString lastError() const { return m_error; }
    ServerOptions &options() { return m_options; }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ServerHost> m_host;
    ServerOptions m_options;
    QString m_error;
};

// The folder with the built programs (edgedesk, api-backend, command-runner).
QString binDir();
QString program(const QString &name);
QString sourceDir();

// A free TCP port on 127.0.0.1 (bound and released).
quint16 freePort();

// Runs a program to completion; returns {exit code, stdout, stderr}.
struct ProcessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    bool finished = false;
};
ProcessResult run(const QString &program, const QStringList &args, int timeoutMs = 30000,
                  const QByteArray &stdinData = QByteArray());

// A headless `edgedesk` process on a free port, for end-to-end tests.
class EdgedeskProcess
{
public:
    explicit EdgedeskProcess(QString dataDir, QStringList extraArgs = {});
    ~EdgedeskProcess();
    bool start(int timeoutMs = 20000);
    void kill9();
    bool terminate(int timeoutMs = 5000); // SIGTERM, wait
    quint16 port() const { return m_port; }
    QProcess &process() { return m_process; }
    QByteArray output() const { return m_output; }

private:
    QString m_dataDir;
    QStringList m_args;
    quint16 m_port = 0;
    QProcess m_process;
    QByteArray m_output;
};

// Returns once every event posted to this thread before the call has been delivered: whatever a
// cancelled operation had already queued for this thread has arrived by then (false on timeout).
bool deliverPostedEvents(int timeoutMs = 5000);

// Raises the soft open-files limit to the hard limit (connection-cap tests open many sockets).
void raiseFileLimit();

} // namespace edgedesk::test
