#pragma once

#include "transport/requesthead.h"
#include "transport/transportlimits.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace edgedesk {

// HTTP/1.x request framing (RFC 9112), one request after another on a connection: pure bytes in,
// steps out, no I/O, so it can be tested and fuzzed on its own. Strict where leniency lets two
// parsers disagree (obs-fold, bare CR, a duplicate Host, Content-Length with Transfer-Encoding,
// non-hex chunk sizes, malformed trailers); bare LF line endings are accepted everywhere, as
// RFC 9112 allows. Once it fails it parses nothing more: the connection must end.
class RequestParser final
{
public:
    enum class Step
    {
        More,   // every byte was taken; the request is not complete
        Head,   // a head is complete: takeHead(), then acceptBody()
        Data,   // body bytes (`data` points into the input)
        End,    // the request is complete
        Failed, // refused: error() says why
    };
    struct Error
    {
        QString code; // a code of HttpStatusTable, e.g. "headers_too_large"
        QString message;
    };

    explicit RequestParser(const TransportLimits &limits) : m_limits(limits) {}

    // Parses from `p` (advancing it) up to the next step.
    Step next(const char *&p, const char *end, QByteArrayView *data);
    RequestHead takeHead() { return std::move(m_head); }
    // After Step::Head: the body limit of the request's route. False (and failed) when the
    // declared Content-Length exceeds it.
    bool acceptBody(qint64 limit);
    bool expectsContinue() const { return m_expectContinue; }
    // Content-Length of the current request; -1 when chunked or absent.
    qint64 declaredLength() const { return m_contentLength; }
    // Between requests, nothing of the next one received.
    bool isIdle() const { return m_state == State::Start; }
    // Part of a head received, not all of it yet.
    bool inHead() const { return m_state == State::Head; }
    bool hasFailed() const { return m_state == State::Failed; }
    const Error &error() const { return m_error; }

private:
    enum class State
    {
        Start,
        Head,
        HeadDone,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        ChunkDataLf,
        Trailers,
        Done,
        Failed,
    };
    Step fail(const char *code, const QString &message);
    bool parseHead(QByteArrayView head);
    bool parseField(QByteArrayView line, bool trailer);
    // Takes a chunk-size or trailer line into m_buf: 1 complete, 0 need more, -1 too long,
    // -2 a bare CR in it.
    int takeLine(const char *&p, const char *end);
    Step lineError(int result, const char *what);

    const TransportLimits &m_limits;
    State m_state = State::Start;
    QByteArray m_buf; // a head that arrives in pieces, or a chunk-size or trailer line
    RequestHead m_head;
    qint64 m_contentLength = -1;
    bool m_chunked = false;
    bool m_expectContinue = false;
    qint64 m_remaining = 0; // body or chunk bytes still expected
    qint64 m_bodyLimit = 0;
    qint64 m_bodySeen = 0;
    qint64 m_trailerBytes = 0;
    int m_fields = 0; // header and trailer fields of the current request
    Error m_error;
};

} // namespace edgedesk
