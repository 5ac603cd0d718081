// What a path comes to under each html_handling and not_found_handling, over sets of files given
// in the tables, and where run_worker_first sends a path. The html_handling rows are the
// platform's own examples (a file.html and a folder/index.html).
#include "bindings/assets/assetresolver.h"
#include "bindings/assets/workerfirstrules.h"

#include <QSet>
#include <QTest>

using namespace edgedesk;

namespace {

HtmlHandling htmlHandlingNamed(const QString &name)
{
    if (name == QLatin1String("force"))
        return HtmlHandling::ForceTrailingSlash;
    if (name == QLatin1String("drop"))
        return HtmlHandling::DropTrailingSlash;
    if (name == QLatin1String("none"))
        return HtmlHandling::None;
    return HtmlHandling::AutoTrailingSlash;
}

NotFoundHandling notFoundNamed(const QString &name)
{
    if (name == QLatin1String("404-page"))
        return NotFoundHandling::NotFoundPage;
    if (name == QLatin1String("spa"))
        return NotFoundHandling::SinglePageApplication;
    return NotFoundHandling::None;
}

// "200 /file.html", "404 /404.html", "307 /file/" or "none".
QString describe(const AssetIntent &intent)
{
    switch (intent.kind) {
    case AssetIntent::Kind::Serve:
        return QStringLiteral("%1 %2").arg(intent.status).arg(intent.path);
    case AssetIntent::Kind::Redirect:
        return QStringLiteral("307 %1").arg(intent.path);
    case AssetIntent::Kind::None:
        break;
    }
    return QStringLiteral("none");
}

} // namespace

class TestAssetResolver final : public QObject
{
    Q_OBJECT

    static void addRows(const QString &mode, const QStringList &files,
                        const QList<std::pair<const char *, const char *>> &rows,
                        const QString &notFound = QStringLiteral("none"))
    {
        for (const auto &[path, expected] : rows)
            QTest::addRow("%s, %s, %s (%s)", qPrintable(mode), qPrintable(notFound), path,
                          qPrintable(files.join(QLatin1Char(' '))))
                << mode << notFound << files << QString::fromUtf8(path)
                << QString::fromUtf8(expected);
    }

private Q_SLOTS:
    void resolve_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("notFound");
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected");

        const QStringList platform{QStringLiteral("/file.html"),
                                   QStringLiteral("/folder/index.html")};
        addRows(QStringLiteral("auto"), platform,
                {{"/file", "200 /file.html"},
                 {"/file.html", "307 /file"},
                 {"/file/", "307 /file"},
                 {"/file/index", "307 /file"},
                 {"/file/index.html", "307 /file"},
                 {"/folder", "307 /folder/"},
                 {"/folder.html", "307 /folder/"},
                 {"/folder/", "200 /folder/index.html"},
                 {"/folder/index", "307 /folder/"},
                 {"/folder/index.html", "307 /folder/"},
                 {"/nothing", "none"}});
        addRows(QStringLiteral("force"), platform,
                {{"/file", "307 /file/"},
                 {"/file.html", "307 /file/"},
                 {"/file/", "200 /file.html"},
                 {"/file/index", "307 /file/"},
                 {"/file/index.html", "307 /file/"},
                 {"/folder", "307 /folder/"},
                 {"/folder.html", "307 /folder/"},
                 {"/folder/", "200 /folder/index.html"},
                 {"/folder/index", "307 /folder/"},
                 {"/folder/index.html", "307 /folder/"}});
        addRows(QStringLiteral("drop"), platform,
                {{"/file", "200 /file.html"},
                 {"/file.html", "307 /file"},
                 {"/file/", "307 /file"},
                 {"/file/index", "307 /file"},
                 {"/file/index.html", "307 /file"},
                 {"/folder", "200 /folder/index.html"},
                 {"/folder.html", "307 /folder"},
                 {"/folder/", "307 /folder"},
                 {"/folder/index", "307 /folder"},
                 {"/folder/index.html", "307 /folder"}});
        addRows(QStringLiteral("none"), platform,
                {{"/file", "none"},
                 {"/file.html", "200 /file.html"},
                 {"/file/", "none"},
                 {"/file/index", "none"},
                 {"/file/index.html", "none"},
                 {"/folder", "none"},
                 {"/folder.html", "none"},
                 {"/folder/", "none"},
                 {"/folder/index", "none"},
                 {"/folder/index.html", "200 /folder/index.html"}});

