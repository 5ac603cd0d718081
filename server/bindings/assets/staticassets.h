#pragma once

#include "bindings/bindingmodule.h"
#include "servercontext.h"

#include <QByteArray>
#include <QHash>

namespace edgedesk {

// The web frontend from resources/dist (compiled in), at "/". Files are read once and kept with
// their type and ETag; conditional requests get 304.
class StaticAssets final : public BindingModule
{
public:
    explicit StaticAssets(ServerContext &context,
                          const QString &root = QStringLiteral(":/edgedesk/dist"));

    struct Asset
    {
        QByteArray body;
        QByteArray contentType;
        QByteArray etag;
    };
    const Asset *find(const QString &path) const;
    static QByteArray contentTypeFor(const QString &fileName);

private:
    QHash<QString, Asset> m_assets; // "/index.html" → asset
};

} // namespace edgedesk
