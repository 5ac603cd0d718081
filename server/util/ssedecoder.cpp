#include "util/ssedecoder.h"

namespace edgedesk {

bool SseDecoder::feed(const QByteArray &bytes, QList<Event> &events)
{
    m_buffer.append(bytes);
    qsizetype start = 0;
    if (m_skipLeadingLf && !m_buffer.isEmpty()) {
        if (m_buffer.at(0) == '\n')
            start = 1;
        m_skipLeadingLf = false;
    }
    // Lines end with "\r\n", "\n" or a lone "\r" (all three are legal in the format).
    for (qsizetype i = start; i < m_buffer.size(); ++i) {
        const char c = m_buffer.at(i);
        if (c != '\n' && c != '\r')
            continue;
        processLine(QByteArrayView(m_buffer).sliced(start, i - start), events);
        if (c == '\r') {
            if (i + 1 < m_buffer.size()) {
                if (m_buffer.at(i + 1) == '\n')
                    ++i;
            } else {
                m_skipLeadingLf = true;
            }
        }
        start = i + 1;
    }
    m_buffer.remove(0, start);
    if (m_buffer.size() + m_data.size() > kMaxPendingBytes) {
        events.clear();
        return false;
    }
    return true;
}

QList<SseDecoder::Event> SseDecoder::finish()
{
    QList<Event> events;
    if (!m_buffer.isEmpty()) {
        processLine(m_buffer, events);
        m_buffer.clear();
    }
    dispatch(events);
    return events;
}

void SseDecoder::processLine(QByteArrayView line, QList<Event> &events)
{
    if (line.isEmpty()) {
        dispatch(events);
        return;
    }
    if (line.startsWith(':'))
        return; // a comment (keep-alive)
    QByteArrayView field = line;
    QByteArrayView value;
    if (const qsizetype colon = line.indexOf(':'); colon >= 0) {
        field = line.first(colon);
        value = line.sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
    }
    if (field == "data") {
        if (m_hasData)
            m_data.append('\n');
        m_data.append(value);
        m_hasData = true;
    } else if (field == "event") {
        m_event = value.toByteArray();
    }
    // "id" and "retry" mean nothing for a one-shot inference stream.
}

void SseDecoder::dispatch(QList<Event> &events)
{
    if (m_hasData)
        events.append(Event{m_event, m_data});
    m_event.clear();
    m_data.clear();
    m_hasData = false;
}

} // namespace edgedesk
