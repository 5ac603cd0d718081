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
    explicit StaticAssets(const ServerContext &context,
                          const QString &root = QStringLiteral(":/edgedesk/dist"));

    // One fallback route: it answers only paths no other route matches, whenever it is added.
    void addRoutes(Router &router) override;

    struct Asset
    {
        QByteArray body;
        QByteArray contentType;
        QByteArray etag;
    };
    const Asset *find(const QString &path) const;
    static QByteArray contentTypeFor(const QString &fileName);

private:
    QString m_binding;
    QHash<QString, Asset> m_assets; // "/index.html" → asset
};

} // namespace edgedesk
