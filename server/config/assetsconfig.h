#pragma once

#include "util/result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace edgedesk {

// assets.html_handling: which URL is canonical for an HTML file, and where the others redirect.
enum class HtmlHandling
{
    AutoTrailingSlash, // /file for file.html, /folder/ for folder/index.html (the default)
    ForceTrailingSlash,
    DropTrailingSlash,
    None // files only at their own path
};

// assets.not_found_handling: what a path with no asset gets.
enum class NotFoundHandling
{
    None,                 // 404 (EdgeDesk answers its JSON error)
    NotFoundPage,         // "404-page": the nearest 404.html up the path, with status 404
    SinglePageApplication // /index.html with status 200
};

// The `assets` block of a configuration: a project's static files and how they are served. A
// configuration without one gets EdgeDesk's built-in frontend at "/".
struct AssetsConfig
{
    QString directory; // absolute (resolved against the configuration's folder)
    QString binding = QStringLiteral("ASSETS");
    HtmlHandling htmlHandling = HtmlHandling::AutoTrailingSlash;
    NotFoundHandling notFoundHandling = NotFoundHandling::None;
    // run_worker_first: true runs the routes before the assets for every path; a list does it
    // for the paths matching one of its patterns ("/api/*"), and "!" patterns send paths to the
    // assets without the routes ("!/api/docs/*").
    bool workerFirst = false;
    QStringList workerFirstPatterns;
    // Compatibility flag assets_navigation_prefers_asset_serving (on from compatibility_date
    // 2025-04-01): a browser navigation to a path with no file gets not_found_handling's page
    // even where a route matches.
    bool navigationPrefersAssets = false;

    static QString builtInDirectory(); // ":/edgedesk/dist"
    bool isBuiltIn() const { return directory == builtInDirectory(); }

    // From a configuration's root object, whose paths are already absolute.
    static Result<AssetsConfig> fromConfig(const QJsonObject &root);
    QJsonObject toJson() const;
};

} // namespace edgedesk
