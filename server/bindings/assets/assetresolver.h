#pragma once

#include "config/assetsconfig.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace edgedesk {

// What a request path comes to in an assets folder.
struct AssetIntent
{
    enum class Kind
    {
        None,    // no asset: not_found_handling "none", or nothing to fall back on
        Serve,   // the file `path` with `status`
        Redirect // 307 to `path` (decoded), the canonical URL of the file asked for
    };
    Kind kind = Kind::None;
    QString path;
    int status = 200; // Serve: 404 for a 404 page
};

// The platform's html_handling and not_found_handling, over any set of files. Each handling is a
// table of steps tried in order for the kind of path asked for ("/x/index", "/x/index.html",
// "/x/", "/x.html", other): serve a file derived from the path, or redirect to the URL a derived
// file is canonically served at. A redirect is only made when that URL really serves the same
// file and is not itself a file, so it can never loop.
class AssetResolver final
{
public:
    // Whether a file exists at a decoded path ("/a/b.html"); never called with unsafe paths'
    // results trusted: the store refuses them itself.
    using Exists = std::function<bool(const QString &path)>;

    explicit AssetResolver(HtmlHandling htmlHandling = HtmlHandling::AutoTrailingSlash);

    AssetIntent resolve(const QString &path, NotFoundHandling notFound, const Exists &exists) const;

    // Each segment percent-decoded (a malformed one kept as it is) and runs of '/' collapsed, so
    // that "//evil.example" can never become a redirect off this origin.
    static QString decodePath(const QByteArray &rawPath);
    // Each segment encoded as encodeURIComponent does: the canonical form URLs redirect to.
    static QByteArray encodePath(const QString &path);

private:
    AssetIntent resolve(const QString &path, NotFoundHandling notFound, const Exists &exists,
                        bool redirects) const;

    HtmlHandling m_htmlHandling;
};

} // namespace edgedesk
