#pragma once

#include "routing/httpexchange.h"
#include "util/result.h"

#include <QHash>
#include <QObject>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace edgedesk {

class UpstreamPool;

// Forwards exchanges to HTTP upstreams in the server thread, never blocking it. Plain-HTTP
// upstreams go through a keep-alive connection pool per host:port (UpstreamPool); HTTPS ones
// through QNetworkAccessManager. End-to-end headers pass through; hop-by-hop ones (and those the
// client's Connection header names) are dropped; X-Forwarded-For/-Proto/-Host are added. A
// client that leaves cancels the upstream request and closes its connection.
class HttpForwarder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpForwarder)

public:
    explicit HttpForwarder(QObject *parent = nullptr);
    ~HttpForwarder() override;

    struct Options
    {
        int timeoutMs = 60000; // the longest silence from the upstream → 504
        QString upstreamName;  // named in errors and the instance header, e.g. "instance-1"
        QByteArray instanceHeader = "X-EdgeDesk-Instance";
        // A Unix-domain socket the upstream also listens on (a local instance): connections
        // go there, cheaper than loopback TCP; host:port when it cannot be reached. With an
        // empty host the socket is the only way in (host:port then only names the upstream in
        // its Host header, as localhost:port).
        QString unixSocket = QString();
        // Added to every answer, the upstream's and the forwarder's own errors alike
        // (Server-Timing of the time spent before forwarding).
        HeaderList extraHeaders = {};
    };
    // done(status) runs exactly once: with the status answered (502/504 for upstream failures),
    // or 499 when the client left first.
    using Done = std::function<void(int status)>;

    // `target` is the full upstream URL (path and query included).
    void forward(const ExchangePtr &exchange, const QUrl &target, const Options &options,
                 Done done = {});
    // rawTarget: path and query exactly as they go on the request line.
    void forward(const ExchangePtr &exchange, const QString &host, quint16 port,
                 const QByteArray &rawTarget, const Options &options, Done done = {});

    // A request of our own to a plain-HTTP upstream (health checks), through the same pool;
    // through unixSocket when given (an instance without network reached there only).
    struct Reply
    {
        int status = 0;
        HeaderList headers;
        QByteArray body;
    };
    void fetch(const QByteArray &method, const QString &host, quint16 port,
               const QByteArray &rawTarget, int timeoutMs,
               std::function<void(const Result<Reply> &reply)> done,
               const QString &unixSocket = QString());

    // Closes every kept-alive connection to host:port, and to the Unix-domain sockets used in
    // its stead (an instance that stops or restarts); with unixSocket, only those to that
    // socket (instances in their own network namespaces share host:port).
    // Requests in flight there fail as 502.
    void closeConnections(const QString &host, quint16 port, const QString &reason,
                          const QString &unixSocket = QString());

    static bool isHopByHop(const QByteArray &name);

private:
    UpstreamPool *pool(const QString &host, quint16 port, const QString &unixSocket = {});
    void forwardWithNetworkAccess(const ExchangePtr &exchange, const QUrl &target,
                                  const Options &options, Done done);

    QHash<QString, UpstreamPool *> m_pools;
    UpstreamPool *m_lastPool = nullptr; // the last one asked for
    QNetworkAccessManager *m_network = nullptr; // created on the first HTTPS upstream
};

} // namespace edgedesk
