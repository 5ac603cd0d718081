#pragma once

#include <QFile>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>

namespace edgedesk {

// What the bucket knows about one object (the R2 `R2Object` fields the demo uses).
struct BucketObject
{
    QString key;
    qint64 size = 0;
    QString etag; // MD5 of the bytes, lower-case hex, unquoted
    QString contentType;
    qint64 uploadedMs = 0; // milliseconds since the Unix epoch
    QMap<QString, QString> customMetadata;

    // The HTTP form of the etag: quoted, as the ETag header carries it.
    QString httpEtag() const { return QLatin1Char('"') + etag + QLatin1Char('"'); }
};

// An object with its bytes open for reading. The file stays readable even if the object is
// overwritten or removed meanwhile (POSIX keeps an unlinked file alive while it is open), so a
// response can stream it without holding any lock.
struct BucketObjectBody
{
    BucketObject object;
    std::unique_ptr<QFile> file;
};

// An object's metadata with some or all of its bytes in memory.
struct BucketObjectData
{
    BucketObject object;
    qint64 offset = 0;
    QByteArray bytes;
};

struct BucketListOptions
{
    QString prefix;
    QString delimiter; // empty: no grouping
    QString cursor;    // from a previous BucketListing; empty for the first page
    int limit = 1000;  // 1..1000; objects and delimited prefixes both count
};

struct BucketListing
{
    QList<BucketObject> objects;
    QStringList delimitedPrefixes; // the common prefixes, each ending with the delimiter
    bool truncated = false;
    QString cursor; // pass back for the next page; empty when not truncated
};

struct BucketStats
{
    qint64 objects = 0;
    qint64 bytes = 0;
};

} // namespace edgedesk
