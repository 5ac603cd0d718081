#include "transport/requestbodywriter.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QRandomGenerator>

namespace edgedesk {

Q_DECLARE_LOGGING_CATEGORY(lcTransport)

namespace {

const QString kPrefix = QStringLiteral("body-");
const QString kSuffix = QStringLiteral(".part");

} // namespace

RequestBodyWriter::RequestBodyWriter(qint64 memoryLimit, QString spoolDir)
    : m_memoryLimit(memoryLimit), m_spoolDir(std::move(spoolDir))
{
    if (m_spoolDir.isEmpty())
        m_spoolDir = QDir::tempPath();
}

RequestBodyWriter::~RequestBodyWriter()
{
    discard();
}

void RequestBodyWriter::expect(qint64 length)
{
    if (length > 0 && length <= m_memoryLimit)
        m_bytes.reserve(qsizetype(length));
}

bool RequestBodyWriter::append(QByteArrayView data)
{
    if (data.isEmpty())
        return true;
    if (!m_file && m_size + data.size() <= m_memoryLimit) {
        m_bytes.append(data);
        m_size += data.size();
        return true;
    }
    return spool(data);
}

bool RequestBodyWriter::spool(QByteArrayView data)
{
    if (!m_file) {
        quint64 id[2];
        QRandomGenerator::system()->fillRange(id);
        const QString name =
            kPrefix +
            QLatin1String(QByteArray(reinterpret_cast<const char *>(id), sizeof(id)).toHex()) +
            kSuffix;
        m_file = std::make_unique<QFile>(QDir(m_spoolDir).filePath(name));
        if (!m_file->open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
            m_error =
                QStringLiteral("cannot store the request body: %1").arg(m_file->errorString());
            qCWarning(lcTransport).noquote() << m_error << m_file->fileName();
            m_file.reset();
            discard();
            return false;
        }
        // What was held in memory goes first.
        const QByteArray held = std::exchange(m_bytes, QByteArray());
        if (!held.isEmpty() && m_file->write(held) != held.size()) {
            m_error =
                QStringLiteral("cannot store the request body: %1").arg(m_file->errorString());
            discard();
            return false;
        }
    }
    if (m_file->write(data.data(), data.size()) != data.size()) {
        m_error = QStringLiteral("cannot store the request body: %1").arg(m_file->errorString());
        qCWarning(lcTransport).noquote() << m_error << m_file->fileName();
        discard();
        return false;
    }
    m_size += data.size();
    return true;
}

RequestBody RequestBodyWriter::finish()
{
    RequestBody body;
    if (m_file) {
        m_file->close();
        body = RequestBody::fromFile(m_file->fileName(), m_size);
        m_file.reset();
    } else {
        body = RequestBody(std::exchange(m_bytes, QByteArray()));
    }
    m_size = 0;
    return body;
}

void RequestBodyWriter::discard()
{
    if (m_file) {
        m_file->close();
        m_file->remove();
        m_file.reset();
    }
    m_bytes.clear();
    m_size = 0;
}

void RequestBodyWriter::clearSpoolFolder(const QString &spoolDir)
{
    QDir dir(spoolDir);
    if (!dir.mkpath(QStringLiteral("."))) {
        qCWarning(lcTransport).noquote()
            << "cannot create the folder for request bodies" << spoolDir;
        return;
    }
    const QStringList stale =
        dir.entryList({kPrefix + QLatin1Char('*') + kSuffix}, QDir::Files | QDir::Hidden);
    for (const QString &name : stale)
        dir.remove(name);
}

} // namespace edgedesk
