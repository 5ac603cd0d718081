#pragma once

#include <QByteArray>
#include <QList>

namespace edgedesk {

// Incremental decoder for a server-sent events stream (the WHATWG event-stream format): feed it
// bytes as they arrive, in chunks cut anywhere, and take the complete events out.
class SseDecoder final
{
public:
    struct Event
    {
        QByteArray event; // the "event:" field, empty for the default "message"
        QByteArray data;  // "data:" lines joined with '\n'
    };

    static constexpr qsizetype kMaxPendingBytes = 1024 * 1024;

    // Appends bytes and returns the events they complete. Returns false (and nothing) when an
    // unterminated line or event grows beyond kMaxPendingBytes: the stream is not SSE.
    bool feed(const QByteArray &bytes, QList<Event> &events);
    // At end of stream: the last event, if the stream ended without its blank line.
    QList<Event> finish();

private:
    void processLine(QByteArrayView line, QList<Event> &events);
    void dispatch(QList<Event> &events);

    QByteArray m_buffer;
    QByteArray m_event;
    QByteArray m_data;
    bool m_hasData = false;
    bool m_skipLeadingLf = false; // the previous chunk ended on '\r' of a "\r\n"
};

} // namespace edgedesk
