#pragma once

#include <QtGlobal>

class QHostAddress;

namespace edgedesk {

class RequestBody;
class ResponseSink;
struct RequestHead;

// Where the transport delivers requests (the router). Both calls run in the server thread, in
// the order the connection read the requests.
class RequestSink
{
public:
    virtual ~RequestSink() = default;

    // Right after a head is complete, before any of its body is read: fills head.route,
    // head.allowedMethods and head.bodyLimit.
    virtual void lookUp(RequestHead &head) const = 0;
    // A complete request, to be answered through `connection` (possibly later).
    virtual void handle(ResponseSink *connection, RequestHead &&head, RequestBody &&body,
                        const QHostAddress &peer) = 0;
};

} // namespace edgedesk
