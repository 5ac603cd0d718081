#include "transport/requestbody.h"

#include <QBuffer>
#include <QFile>

namespace edgedesk {

struct RequestBody::SpoolFile
{
    explicit SpoolFile(QString p) : path(std::move(p)) {}
    ~SpoolFile() { QFile::remove(path); }
    SpoolFile(const SpoolFile &) = delete;
    SpoolFile &operator=(const SpoolFile &) = delete;
    const QString path;
};

RequestBody::RequestBody(QByteArray bytes) : m_bytes(std::move(bytes)), m_size(m_bytes.size()) {}

RequestBody RequestBody::fromFile(const QString &path, qint64 size)
{
    RequestBody body;
    body.m_file = std::make_shared<const SpoolFile>(path);
    body.m_size = size;
    return body;
}

QByteArray RequestBody::readAll() const
{
    if (!m_file)
        return m_bytes;
    QFile file(m_file->path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

std::unique_ptr<QIODevice> RequestBody::open() const
{
    if (m_file) {
        auto file = std::make_unique<QFile>(m_file->path);
        if (!file->open(QIODevice::ReadOnly))
            return nullptr;
        return file;
    }
    auto buffer = std::make_unique<QBuffer>();
    buffer->setData(m_bytes);
    buffer->open(QIODevice::ReadOnly);
    return buffer;
}

} // namespace edgedesk
