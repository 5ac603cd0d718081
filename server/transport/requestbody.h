#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

class QIODevice;

namespace edgedesk {

// A complete request body: in memory when small, else in a temporary file (spooled by
// RequestBodyWriter) that is removed when the last copy of the body goes. Copies are cheap and
// share the bytes or the file; a body never changes once complete, so a copy may be read from
// any thread.
class RequestBody final
{
public:
    RequestBody() = default;
    explicit RequestBody(QByteArray bytes);
    // Takes over the file at `path` (closed, `size` bytes long): it is removed with the body.
    static RequestBody fromFile(const QString &path, qint64 size);

    qint64 size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    bool isSpooled() const { return m_file != nullptr; }
    // The bytes of a body held in memory (empty for a spooled one).
    const QByteArray &bytes() const { return m_bytes; }
    // The whole body in memory, read from its file if it was spooled.
    QByteArray readAll() const;
    // A device positioned at the start of the body, for reading it in pieces (any thread); null
    // when its file cannot be opened.
    std::unique_ptr<QIODevice> open() const;

private:
    struct SpoolFile;
    QByteArray m_bytes;
    std::shared_ptr<const SpoolFile> m_file;
    qint64 m_size = 0;
};

} // namespace edgedesk
