#include "config/assetsconfig.h"

#include <QFileInfo>
#include <QJsonArray>
#include <optional>
#include <utility>

namespace edgedesk {

namespace {

const std::pair<const char *, HtmlHandling> kHtmlHandlings[] = {
    {"auto-trailing-slash", HtmlHandling::AutoTrailingSlash},
    {"force-trailing-slash", HtmlHandling::ForceTrailingSlash},
    {"drop-trailing-slash", HtmlHandling::DropTrailingSlash},
    {"none", HtmlHandling::None},
};

const std::pair<const char *, NotFoundHandling> kNotFoundHandlings[] = {
    {"none", NotFoundHandling::None},
    {"404-page", NotFoundHandling::NotFoundPage},
    {"single-page-application", NotFoundHandling::SinglePageApplication},
};

Error assetsError(const QString &message)
{
    return makeError(QStringLiteral("bad_request"), QStringLiteral("assets.") + message);
}

template <typename Enum, size_t N>
std::optional<Enum> enumFrom(const std::pair<const char *, Enum> (&names)[N], const QString &text)
{
    for (const auto &[name, value] : names) {
        if (text == QLatin1String(name))
            return value;
    }
    return std::nullopt;
}

template <typename Enum, size_t N>
QString nameOf(const std::pair<const char *, Enum> (&names)[N], Enum value)
{
    for (const auto &[name, v] : names) {
        if (v == value)
            return QString::fromLatin1(name);
    }
    return QString();
}

template <typename Enum, size_t N> QString choices(const std::pair<const char *, Enum> (&names)[N])
{
    QStringList all;
    for (const auto &[name, value] : names)
        all.append(QString::fromLatin1(name));
    return all.join(QStringLiteral(", "));
}

// The platform turns assets_navigation_prefers_asset_serving on by default from this date.
bool prefersAssetsForNavigation(const QJsonObject &root)
{
    QStringList flags;
    for (const QJsonValue &v : root.value(QStringLiteral("compatibility_flags")).toArray())
        flags.append(v.toString());
    if (flags.contains(QStringLiteral("assets_navigation_prefers_asset_serving")))
        return true;
    if (flags.contains(QStringLiteral("assets_navigation_has_no_effect")))
        return false;
    return root.value(QStringLiteral("compatibility_date")).toString() >=
           QLatin1String("2025-04-01");
}

} // namespace

QString AssetsConfig::builtInDirectory()
{
    return QStringLiteral(":/edgedesk/dist");
}

Result<AssetsConfig> AssetsConfig::fromConfig(const QJsonObject &root)
{
    AssetsConfig config;
    const QJsonValue value = root.value(QStringLiteral("assets"));
    if (value.isUndefined() || value.isNull()) {
        config.directory = builtInDirectory();
        return config;
    }
    if (!value.isObject())
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("assets must be an object, e.g. {\"directory\": "
                                        "\"./dist\"}"));
    const QJsonObject assets = value.toObject();

    config.directory = assets.value(QStringLiteral("directory")).toString();
    if (config.directory.isEmpty())
        return assetsError(QStringLiteral("directory is required: the folder of static files "
                                          "to serve at /"));
    if (!QFileInfo(config.directory).isDir())
        return assetsError(QStringLiteral("directory %1 is not a folder").arg(config.directory));

    config.binding = assets.value(QStringLiteral("binding")).toString(config.binding);

    if (const QJsonValue html = assets.value(QStringLiteral("html_handling"));
        !html.isUndefined()) {
        const auto handling = enumFrom(kHtmlHandlings, html.toString());
        if (!handling)
            return assetsError(
                QStringLiteral("html_handling must be one of %1").arg(choices(kHtmlHandlings)));
        config.htmlHandling = *handling;
    }
    if (const QJsonValue notFound = assets.value(QStringLiteral("not_found_handling"));
        !notFound.isUndefined()) {
        const auto handling = enumFrom(kNotFoundHandlings, notFound.toString());
        if (!handling)
            return assetsError(QStringLiteral("not_found_handling must be one of %1")
                                   .arg(choices(kNotFoundHandlings)));
        config.notFoundHandling = *handling;
    }

    const QJsonValue workerFirst = assets.value(QStringLiteral("run_worker_first"));
    if (workerFirst.isBool()) {
        config.workerFirst = workerFirst.toBool();
    } else if (workerFirst.isArray()) {
        const QJsonArray patterns = workerFirst.toArray();
        for (qsizetype i = 0; i < patterns.size(); ++i) {
            const QString pattern = patterns[i].toString();
            if (!pattern.startsWith(QLatin1Char('/')) && !pattern.startsWith(QLatin1String("!/")))
                return assetsError(
                    QStringLiteral("run_worker_first[%1] must be a path pattern starting with / "
                                   "or !/, such as \"/api/*\"")
                        .arg(i));
            config.workerFirstPatterns.append(pattern);
        }
    } else if (!workerFirst.isUndefined()) {
        return assetsError(QStringLiteral(
            "run_worker_first must be true, false or a list of patterns such as [\"/api/*\"]"));
    }
    config.navigationPrefersAssets = prefersAssetsForNavigation(root);
    return config;
}

QJsonObject AssetsConfig::toJson() const
{
    QJsonObject o{
        {QStringLiteral("directory"), directory},
        {QStringLiteral("built_in"), isBuiltIn()},
        {QStringLiteral("binding"), binding},
        {QStringLiteral("html_handling"), nameOf(kHtmlHandlings, htmlHandling)},
        {QStringLiteral("not_found_handling"), nameOf(kNotFoundHandlings, notFoundHandling)}};
    if (workerFirstPatterns.isEmpty())
        o.insert(QStringLiteral("run_worker_first"), workerFirst);
    else
        o.insert(QStringLiteral("run_worker_first"),
                 QJsonArray::fromStringList(workerFirstPatterns));
    return o;
}

} // namespace edgedesk