        // The root and its index.
        const QStringList root{QStringLiteral("/index.html")};
        for (const char *mode : {"auto", "force", "drop"})
            addRows(QString::fromLatin1(mode), root,
                    {{"/", "200 /index.html"}, {"/index.html", "307 /"}, {"/index", "307 /"}});
        addRows(QStringLiteral("none"), root, {{"/", "none"}, {"/index.html", "200 /index.html"}});

        // A file literally named index, and files that are not HTML, are served as they are.
        const QStringList binaries{QStringLiteral("/data/index"), QStringLiteral("/app.js"),
                                   QStringLiteral("/img/logo.svg")};
        for (const char *mode : {"auto", "force", "drop", "none"})
            addRows(QString::fromLatin1(mode), binaries,
                    {{"/data/index", "200 /data/index"},
                     {"/app.js", "200 /app.js"},
                     {"/img/logo.svg", "200 /img/logo.svg"},
                     {"/app.js/", "none"}});

        // Both /both.html and /both/index.html: each stays reachable at one URL.
        const QStringList both{QStringLiteral("/both.html"), QStringLiteral("/both/index.html")};
        addRows(QStringLiteral("auto"), both,
                {{"/both", "200 /both.html"},
                 {"/both/", "200 /both/index.html"},
                 {"/both.html", "307 /both"}});
        addRows(QStringLiteral("force"), both,
                {{"/both/", "200 /both/index.html"}, {"/both.html", "200 /both.html"}});
        addRows(QStringLiteral("drop"), both,
                {{"/both", "200 /both.html"}, {"/both/index.html", "200 /both/index.html"}});

