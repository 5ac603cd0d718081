#include "storage/bucket/bucketrow.h"

#include "storage/sqlitedb.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace edgedesk {

namespace {

QMap<QString, QString> metadataFromJson(const QString &json)
{
    QMap<QString, QString> metadata;
    const QJsonObject object = QJsonDocument::fromJson(json.toUtf8()).object();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it)
        metadata.insert(it.key(), it.value().toString());
    return metadata;
}

} // namespace

QString BucketRow::metadataJson(const QMap<QString, QString> &metadata)
{
    QJsonObject object;
    for (auto it = metadata.cbegin(); it != metadata.cend(); ++it)
        object.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

BucketObject BucketRow::toObject(const SqliteStatement &row)
{
    BucketObject object;
    object.key = row.text(0);
    object.size = row.int64(1);
    object.etag = row.text(2);
    object.contentType = row.text(3);
    object.uploadedMs = row.int64(4);
    object.customMetadata = metadataFromJson(row.text(5));
    return object;
}

} // namespace edgedesk
