#pragma once

#include "transport/requestbodywriter.h"
#include "transport/requesthead.h"
#include "transport/requestparser.h"
#include "transport/responsesink.h"
#include "transport/transportlimits.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QTimer>

#include <map>

class QTcpSocket;

namespace edgedesk {

class RequestSink;

// One per accepted socket (a child of it). It reads and parses every request itself
// (RequestParser), has the route looked up as soon as a head is complete, enforces the transport
// limits (head size, body size per route, idle time), answers `Expect: 100-continue`, collects
// the body (RequestBodyWriter: a large one goes to a file as it arrives) and hands the complete
// request to the RequestSink. A request it
// refuses ends the connection: nothing after it is ever parsed. Answers are written in request
// order (ResponseSink), and `Connection: close` / HTTP/1.0 close the connection once answered.
class HttpConnection final : public ResponseSink
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    HttpConnection(QTcpSocket *socket, const TransportLimits &limits, RequestSink *requests);
    ~HttpConnection() override;

    QTcpSocket *socket() const { return m_socket; }
    const QHostAddress &peer() const { return m_peer; }

    // ResponseSink
    quint64 openResponse() override;
    void write(quint64 seq, const QByteArray &bytes, bool complete, bool closeAfter) override;
    void setStreaming(bool on) override;
    void responseFinished() override;
    bool isConnected() const override;
    const QString &peerText() override;

    // A kept-alive connection waiting for its next request: nothing of one received, nothing
    // being answered. The listener may close it to admit a new client.
    bool isIdle() const;
    qint64 quietMs() const { return m_activity.elapsed(); }
    // Closes the connection now (idle ones only are closed this way).
    void close();

private:
    void onReadyRead();
    void onBytesWritten();
    void onIdleTimeout();
    // Parses `size` bytes; returns how many were taken (fewer when the connection paused).
    qint64 consume(const char *data, qint64 size);
    bool startRequest();
    void completeRequest();
    void refuse(const QString &code, const QString &message);
    bool paused() const;
    void flushOrdered();
    // Writes response bytes: to the kernel directly when nothing is buffered, else via Qt.
    void send(const QByteArray &bytes);
    void noteActivity();

    QTcpSocket *m_socket;
    const TransportLimits &m_limits;
    RequestSink *m_requests;
    QHostAddress m_peer;
    RequestParser m_parser;
    RequestHead m_head;
    RequestBodyWriter m_body;
    QByteArray m_unread; // bytes read while paused, parsed first when the connection resumes
    bool m_refused = false;
    bool m_lastRequest = false; // one asked to close the connection: read no further request

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
    qint64 m_discarded = 0;
};

} // namespace edgedesk
