#pragma once

#include "transport/requestbody.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

class QFile;

namespace edgedesk {

// Collects a request body as it arrives: in memory up to `memoryLimit` bytes, then in a
// temporary file in `spoolDir`, so that a large upload never sits in memory whole. The files are
// named body-<random>.part; clearSpoolFolder() removes those a previous process left behind.
class RequestBodyWriter final
{
public:
    RequestBodyWriter(qint64 memoryLimit, QString spoolDir);
    ~RequestBodyWriter();
    RequestBodyWriter(const RequestBodyWriter &) = delete;
    RequestBodyWriter &operator=(const RequestBodyWriter &) = delete;

    // The declared length of the body to come (Content-Length), to allocate once.
    void expect(qint64 length);
    // False when the bytes cannot be stored (error() says why); the body is then discarded.
    bool append(QByteArrayView data);
    // The body written so far, complete; the writer is empty again.
    RequestBody finish();
    // Drops what was written (a refused or abandoned request).
    void discard();
    qint64 size() const { return m_size; }
    const QString &error() const { return m_error; }

    // Creates `spoolDir` and removes the spool files left in it (only one process serves a data
    // folder at a time, so none of them is in use).
    static void clearSpoolFolder(const QString &spoolDir);

private:
    bool spool(QByteArrayView data);

    qint64 m_memoryLimit;
    QString m_spoolDir;
    QByteArray m_bytes;
    std::unique_ptr<QFile> m_file;
    qint64 m_size = 0;
    QString m_error;
};

} // namespace edgedesk
