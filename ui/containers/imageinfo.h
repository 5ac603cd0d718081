#pragma once

#include <QJsonObject>
#include <QString>

namespace edgedesk {

// How a container class's image reads in the Containers section, from the "image_info" and
// "limits" of GET /__edgedesk/v1/containers: reference, short digest, size, created and
// exposed port on the class row, everything in its tooltip.
class ImageInfo final
{
public:
    // "sha256:0123456789ab…" -> "0123456789ab" (what people compare by eye).
    static QString shortDigest(const QString &digest);
    // One line for the class row; empty for a class that runs no image.
    static QString summary(const QJsonObject &cls);
    // Several lines for the class row's tooltip.
    static QString details(const QJsonObject &cls);
    // "limit 1 GiB, 0.25 CPU" from the class's "limits"; empty when it has none.
    static QString limits(const QJsonObject &cls);
};

} // namespace edgedesk
