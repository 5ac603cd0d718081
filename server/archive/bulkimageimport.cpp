#include "archive/bulkimageimport.h"

#include "archive/archivelog.h"
#include "archive/zipreader.h"
#include "storage/bucket/bucketstore.h"
#include "util/imageheader.h"

#include <QJsonArray>

namespace edgedesk {

namespace {

// Enough of the start of a file for every format's magic bytes.
constexpr qint64 kSniffBytes = 64 * 1024;

struct Candidate
{
    int index = 0;
    QString key;
    QString contentType;
};

} // namespace

QJsonObject BulkImportReport::toJson() const
{
    QJsonArray addedList;
    for (const Added &a : added)
        addedList.append(QJsonObject{{QStringLiteral("key"), a.key},
                                     {QStringLiteral("size"), double(a.size)},
                                     {QStringLiteral("etag"), a.etag}});
    QJsonArray refusedList;
    for (const Refused &r : refused)
        refusedList.append(
            QJsonObject{{QStringLiteral("entry"), r.entry}, {QStringLiteral("reason"), r.reason}});
    return QJsonObject{{QStringLiteral("added"), addedList},
                       {QStringLiteral("refused"), refusedList}};
}

Result<BulkImportReport> BulkImageImport::run(BucketStore &store, QIODevice *zip)
{
    auto opened = ZipReader::open(zip);
    if (!opened)
        return opened.error();
    ZipReader &reader = **opened;
    BulkImportReport report;

    // Pass 1: prove every entry's bytes (CRC) and decide what each one is, adding nothing.
    QList<Candidate> candidates;
    const QList<ZipEntry> &entries = reader.entries();
    for (int i = 0; i < entries.size(); ++i) {
        const ZipEntry &entry = entries.at(i);
        if (entry.isDirectory)
            continue;
        if (entry.size > store.maxObjectBytes()) {
            report.refused.append({entry.name, QStringLiteral("larger than the bucket's %1-byte "
                                                              "object limit")
                                                   .arg(store.maxObjectBytes())});
            continue;
        }
        QByteArray head;
        auto st = reader.read(i, [&head](const char *data, qint64 size) -> Status {
            if (head.size() < kSniffBytes)
                head.append(data, qsizetype(qMin(size, kSniffBytes - head.size())));
            return Ok{};
        });
        if (!st)
            return makeError(st.error().code,
                             st.error().message + QStringLiteral("; nothing was added"));
        const QByteArray mime = sniffImageHeader(head).mimeType();
        if (mime.isEmpty()) {
            report.refused.append(
                {entry.name, QStringLiteral("not an image (JPEG, PNG, GIF, WebP, AVIF or HEIC)")});
            continue;
        }
        if (auto valid = BucketStore::validateKey(entry.name); !valid) {
            report.refused.append({entry.name, valid.error().message});
            continue;
        }
        candidates.append({i, entry.name, QString::fromLatin1(mime)});
    }

    // Pass 2: the same bytes again, each straight into an upload that commits atomically.
    for (const Candidate &c : candidates) {
        auto upload = store.beginUpload();
        if (!upload) {
            report.refused.append({c.key, upload.error().message});
            continue;
        }
        auto st = reader.read(c.index, [&upload](const char *data, qint64 size) {
            return upload->write(data, size);
        });
        if (!st) {
            report.refused.append({c.key, st.error().message});
            continue;
        }
        auto object = store.commitUpload(std::move(*upload), c.key, c.contentType);
        if (!object) {
            report.refused.append({c.key, object.error().message});
            continue;
        }
        report.added.append({object->key, object->size, object->etag});
    }
    qCInfo(lcArchive).noquote() << "bulk import:" << report.added.size() << "added,"
                                << report.refused.size() << "refused";
    return report;
}

} // namespace edgedesk
