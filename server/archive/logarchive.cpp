#include "archive/logarchive.h"

#include "archive/zipwriter.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace edgedesk {

QString LogArchive::baseName(const QDateTime &time)
{
    return QStringLiteral("edgedesk-logs-") +
           time.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss"));
}

Result<QByteArray> LogArchive::build(const QString &logFolder, const QDateTime &time)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        auto zip = ZipWriter::create(&buffer);
        if (!zip)
            return zip.error();
        const QString folder = baseName(time);
        const QDir dir(logFolder);
        const QStringList names =
            logFolder.isEmpty()
                ? QStringList()
                : dir.entryList({QStringLiteral("*.log"), QStringLiteral("*.log.*")}, QDir::Files,
                                QDir::Name);
        for (const QString &name : names) {
            QFile file(dir.filePath(name));
            if (!file.open(QIODevice::ReadOnly))
                continue; // rotated away between the listing and now
            // Only what was there at the start: the writer keeps appending.
            QByteArray content = file.read(file.size());
            auto written = (*zip)->addBytes(folder + QLatin1Char('/') + name, content,
                                            ZipWriter::Compression::Deflate, ZipWriter::kShared,
                                            QFileInfo(file).lastModified());
            if (!written)
                return written.error();
        }
        if (auto st = (*zip)->close(); !st)
            return st.error();
    }
    buffer.close();
    return bytes;
}

} // namespace edgedesk
