#include "containers/imageinfo.h"

#include "widgets/displayformat.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QStringList>

namespace edgedesk {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ImageInfo", text);
}

QString ports(const QJsonObject &image)
{
    QStringList list;
    for (const QJsonValue &port : image.value(QStringLiteral("exposed_ports")).toArray())
        list.append(QString::number(port.toInt()));
    return list.join(QStringLiteral(", "));
}

QString created(const QJsonObject &image)
{
    const QString iso = image.value(QStringLiteral("created")).toString();
    return iso.isEmpty() ? QString() : DisplayFormat::timestamp(iso);
}

} // namespace

QString ImageInfo::shortDigest(const QString &digest)
{
    return digest.section(QLatin1Char(':'), -1).left(12);
}

QString ImageInfo::summary(const QJsonObject &cls)
{
    const QJsonObject image = cls.value(QStringLiteral("image_info")).toObject();
    if (image.isEmpty())
        return QString();
    QStringList parts{image.value(QStringLiteral("reference")).toString()};
    const QString state = image.value(QStringLiteral("state")).toString();
    const QString digest = image.value(QStringLiteral("digest")).toString();
    if (!digest.isEmpty()) {
        parts << shortDigest(digest)
              << DisplayFormat::bytes(qint64(image.value(QStringLiteral("size")).toDouble()));
        if (const QString when = created(image); !when.isEmpty())
            parts << tr("created %1").arg(when);
        if (const QString exposed = ports(image); !exposed.isEmpty())
            parts << tr("port %1").arg(exposed);
    } else if (state == QLatin1String("preparing")) {
        parts << tr("loading the image…");
    } else if (state == QLatin1String("failed")) {
        parts << tr("image failed: %1").arg(image.value(QStringLiteral("error")).toString());
    } else {
        parts << tr("loaded on the first start");
    }
    return parts.join(QStringLiteral("  ·  "));
}

QString ImageInfo::details(const QJsonObject &cls)
{
    const QJsonObject image = cls.value(QStringLiteral("image_info")).toObject();
    if (image.isEmpty())
        return QString();
    QStringList lines{
        tr("Image: %1 (%2)")
            .arg(image.value(QStringLiteral("reference")).toString(),
                 image.value(QStringLiteral("kind")).toString()),
    };
    if (const QString path = image.value(QStringLiteral("path")).toString(); !path.isEmpty())
        lines << tr("File: %1").arg(path);
    lines << tr("State: %1").arg(image.value(QStringLiteral("state")).toString());
    if (const QString digest = image.value(QStringLiteral("digest")).toString(); !digest.isEmpty())
        lines << tr("Digest: %1").arg(digest)
              << tr("Size: %1")
                     .arg(DisplayFormat::bytes(
                         qint64(image.value(QStringLiteral("size")).toDouble())));
    if (const QString when = created(image); !when.isEmpty())
        lines << tr("Created: %1").arg(when);
    if (const QString exposed = ports(image); !exposed.isEmpty())
        lines << tr("Exposed port: %1").arg(exposed);
    const QStringList tags = image.value(QStringLiteral("tags")).toVariant().toStringList();
    if (!tags.isEmpty())
        lines << tr("Tags: %1").arg(tags.join(QStringLiteral(", ")));
    if (const QString error = image.value(QStringLiteral("error")).toString(); !error.isEmpty())
        lines << tr("Error: %1").arg(error);
    return lines.join(QLatin1Char('\n'));
}

QString ImageInfo::limits(const QJsonObject &cls)
{
    const QJsonObject limits = cls.value(QStringLiteral("limits")).toObject();
    if (limits.isEmpty())
        return QString();
    QString text = tr("limit %1")
                       .arg(DisplayFormat::bytes(
                           qint64(limits.value(QStringLiteral("memory_bytes")).toDouble())));
    if (limits.contains(QStringLiteral("cpu_millis")))
        text += tr(", %1 CPU").arg(limits.value(QStringLiteral("cpu_millis")).toInt() / 1000.0);
    return text;
}

} // namespace edgedesk
