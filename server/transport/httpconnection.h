#pragma once

#include "transport/transportlimits.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <functional>
#include <map>

class QTcpSocket;

namespace edgedesk {

// What the guard learnt from a request head, handed to the exchange that answers it.
struct RequestHead
{
    QByteArray method;
    QByteArray target; // raw request target, e.g. "/kv?key=a%20b"
    bool keepAlive = true;
};

// One per accepted socket (a child of it). Two jobs:
//  - the guard: its readyRead slot is connected before Qt HTTP Server's, peeks every new byte and
//    enforces the transport limits (head size, body size per route, idle time), answers
//    `Expect: 100-continue`, and refuses bad requests itself so the server never buffers them;
//  - the writer: responses are written through it in request order (Qt 6.4 may answer pipelined
//    requests out of order), and `Connection: close` / HTTP/1.0 close the connection once answered.
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    HttpConnection(QTcpSocket *socket, const TransportLimits &limits);
    ~HttpConnection() override;

    static HttpConnection *of(QTcpSocket *socket);

    QTcpSocket *socket() const { return m_socket; }
    // The client's address as text, formatted once per connection (for traffic records).
    const QString &peerText();

    // Exchange side. The server dispatches requests in the order the guard saw their heads.
    RequestHead takeHead();
    quint64 nextSequence() { return m_nextSeq++; }
    // Appends response bytes for request `seq`; `complete` ends that response.
    void write(quint64 seq, const QByteArray &bytes, bool complete, bool closeAfter);
    void setStreaming(bool on);
    void requestStarted() { ++m_inFlight; }
    void requestFinished();

Q_SIGNALS:
    void refused(int status, const QByteArray &code);

private:
    void onReadyRead();
    void onBytesWritten();
    void onIdleTimeout();
    // Feeds new bytes to the parser; returns false once the connection was refused.
    bool consume(const char *data, qint64 size);
    bool parseHead(QByteArrayView head);
    bool consumeChunked(const char *&p, const char *end);
    void refuse(int status, const QByteArray &code, const QString &message);
    void flushOrdered();
    // Writes response bytes: to the kernel directly when nothing is buffered, else via Qt.
    void send(const QByteArray &bytes);
    void noteActivity();

    enum class State
    {
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Refused
    };

    QTcpSocket *m_socket;
    const TransportLimits &m_limits;
    State m_state = State::Head;
    QByteArray m_head;      // bytes of the current head (or chunk-size/trailer line)
    qint64 m_remaining = 0; // body or chunk bytes still expected
    qint64 m_bodyLimit = 0;
    qint64 m_bodySeen = 0;
    bool m_headStarted = false;
    std::deque<RequestHead> m_heads;

    struct Pending
    {
        QByteArray data;
        bool complete = false;
        bool closeAfter = false;
    };
    quint64 m_nextSeq = 0;
    quint64 m_nextOut = 0;
    std::map<quint64, Pending> m_out;
    bool m_closing = false;
    int m_streaming = 0;
    int m_inFlight = 0;

    QString m_peerText;
    QTimer m_idle;
    QElapsedTimer m_activity; // since the last read or write
    bool m_lingering = false;
    QElapsedTimer m_headClock;
    qint64 m_discarded = 0;
};

} // namespace edgedesk
