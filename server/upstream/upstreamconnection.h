#pragma once

#include "routing/httpresponse.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>

class QTcpSocket;

namespace edgedesk {

class UpstreamConnection;
class UpstreamPool;

// Why a request to an upstream failed.
enum class UpstreamFailure
{
    Refused,  // nothing listens there
    Timeout,  // no byte from the upstream within the request's timeout
    Closed,   // the connection ended before a complete answer
    Protocol, // the answer was not HTTP/1.x we understand
};

// A request for an upstream in origin form. The connection adds Host and Content-Length.
struct UpstreamRequest
{
    QByteArray method;
    QByteArray target; // path and query, percent-encoded as received
    HeaderList headers;
    QByteArray body;
    int timeoutMs = 60000; // the longest silence from the upstream
};

// What the caller hears, in order: head once, data zero or more times, then complete; or failed
// at any point instead. Nothing is heard after a cancel.
struct UpstreamCallbacks
{
    // contentLength is -1 for chunked and close-delimited bodies.
    std::function<void(int status, const HeaderList &headers, qint64 contentLength)> head;
    std::function<void(const QByteArray &data)> data;
    std::function<void()> complete;
    std::function<void(UpstreamFailure failure, const QString &detail)> failed;
};

// One request, queued or on a connection; the pool's handle to cancel it.
struct UpstreamCall
{
    UpstreamRequest request;
    UpstreamCallbacks callbacks;
    QPointer<UpstreamConnection> connection;
    bool finished = false; // reported or cancelled: nothing more is said
    bool retried = false;
    bool headSeen = false;
};

// One keep-alive HTTP/1.1 client connection to an upstream, in the server thread. Carries one
// request at a time (no pipelining) and parses the answer incrementally: status line, headers,
// then a Content-Length, chunked or close-delimited body. Owned by its UpstreamPool.
class UpstreamConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamConnection)

public:
    UpstreamConnection(UpstreamPool *pool, const QString &host, quint16 port,
                       const QString &unixSocket = {});
    ~UpstreamConnection() override;

    // Sends call's request, connecting first when needed. The connection must be idle.
    void start(std::shared_ptr<UpstreamCall> call);
    // Closes at once; the current call (if any) is dropped without a report.
    void abort();
    bool isBusy() const { return m_call != nullptr; }
    // Fails the call (timeout) or closes the idle connection once its deadline has passed.
    // The pool's sweep calls it: one timer for all connections instead of a QTimer restarted
    // on every request and every read.
    void checkDeadline(qint64 now);
    const std::shared_ptr<UpstreamCall> &currentCall() const { return m_call; }

    static constexpr int kIdleTimeoutMs = 10000;

private:
    enum class Phase
    {
        Idle,
        Connecting,
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Closed
    };

    void send();
    // Connected at once to m_unixSocket: true. False: use TCP.
    bool connectUnix();
    void onReadyRead();
    void onDisconnected();
    void onSocketError();
    // Consumes m_in from m_pos; false once the call ended in failure.
    bool process();
    bool parseHead(qsizetype headEnd);
    bool readLine(QByteArray *line);
    void emitData(const char *data, qsizetype size);
    void completeCall();
    void fail(UpstreamFailure failure, const QString &detail);
    void close();

    UpstreamPool *m_pool;
    QString m_host;
    quint16 m_port;
    QString m_unixSocket;
    QTcpSocket *m_socket;
    QByteArray m_hostLine; // "Host: 127.0.0.1:1234\r\n"
    qint64 m_deadline = 0; // UpstreamPool::now() ms: request silence or idle limit
    Phase m_phase = Phase::Idle;
    std::shared_ptr<UpstreamCall> m_call;
    QByteArray m_in;
    qsizetype m_pos = 0;
    qint64 m_remaining = 0;
    qint64 m_received = 0; // bytes of the current answer
    bool m_keepAlive = true;
    bool m_headRequest = false;
    int m_completed = 0; // answers completed on this connection
};

} // namespace edgedesk
