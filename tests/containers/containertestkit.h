#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QTcpSocket>
#include <QThread>

#include "testsupport.h"

#include <atomic>
#include <memory>

class QTcpServer;

namespace edgedesk::test {

// A small HTTP/1.1 server on its own thread, standing in for a remote container (`url` classes)
// or an upstream in the proxy's unit tests.
class TestUpstream final
{
public:
    enum class Mode
    {
        Echo,           // 200, the request body back (Content-Length), keep-alive
        Chunked,        // 200, the request body back in 1000-byte chunks
        CloseDelimited, // 200, the request body back, then the connection closes
        Silent,         // reads the request, never answers
    };

    explicit TestUpstream(Mode mode);
    ~TestUpstream();
    TestUpstream(const TestUpstream &) = delete;
    TestUpstream &operator=(const TestUpstream &) = delete;

    quint16 port() const { return m_port; }
    int connectionsAccepted() const { return m_accepted.load(); }
    int requestsSeen() const { return m_requests.load(); }
    int openConnections() const { return m_open.load(); }
    // Closes every idle connection from the server side (a keep-alive timeout upstream).
    void closeIdleConnections();
    // The raw head of the last request.
    QByteArray lastHead() const;

private:
    void onConnection();
    void onReadyRead(QTcpSocket *socket);

    Mode m_mode;
    QThread m_thread;
    QObject *m_context = nullptr;
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    std::atomic<int> m_accepted{0};
    std::atomic<int> m_requests{0};
    std::atomic<int> m_open{0};
    QByteArray m_lastHead;                     // touched in m_thread only
    QHash<QTcpSocket *, QByteArray> m_buffers; // touched in m_thread only
};

// An HTTP request that runs while the test does other things; reads Content-Length, chunked and
// close-delimited answers.
class AsyncClient final : public QObject
{
public:
    AsyncClient(quint16 port, const QByteArray &rawRequest, QObject *parent = nullptr);
    ~AsyncClient() override;
    static QByteArray requestBytes(quint16 port, const QByteArray &method, const QByteArray &target,
                                   const QList<QPair<QByteArray, QByteArray>> &headers = {},
                                   const QByteArray &body = QByteArray());

    bool isFinished() const { return m_finished; }
    int status() const { return m_status; }
    QByteArray header(const QByteArray &name) const;
    QByteArray body() const { return m_body; }
    QByteArray raw() const { return m_raw; }
    QJsonObject json() const;
    // Closes the connection before the answer is complete (a client that goes away).
    void abort() { m_socket.abort(); }

private:
    void parse(bool closed);

    QTcpSocket m_socket;
    QByteArray m_raw;
    QByteArray m_body;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    int m_status = 0;
    bool m_finished = false;
};

// A process and when it started, so that a reused pid is not mistaken for it.
struct ProcessInfo
{
    qint64 pid = 0;
    QByteArray comm;
    QByteArray startTime;
};

// Every process below pid (children, grandchildren...), from /proc.
QList<ProcessInfo> descendants(qint64 pid);
// Still there (and not a zombie waiting to be reaped)?
bool isAlive(const ProcessInfo &process);
ProcessInfo processInfo(qint64 pid);

// bubblewrap can make a sandbox (with its own pid namespace) on this machine.
bool bwrapUsable();
// The real host uid of process pid, from /proc (-1 when it is gone).
qint64 hostUidOf(qint64 pid);
// The "error" object of a JSON error answer.
QJsonObject errorOf(const HttpReply &reply);
// The messages of an instance's log (the last 500 lines), one a line, through the control API.
QString instanceLog(quint16 port, const QString &className, int instance);
// A POST /run body: {"command": command}.
QByteArray runBody(const QString &command);

// A wrangler.jsonc in dir with these container classes and their durable_objects bindings.
// Each class is {binding, json object of the containers entry (class_name included)}.
QString writeConfig(const QString &dir, const QList<QPair<QString, QJsonObject>> &classes);

// An EdgeDesk in this process with the configuration writeConfig() makes in configDir, its state
// in dataDir and the built programs; null, with a warning saying why, when it does not start.
// base gives the other options; port 0 is any free one.
std::unique_ptr<TestServer> startServer(const QString &configDir, const QString &dataDir,
                                        const QList<QPair<QString, QJsonObject>> &classes,
                                        ServerOptions base = {}, quint16 port = 0);

} // namespace edgedesk::test
