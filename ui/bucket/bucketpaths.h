#pragma once

#include <QString>
#include <QUrl>

namespace edgedesk {

// Where a bucket's objects are in the control API.
inline QString bucketObjectsPath(const QString &binding)
{
    return QStringLiteral("/__edgedesk/v1/r2/%1/objects")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(binding)));
}

inline QString bucketObjectPath(const QString &binding, const QString &key)
{
    // Every '/' encoded too: the key is one path parameter, and URL normalisation must never
    // see dot segments in it.
    return bucketObjectsPath(binding) + QLatin1Char('/') +
           QString::fromLatin1(QUrl::toPercentEncoding(key));
}

} // namespace edgedesk
