// The transport's request parser (RequestParser, what HttpConnection runs every byte a client
// sends through): request heads, Content-Length and chunked bodies, trailers and pipelining.
//
// Input: the first byte picks how the rest is cut into reads (0x80 and up: one read; below:
// pieces of 1 + byte % 32 bytes), so that heads, chunk-size lines and CRLFs split at every
// boundary. The same bytes are also parsed in one read, and both runs must agree on every
// request, body byte and refusal: where a read ends never changes what a request is. Bodies
// never exceed their limit, and nothing is parsed after a refusal.
#include "transport/requestparser.h"

#include <QByteArray>
#include <QList>

#include <cstdint>
#include <cstdlib>

using namespace edgedesk;

namespace {

TransportLimits g_limits;

// What a stream parsed to: each request as method, target, field count and body, then the
// refusal's code if there was one.
QList<QByteArray> parse(const uint8_t *data, size_t size, size_t piece)
{
    RequestParser parser(g_limits);
    QList<QByteArray> out;
    QByteArray body;
    qint64 limit = 0;
    bool failed = false;
    for (size_t at = 0; at < size && !failed; at += piece) {
        const char *p = reinterpret_cast<const char *>(data) + at;
        const char *end = p + std::min(piece, size - at);
        for (bool more = true; more && !failed;) {
            QByteArrayView chunk;
            const char *before = p;
            switch (parser.next(p, end, &chunk)) {
            case RequestParser::Step::More:
                if (p != end)
                    std::abort(); // More means every byte was taken
                more = false;
                break;
            case RequestParser::Step::Head: {
                const RequestHead head = parser.takeHead();
                // Small limits, so that inputs of a few hundred bytes reach the 413 paths too.
                limit = head.target.startsWith("/big") ? 64 * 1024 : 1024;
                out.append(head.method + ' ' + head.target + ' ' +
                           QByteArray::number(head.headers.size()));
                if (!parser.acceptBody(limit)) {
                    out.append("refused " + parser.error().code.toLatin1());
                    failed = true;
                }
                break;
            }
            case RequestParser::Step::Data:
                if (chunk.data() < before || chunk.data() + chunk.size() != p)
                    std::abort(); // a view into this read's bytes, ending where parsing stopped
                body += chunk;
                if (body.size() > limit)
                    std::abort(); // a body never exceeds its route's limit
                break;
            case RequestParser::Step::End:
                out.append("body " + body);
                body.clear();
                break;
            case RequestParser::Step::Failed:
                out.append("refused " + parser.error().code.toLatin1());
                failed = true;
                break;
            }
        }
    }
    if (failed) {
        // Nothing more comes out of a parser that refused.
        QByteArrayView ignored;
        const char *p = "GET / HTTP/1.1\r\n\r\n";
        if (parser.next(p, p + 18, &ignored) != RequestParser::Step::Failed)
            std::abort();
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    g_limits.maxHeaderBytes = 512;
    g_limits.maxHeaderFields = 20;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const size_t piece = data[0] >= 0x80 ? size : 1 + data[0] % 32;
    if (parse(data + 1, size - 1, piece) != parse(data + 1, size - 1, size))
        std::abort();
    return 0;
}
