#include "bindings/assets/assetresolver.h"

#include <QStringDecoder>

#include <algorithm>
#include <cctype>
#include <vector>

namespace edgedesk {

namespace {

// The kinds of request path the steps are chosen by.
enum class Shape
{
    IndexName, // "/x/index"
    IndexHtml, // "/x/index.html"
    Slash,     // "/x/"
    Html,      // "/x.html"
    Other      // "/x"
};

// Paths a step derives from the request path P. For each shape, B is P's bare form and S its
// slashed one: "/x/index", "/x/index.html", "/x/", "/x.html" and "/x" all have B = "/x" and
// S = "/x/" (for the root, B is empty and S is "/").
enum class Form
{
    Path,         // P
    PathHtml,     // P + ".html"
    PathIndex,    // P + "/index.html"
    PathSlash,    // P + "/"
    Bare,         // B ("/" for the root)
    BareHtml,     // B + ".html" (none for the root)
    Slashed,      // S
    SlashedIndex, // S + "index.html"
};

struct Step
{
    enum Action
    {
        Serve,
        Redirect
    } action;
    Form file;
    Form to = Form::Path; // Redirect: the URL the file is canonically served at
};

constexpr Step serve(Form file)
{
    return {Step::Serve, file};
}
constexpr Step redirect(Form file, Form to)
{
    return {Step::Redirect, file, to};
}

using Steps = std::vector<Step>;

struct Table
{
    Steps indexName, indexHtml, slash, html, tail;
};

// The platform's rules (Workers static assets, "HTML handling"), step by step.
const Table kAutoTrailingSlash{
    {serve(Form::Path), redirect(Form::SlashedIndex, Form::Slashed),
     redirect(Form::BareHtml, Form::Bare)},
    {redirect(Form::Path, Form::Slashed), redirect(Form::BareHtml, Form::Bare)},
    {serve(Form::SlashedIndex), redirect(Form::BareHtml, Form::Bare)},
    {redirect(Form::Path, Form::Bare), redirect(Form::SlashedIndex, Form::Slashed)},
    {serve(Form::Path), serve(Form::PathHtml), redirect(Form::PathIndex, Form::PathSlash)},
};

const Table kForceTrailingSlash{
    {serve(Form::Path), redirect(Form::SlashedIndex, Form::Slashed),
     redirect(Form::BareHtml, Form::Slashed)},
    {redirect(Form::Path, Form::Slashed), redirect(Form::BareHtml, Form::Slashed)},
    {serve(Form::SlashedIndex), serve(Form::BareHtml)},
    // With both /x.html and /x/index.html, /x.html stays reachable at its own path.
    {redirect(Form::Path, Form::Slashed), serve(Form::Path),
     redirect(Form::SlashedIndex, Form::Slashed)},
    {serve(Form::Path), redirect(Form::PathHtml, Form::PathSlash),
     redirect(Form::PathIndex, Form::PathSlash)},
};

const Table kDropTrailingSlash{
    {serve(Form::Path), redirect(Form::BareHtml, Form::Bare),
     redirect(Form::SlashedIndex, Form::Bare)},
    // With both /x.html and /x/index.html, /x/index.html stays reachable at its own path.
    {redirect(Form::Path, Form::Bare), serve(Form::Path), redirect(Form::BareHtml, Form::Bare)},
    // For the root, "redirect /index.html to /" is a redirect to itself: it serves the file.
    {redirect(Form::BareHtml, Form::Bare), redirect(Form::SlashedIndex, Form::Bare)},
    {redirect(Form::Path, Form::Bare), redirect(Form::SlashedIndex, Form::Bare)},
    {serve(Form::Path), serve(Form::PathHtml), serve(Form::PathIndex)},
};

const Table kNone{{}, {}, {}, {}, {serve(Form::Path)}};

const Table &tableFor(HtmlHandling handling)
{
    switch (handling) {
    case HtmlHandling::AutoTrailingSlash:
        return kAutoTrailingSlash;
    case HtmlHandling::ForceTrailingSlash:
        return kForceTrailingSlash;
    case HtmlHandling::DropTrailingSlash:
        return kDropTrailingSlash;
    case HtmlHandling::None:
        break;
    }
    return kNone;
}

struct Shaped
{
    Shape shape;
    QString bare;
    QString slashed;
};

Shaped shapeOf(const QString &p)
{
    if (p.endsWith(QLatin1String("/index")))
        return {Shape::IndexName, p.chopped(6), p.chopped(5)};
    if (p.endsWith(QLatin1String("/index.html")))
        return {Shape::IndexHtml, p.chopped(11), p.chopped(10)};
    if (p.endsWith(QLatin1Char('/')))
        return {Shape::Slash, p.chopped(1), p};
    if (p.endsWith(QLatin1String(".html")))
        return {Shape::Html, p.chopped(5), p.chopped(5) + QLatin1Char('/')};
    return {Shape::Other, p, p + QLatin1Char('/')};
}

// The path a form names, or an empty string when it names none.
QString formOf(Form form, const QString &p, const Shaped &s)
{
    switch (form) {
    case Form::Path:
        return p;
    case Form::PathHtml:
        return p + QLatin1String(".html");
    case Form::PathIndex:
        return p + QLatin1String("/index.html");
    case Form::PathSlash:
        return p + QLatin1Char('/');
    case Form::Bare:
        return s.bare.isEmpty() ? QStringLiteral("/") : s.bare;
    case Form::BareHtml:
        return s.bare.isEmpty() ? QString() : s.bare + QLatin1String(".html");
    case Form::Slashed:
        return s.slashed;
    case Form::SlashedIndex:
        return s.slashed + QLatin1String("index.html");
    }
    return QString();
}

const Steps &stepsFor(const Table &table, Shape shape)
{
    static const Steps none;
    switch (shape) {
    case Shape::IndexName:
        return table.indexName;
    case Shape::IndexHtml:
        return table.indexHtml;
    case Shape::Slash:
        return table.slash;
    case Shape::Html:
        return table.html;
    case Shape::Other:
        break;
    }
    return none;
}

AssetIntent notFoundIntent(const QString &path, NotFoundHandling handling,
                           const AssetResolver::Exists &exists)
{
    switch (handling) {
    case NotFoundHandling::SinglePageApplication:
        if (exists(QStringLiteral("/index.html")))
            return {AssetIntent::Kind::Serve, QStringLiteral("/index.html"), 200};
        break;
    case NotFoundHandling::NotFoundPage: {
        // The nearest 404.html up the path: /a/b/c looks at /a/b/404.html, /a/404.html, /404.html.
        QString folder = path;
        do {
            folder = folder.left(folder.lastIndexOf(QLatin1Char('/')));
            const QString page = folder + QLatin1String("/404.html");
            if (exists(page))
                return {AssetIntent::Kind::Serve, page, 404};
        } while (!folder.isEmpty());
        break;
    }
    case NotFoundHandling::None:
        break;
    }
    return {};
}

} // namespace

AssetResolver::AssetResolver(HtmlHandling htmlHandling) : m_htmlHandling(htmlHandling) {}

AssetIntent AssetResolver::resolve(const QString &path, NotFoundHandling notFound,
                                   const Exists &exists) const
{
    return resolve(path, notFound, exists, true);
}

AssetIntent AssetResolver::resolve(const QString &path, NotFoundHandling notFound,
                                   const Exists &exists, bool redirects) const
{
    if (!path.startsWith(QLatin1Char('/')))
        return {};
    const Table &table = tableFor(m_htmlHandling);
    const Shaped shaped = shapeOf(path);
    auto tryStep = [&](const Step &step) -> AssetIntent {
        const QString file = formOf(step.file, path, shaped);
        if (file.isEmpty())
            return {};
        if (step.action == Step::Serve)
            return exists(file) ? AssetIntent{AssetIntent::Kind::Serve, file, 200} : AssetIntent{};
        const QString to = formOf(step.to, path, shaped);
        if (to == path) // this path is where the file is served: serve it
            return exists(file) ? AssetIntent{AssetIntent::Kind::Serve, file, 200} : AssetIntent{};
        if (!redirects || exists(to) || !exists(file))
            return {};
        const AssetIntent there = resolve(to, notFound, exists, false);
        if (there.kind == AssetIntent::Kind::Serve && there.path == file)
            return {AssetIntent::Kind::Redirect, to, 307};
        return {};
    };
    for (const Steps *steps : {&stepsFor(table, shaped.shape), &table.tail}) {
        for (const Step &step : *steps) {
            AssetIntent intent = tryStep(step);
            if (intent.kind != AssetIntent::Kind::None)
                return intent;
        }
    }
    return notFoundIntent(path, notFound, exists);
}

QString AssetResolver::decodePath(const QByteArray &rawPath)
{
    // Most paths have nothing to decode or collapse.
    if (!rawPath.contains('%') && !rawPath.contains("//"))
        return QString::fromLatin1(rawPath);
    QString decoded;
    decoded.reserve(rawPath.size());
    const QList<QByteArray> segments = rawPath.split('/');
    for (qsizetype i = 0; i < segments.size(); ++i) {
        if (i > 0)
            decoded += QLatin1Char('/');
        const QByteArray &raw = segments[i];
        const QByteArray bytes = QByteArray::fromPercentEncoding(raw);
        // decodeURIComponent refuses malformed escapes and invalid UTF-8; such a segment stays
        // as it came.
        bool malformed = false;
        for (qsizetype k = raw.indexOf('%'); k >= 0 && !malformed; k = raw.indexOf('%', k + 1))
            malformed =
                k + 2 >= raw.size() || !isxdigit(uchar(raw[k + 1])) || !isxdigit(uchar(raw[k + 2]));
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = utf8.decode(bytes);
        decoded += (malformed || utf8.hasError()) ? QString::fromLatin1(raw) : text;
    }
    while (decoded.contains(QLatin1String("//")))
        decoded.replace(QLatin1String("//"), QLatin1String("/"));
    return decoded;
}

QByteArray AssetResolver::encodePath(const QString &path)
{
    const auto unreserved = [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ||
               QStringView(u"/-_.!~*'()").contains(c);
    };
    if (std::all_of(path.cbegin(), path.cend(), unreserved))
        return path.toLatin1();
    QByteArray encoded;
    const QStringList segments = path.split(QLatin1Char('/'));
    for (qsizetype i = 0; i < segments.size(); ++i) {
        if (i > 0)
            encoded += '/';
        encoded += segments[i].toUtf8().toPercentEncoding("!~*'()");
    }
    return encoded;
}

} // namespace edgedesk