        // not_found_handling.
        const QStringList site{QStringLiteral("/index.html"), QStringLiteral("/404.html"),
                               QStringLiteral("/blog/404.html"), QStringLiteral("/about.html")};
        addRows(QStringLiteral("auto"), site, {{"/missing", "none"}, {"/blog/missing", "none"}},
                QStringLiteral("none"));
        addRows(QStringLiteral("auto"), site,
                {{"/missing", "200 /index.html"},
                 {"/deep/link/7", "200 /index.html"},
                 {"/about", "200 /about.html"},
                 {"/about.html", "307 /about"}},
                QStringLiteral("spa"));
        addRows(QStringLiteral("auto"), site,
                {{"/missing", "404 /404.html"},
                 {"/blog/missing", "404 /blog/404.html"},
                 {"/blog/2024/missing/", "404 /blog/404.html"},
                 {"/other/x/y", "404 /404.html"},
                 {"/about", "200 /about.html"}},
                QStringLiteral("404-page"));
        const QStringList noIndex{QStringLiteral("/about.html")};
        addRows(QStringLiteral("auto"), noIndex, {{"/missing", "none"}}, QStringLiteral("spa"));
        addRows(QStringLiteral("auto"), noIndex, {{"/missing", "none"}},
                QStringLiteral("404-page"));
    }
    void resolve()
    {
        QFETCH(QString, mode);
        QFETCH(QString, notFound);
        QFETCH(QStringList, files);
        QFETCH(QString, path);
        QFETCH(QString, expected);
        const QSet<QString> set(files.cbegin(), files.cend());
        const AssetResolver resolver(htmlHandlingNamed(mode));
        const AssetIntent intent = resolver.resolve(
            path, notFoundNamed(notFound), [&](const QString &f) { return set.contains(f); });
        QCOMPARE(describe(intent), expected);
    }

    void decodeAndEncode_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QString>("decoded");
        QTest::addColumn<QByteArray>("canonical");
        QTest::addRow("plain") << QByteArray("/a/b.html") << QStringLiteral("/a/b.html")
                               << QByteArray("/a/b.html");
        QTest::addRow("space") << QByteArray("/a%20b") << QStringLiteral("/a b")
                               << QByteArray("/a%20b");
        QTest::addRow("utf-8") << QByteArray("/caf%C3%A9") << QStringLiteral("/café")
                               << QByteArray("/caf%C3%A9");
        QTest::addRow("brackets are encoded")
            << QByteArray("/[x]") << QStringLiteral("/[x]") << QByteArray("/%5Bx%5D");
        QTest::addRow("slashes collapse")
            << QByteArray("//evil.example/x") << QStringLiteral("/evil.example/x")
            << QByteArray("/evil.example/x");
        QTest::addRow("encoded dots decode")
            << QByteArray("/%2e%2e/x") << QStringLiteral("/../x") << QByteArray("/../x");
        QTest::addRow("encoded slash splits")
            << QByteArray("/a%2F..%2Fb") << QStringLiteral("/a/../b") << QByteArray("/a/../b");
        QTest::addRow("malformed escape kept")
            << QByteArray("/100%") << QStringLiteral("/100%") << QByteArray("/100%25");
        QTest::addRow("invalid utf-8 kept")
            << QByteArray("/%FF") << QStringLiteral("/%FF") << QByteArray("/%25FF");
        QTest::addRow("unreserved marks stay")
            << QByteArray("/it's(1)!~*") << QStringLiteral("/it's(1)!~*")
            << QByteArray("/it's(1)!~*");
    }
    void decodeAndEncode()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QString, decoded);
        QFETCH(QByteArray, canonical);
        QCOMPARE(AssetResolver::decodePath(raw), decoded);
        QCOMPARE(AssetResolver::encodePath(decoded), canonical);
    }

    void workerFirst_data()
    {
        QTest::addColumn<QVariant>("setting");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<int>("decision");
        using D = WorkerFirstRules::Decision;
        const QVariant patterns = QStringList{
            QStringLiteral("/api/*"), QStringLiteral("!/api/docs/*"), QStringLiteral("/exact")};
        QTest::addRow("default") << QVariant(false) << QByteArray("/api/x")
                                 << int(D::AssetsIfFound);
        QTest::addRow("true") << QVariant(true) << QByteArray("/anything") << int(D::Worker);
        QTest::addRow("pattern") << patterns << QByteArray("/api/api1") << int(D::Worker);
        QTest::addRow("pattern, deeper") << patterns << QByteArray("/api/a/b") << int(D::Worker);
        QTest::addRow("pattern needs its slash")
            << patterns << QByteArray("/api") << int(D::AssetsIfFound);
        QTest::addRow("negated wins")
            << patterns << QByteArray("/api/docs/intro") << int(D::Assets);
        QTest::addRow("exact") << patterns << QByteArray("/exact") << int(D::Worker);
        QTest::addRow("exact only") << patterns << QByteArray("/exactly") << int(D::AssetsIfFound);
        QTest::addRow("no match") << patterns << QByteArray("/about") << int(D::AssetsIfFound);
        QTest::addRow("dots are literal") << QVariant(QStringList{QStringLiteral("/a.b")})
                                          << QByteArray("/axb") << int(D::AssetsIfFound);
    }
    void workerFirst()
    {
        QFETCH(QVariant, setting);
        QFETCH(QByteArray, path);
        QFETCH(int, decision);
        AssetsConfig config;
        if (setting.typeId() == QMetaType::Bool)
            config.workerFirst = setting.toBool();
        else
            config.workerFirstPatterns = setting.toStringList();
        QCOMPARE(int(WorkerFirstRules(config).decide(path)), decision);
    }
};

QTEST_GUILESS_MAIN(TestAssetResolver)
#include "test_assetresolver.moc"
