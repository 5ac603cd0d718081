#pragma once

#include "routing/httpresponse.h"

#include <QByteArray>
#include <QByteArrayList>

namespace edgedesk {

struct RouteEntry;

// A request head as the transport parsed it, with the route it goes to. The route is looked up
// once, as soon as the head is complete (the body limit depends on it), and travels with the
// request to the exchange that answers it.
struct RequestHead
{
    QByteArray method;
    QByteArray target;  // raw request target, e.g. "/kv?key=a%20b"
    HeaderList headers; // in the order received, names as sent, values without surrounding spaces
    bool keepAlive = true;

    // Filled by RequestSink::lookUp().
    const RouteEntry *route = nullptr;
    QByteArrayList allowedMethods; // no route took the method, but these exist for the path
    qint64 bodyLimit = 0;          // 0: the transport default

    QByteArrayView path() const
    {
        const qsizetype q = target.indexOf('?');
        return q < 0 ? QByteArrayView(target) : QByteArrayView(target).first(q);
    }
};

} // namespace edgedesk
