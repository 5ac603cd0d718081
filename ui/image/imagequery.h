#pragma once

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace edgedesk {

// "/image?key=a%20b.jpg&width=96": the transform route with its parameters, each encoded.
inline QString imageQuery(const QList<QPair<QString, QString>> &parameters)
{
    QStringList parts;
    for (const auto &p : parameters)
        parts.append(QString::fromLatin1(QUrl::toPercentEncoding(p.first)) + QLatin1Char('=') +
                     QString::fromLatin1(QUrl::toPercentEncoding(p.second)));
    return QStringLiteral("/image?") + parts.join(QLatin1Char('&'));
}

} // namespace edgedesk
