#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

namespace edgedesk {

// What an exchange writes its answer to: a client connection (HttpConnection). Answers leave in
// the order their responses were opened, whatever order they are written in.
class ResponseSink : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResponseSink)

public:
    ~ResponseSink() override = default;

    // Opens the answer to the next request read on this connection; returns its sequence number.
    virtual quint64 openResponse() = 0;
    // Appends bytes to answer `seq`; `complete` ends it; `closeAfter` closes the connection once
    // it is out.
    virtual void write(quint64 seq, const QByteArray &bytes, bool complete, bool closeAfter) = 0;
    // A streamed answer began (true) or ended (false): no idle timeout while one is open.
    virtual void setStreaming(bool on) = 0;
    // The answer opened last by this request is complete (or will never be).
    virtual void responseFinished() = 0;
    virtual bool isConnected() const = 0;
    // The client's address as text, formatted once per connection (for traffic records).
    virtual const QString &peerText() = 0;

Q_SIGNALS:
    // The client closed the connection, or it was closed.
    void clientGone();

protected:
    explicit ResponseSink(QObject *parent) : QObject(parent) {}
};

} // namespace edgedesk
