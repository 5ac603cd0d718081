#pragma once

#include "storage/bucket/bucketobject.h"

#include <QMap>
#include <QString>

namespace edgedesk {

class SqliteStatement;

// A bucket object as a row of its metadata table: columns key, size, etag, content_type,
// uploaded_ms, custom_metadata (a JSON object of strings), in that order.
namespace BucketRow {
BucketObject toObject(const SqliteStatement &row);
QString metadataJson(const QMap<QString, QString> &metadata);
} // namespace BucketRow

} // namespace edgedesk
