#pragma once

#include "util/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

class QIODevice;

namespace edgedesk {

class BucketStore;

struct BulkImportReport
{
    struct Added
    {
        QString key;
        qint64 size = 0;
        QString etag;
    };
    struct Refused
    {
        QString entry;
        QString reason;
    };
    QList<Added> added;
    QList<Refused> refused;

    // {"added":[{"key","size","etag"}],"refused":[{"entry","reason"}]}
    QJsonObject toJson() const;
};

// Adds every image of a zip to a bucket, the key being the entry's path inside the zip. The
// archive is checked whole first (ZipReader's rules, then every entry decompressed and its CRC
// checked): a hostile or damaged archive adds nothing. Entries that are fine as zip entries but
// not wanted (not an image, too large for the bucket, a key the bucket refuses) are listed as
// refused with the reason; folders are skipped. Blocking: run it on the worker pool.
class BulkImageImport final
{
public:
    BulkImageImport() = delete;

    static Result<BulkImportReport> run(BucketStore &store, QIODevice *zip);
};

} // namespace edgedesk
