#pragma once

#include <QByteArray>

namespace edgedesk {

// A complete request body. Copies are cheap and share the bytes; a body never changes once
// complete, so a copy may be read from any thread.
class RequestBody final
{
public:
    RequestBody() = default;
    explicit RequestBody(QByteArray bytes) : m_bytes(std::move(bytes)) {}

    qint64 size() const { return m_bytes.size(); }
    bool isEmpty() const { return m_bytes.isEmpty(); }
    const QByteArray &bytes() const { return m_bytes; }

private:
    QByteArray m_bytes;
};

} // namespace edgedesk
