#pragma once

#include "routing/httpresponse.h"
#include "transport/requestbody.h"

#include <QByteArrayList>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QPointer>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <optional>

namespace edgedesk {

class PreparedResponse;
class ResponseSink;
class TrafficObserver;
struct RequestHead;
struct Route;
struct RouteEntry;

// One request and its answer. Lives in the server thread; handlers keep it (a shared_ptr) across
// asynchronous work and answer later. Answering is safe after the client left: it is dropped.
// (This replaces QFuture routes, which crash in Qt 6.4.2 — see docs/architecture.md.)
// It writes to a ResponseSink (the connection) and reports to a TrafficObserver when done.
class HttpExchange final : public std::enable_shared_from_this<HttpExchange>
{
public:
    HttpExchange(ResponseSink *connection, std::weak_ptr<TrafficObserver> observer,
                 RequestHead &&head, RequestBody body, QHostAddress peer, quint64 id);
    ~HttpExchange();
    HttpExchange(const HttpExchange &) = delete;
    HttpExchange &operator=(const HttpExchange &) = delete;

    // --- the request
    const QByteArray &method() const { return m_method; }
    bool isHead() const { return m_method == "HEAD"; }
    bool isGetOrHead() const { return m_method == "GET" || m_method == "HEAD"; }
    const QByteArray &rawPath() const { return m_rawPath; } // percent-encoded
    QString path() const;                                   // decoded
    const QByteArray &rawQuery() const { return m_rawQuery; }
    const QUrlQuery &query() const;
    QString queryItem(const QString &name) const;
    bool hasQueryItem(const QString &name) const;
    const HeaderList &headers() const { return m_headers; }
    QByteArray header(const QByteArray &name) const; // case-insensitive; repeated ones joined
    // The whole body in memory. A large body arrives in a temporary file: this reads it (once);
    // handlers that can take it in pieces use requestBody() instead.
    const QByteArray &body() const;
    const RequestBody &requestBody() const { return m_body; }
    qint64 bodySize() const { return m_body.size(); }
    const QHostAddress &peer() const { return m_peer; }
    QString peerText() const; // peer().toString(), cached per connection
    quint64 id() const { return m_id; }
    qint64 elapsedUs() const { return m_clock.nsecsElapsed() / 1000; }

    // --- routing
    // The route the request's lookup found (or the one that claimed it); null when none took it
    // (404 or 405).
    const Route *route() const;
    const RouteEntry *routeEntry() const { return m_route; }
    void setRoute(const RouteEntry *route);
    // When no route took the method: the methods routes of this path allow (for 405).
    const QByteArrayList &allowedMethods() const { return m_allowed; }
    QString param(const QString &name) const; // captured by the route's pattern, decoded
    // The container instance (or upstream) that served the request, for the traffic record.
    void setInstance(const QString &instance) { m_instance = instance; }
    const QString &instance() const { return m_instance; }
    // An upstream is being asked now (the first call counts): splits the traffic record's time
    // into queue and upstream. -1 until then.
    void markUpstreamStart()
    {
        if (m_upstreamStartUs < 0)
            m_upstreamStartUs = elapsedUs();
    }
    qint64 upstreamStartUs() const { return m_upstreamStartUs; }

    // --- the answer
    bool isAnswered() const { return m_state == State::Done; }
    bool isClientConnected() const;
    void respond(HttpResponse response);
    // A GET answer encoded in advance (PreparedResponse): one buffer, one write.
    void respond(const PreparedResponse &prepared);
    // Streams a chunked response (server-sent events, relayed output). Returns false when the
    // client is gone.
    bool beginStream(int status, const QByteArray &contentType, const HeaderList &headers = {});
    bool writeChunk(const QByteArray &data);
    void endStream();
    bool isStreaming() const { return m_state == State::Streaming; }
    // Runs once if the client disconnects before the answer is complete (cancel upstream work).
    void onClientGone(std::function<void()> callback);
    // The answer's type and the handler's headers (not the ones every answer gets), for the
    // traffic record.
    const QByteArray &responseContentType() const { return m_responseType; }
    const HeaderList &responseHeaders() const { return m_responseHeaders; }

private:
    enum class State
    {
        Open,
        Streaming,
        Done
    };
    QByteArray responseHead(int status, const QByteArray &contentType, const HeaderList &headers,
                            const QByteArray &framing, bool pagePolicy = true) const;
    void finish(int status);
    void clientGone();

    QPointer<ResponseSink> m_connection; // null once the client's connection is gone
    std::weak_ptr<TrafficObserver> m_observer;
    quint64 m_seq = 0;
    bool m_keepAlive = true;

    QByteArray m_method;
    QByteArray m_rawPath;
    QByteArray m_rawQuery;
    mutable std::optional<QUrlQuery> m_query;
    HeaderList m_headers;
    RequestBody m_body;
    mutable std::optional<QByteArray> m_bodyBytes; // a spooled body, read on first use
    QHostAddress m_peer;
    quint64 m_id;
    QElapsedTimer m_clock;

    const RouteEntry *m_route = nullptr;
    QByteArrayList m_allowed;
    mutable std::optional<QHash<QString, QString>> m_params; // captured on first use
    QString m_instance;
    qint64 m_upstreamStartUs = -1;
    QByteArray m_responseType;
    HeaderList m_responseHeaders;

    State m_state = State::Open;
    int m_status = 0;
    qint64 m_bytesOut = 0;
    std::function<void()> m_onGone;
    QMetaObject::Connection m_goneConnection;
};

using ExchangePtr = std::shared_ptr<HttpExchange>;

} // namespace edgedesk
