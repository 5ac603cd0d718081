// A project's assets folder over HTTP: types, ETags and 304, Range, HEAD, redirects to canonical
// URLs, not-found handling, escapes refused (.., encoded forms, symlinks, dotfiles), files changed
// on disk served at once, and the assets and the routes side by side (run_worker_first).
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace edgedesk;
using namespace edgedesk::test;

using Headers = QList<QPair<QByteArray, QByteArray>>;

namespace {

QString errorCode(const HttpReply &r)
{
    return r.json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

} // namespace

class TestStaticAssets final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_project;
    std::unique_ptr<TestServer> m_server;

    quint16 port() const { return m_server->port(); }
    QString dist(const QString &relative = QString()) const
    {
        return m_project->filePath(QStringLiteral("dist/") + relative);
    }
    void write(const QString &path, const QByteArray &bytes)
    {
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(f.write(bytes), bytes.size());
    }
    // A fresh project with these assets settings (directory ./dist) and the demo's KV and
    // service bindings, served on a free port.
    void serve(QJsonObject assets = {},
               const QString &compatibilityDate = QStringLiteral("2025-06-01"))
    {
        m_server.reset();
        assets.insert(QStringLiteral("directory"), QStringLiteral("./dist"));
        const QJsonObject config{
            {QStringLiteral("name"), QStringLiteral("assets-test")},
            {QStringLiteral("compatibility_date"), compatibilityDate},
            {QStringLiteral("assets"), assets},
            {QStringLiteral("kv_namespaces"),
             QJsonArray{QJsonObject{{QStringLiteral("binding"), QStringLiteral("MY_KV")}}}},
            {QStringLiteral("services"),
             QJsonArray{QJsonObject{{QStringLiteral("binding"), QStringLiteral("WORKER_SERVICE")},
                                    {QStringLiteral("service"), QStringLiteral("worker")}}}}};
        write(m_project->filePath(QStringLiteral("wrangler.jsonc")),
              QJsonDocument(config).toJson());
        ServerOptions options;
        options.configPath = m_project->filePath(QStringLiteral("wrangler.jsonc"));
        m_server = std::make_unique<TestServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
    }

private Q_SLOTS:
    void init()
    {
        m_project = std::make_unique<QTemporaryDir>();
        QVERIFY(m_project->isValid());
        write(dist(QStringLiteral("index.html")), "<!doctype html><title>home</title>");
        write(dist(QStringLiteral("app.js")), "console.log('app');\n");
        write(dist(QStringLiteral("page.html")), "<p>page</p>");
        write(dist(QStringLiteral("docs/index.html")), "<p>docs</p>");
        write(dist(QStringLiteral("404.html")), "<p>custom not found</p>");
        write(dist(QStringLiteral("blob.bin")), QByteArray("0123456789"));
        write(m_project->filePath(QStringLiteral("secret.txt")), "TOP-SECRET");
    }
    void cleanup()
    {
        m_server.reset();
        m_project.reset();
    }

    void servesFilesWithTypesAndEtags()
    {
        serve();
        const HttpReply js = request(port(), "GET", "/app.js");
        QCOMPARE(js.status, 200);
        QCOMPARE(js.body, QByteArray("console.log('app');\n"));
        QCOMPARE(js.header("content-type"), QByteArray("text/javascript; charset=utf-8"));
        QCOMPARE(js.header("cache-control"), QByteArray("public, max-age=0, must-revalidate"));
        QCOMPARE(js.header("accept-ranges"), QByteArray("bytes"));
        const QByteArray etag = js.header("etag");
        QVERIFY(etag.startsWith('"') && etag.endsWith('"') && etag.size() > 4);

        const HttpReply again = request(port(), "GET", "/app.js", {{"If-None-Match", etag}});
        QCOMPARE(again.status, 304);
        QVERIFY(again.body.isEmpty());
        QCOMPARE(again.header("etag"), etag);
        QCOMPARE(request(port(), "GET", "/app.js", {{"If-None-Match", "W/" + etag}}).status, 304);
        QCOMPARE(request(port(), "GET", "/app.js", {{"If-None-Match", "\"other\""}}).status, 200);

        const HttpReply head = rawRequest(
            port(), "HEAD /app.js HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port()) +
                        "\r\nConnection: close\r\n\r\n");
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("content-length"), QByteArray("20"));
        QCOMPARE(head.header("etag"), etag);
        QVERIFY(head.body.isEmpty());

        const HttpReply bin = request(port(), "GET", "/blob.bin");
        QCOMPARE(bin.header("content-type"), QByteArray("application/octet-stream"));
    }

    void projectPagesGetNoContentSecurityPolicy()
    {
        serve();
        const HttpReply page = request(port(), "GET", "/");
        QCOMPARE(page.status, 200);
        QCOMPARE(page.body, QByteArray("<!doctype html><title>home</title>"));
        QCOMPARE(page.header("content-type"), QByteArray("text/html; charset=utf-8"));
        QVERIFY(page.header("content-security-policy").isEmpty());
        QCOMPARE(page.header("x-content-type-options"), QByteArray("nosniff"));
    }

    void builtInFrontendWithoutAssetsKeepsItsPolicy()
    {
        write(m_project->filePath(QStringLiteral("wrangler.jsonc")), "{\"name\": \"no-assets\"}");
        ServerOptions options;
        options.configPath = m_project->filePath(QStringLiteral("wrangler.jsonc"));
        m_server = std::make_unique<TestServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
        const HttpReply page = request(port(), "GET", "/");
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("<title>EdgeDesk</title>"));
        QVERIFY(page.header("content-security-policy").contains("script-src 'self'"));
        QCOMPARE(request(port(), "GET", "/page.html").status,
                 404); // the project's dist is not used
    }

    void changesOnDiskAreServedAtOnce()
    {
        serve();
        const HttpReply before = request(port(), "GET", "/page");
        QCOMPARE(before.body, QByteArray("<p>page</p>"));
        // Same size, new content and modification time: a new version.
        write(dist(QStringLiteral("page.html")), "<p>PAGE</p>");
        QFile touched(dist(QStringLiteral("page.html")));
        QVERIFY(touched.open(QIODevice::ReadWrite));
        QVERIFY(touched.setFileTime(QDateTime::currentDateTime().addSecs(5),
                                    QFileDevice::FileModificationTime));
        touched.close();
        const HttpReply after =
            request(port(), "GET", "/page", {{"If-None-Match", before.header("etag")}});
        QCOMPARE(after.status, 200);
        QCOMPARE(after.body, QByteArray("<p>PAGE</p>"));
        QVERIFY(after.header("etag") != before.header("etag"));
        // A new file appears, an old one goes.
        write(dist(QStringLiteral("new.txt")), "fresh");
        QCOMPARE(request(port(), "GET", "/new.txt").body, QByteArray("fresh"));
        QVERIFY(QFile::remove(dist(QStringLiteral("app.js"))));
        QCOMPARE(request(port(), "GET", "/app.js").status, 404);
    }

    // A plain GET answered once is kept encoded and sent as it is the next time: the same bytes
    // but for the request id; a file changed in place, replaced by a rename or removed is never
    // answered from it.
    void preparedAnswersFollowTheirFile()
    {
        serve();
        const HttpReply first = request(port(), "GET", "/app.js");
        const HttpReply second = request(port(), "GET", "/app.js");
        QCOMPARE(second.status, 200);
        QCOMPARE(second.body, first.body);
        QVERIFY(!second.header("x-request-id").isEmpty());
        QVERIFY(second.header("x-request-id") != first.header("x-request-id"));
        auto withoutId = [](Headers headers) {
            headers.removeIf([](const auto &h) { return h.first.toLower() == "x-request-id"; });
            return headers;
        };
        QCOMPARE(withoutId(second.headers), withoutId(first.headers));
        // Connection: close is honoured on a prepared answer too.
        const HttpReply closing = rawRequest(
            port(), "GET /app.js HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port()) +
                        "\r\nConnection: close\r\n\r\n");
        QCOMPARE(closing.status, 200);
        QCOMPARE(closing.header("connection"), QByteArray("close"));
        QCOMPARE(closing.body, first.body);

        // Changed in place, same size, new modification time.
        write(dist(QStringLiteral("app.js")), "console.log('APP');\n");
        QFile touched(dist(QStringLiteral("app.js")));
        QVERIFY(touched.open(QIODevice::ReadWrite));
        QVERIFY(touched.setFileTime(QDateTime::currentDateTime().addSecs(5),
                                    QFileDevice::FileModificationTime));
        touched.close();
        const HttpReply changed = request(port(), "GET", "/app.js");
        QCOMPARE(changed.body, QByteArray("console.log('APP');\n"));
        QVERIFY(changed.header("etag") != first.header("etag"));
        QCOMPARE(request(port(), "GET", "/app.js").body, changed.body);

        // Replaced by a rename (another inode).
        write(dist(QStringLiteral("next.js")), "console.log('next');\n");
        QVERIFY(::rename(QFile::encodeName(dist(QStringLiteral("next.js"))).constData(),
                         QFile::encodeName(dist(QStringLiteral("app.js"))).constData()) == 0);
        QCOMPARE(request(port(), "GET", "/app.js").body, QByteArray("console.log('next');\n"));

        // Removed.
        QVERIFY(QFile::remove(dist(QStringLiteral("app.js"))));
        const HttpReply gone = request(port(), "GET", "/app.js");
        QCOMPARE(gone.status, 404);
        QCOMPARE(errorCode(gone), QStringLiteral("not_found"));

        // A folder's index: "/" follows index.html the same way.
        QCOMPARE(request(port(), "GET", "/").body, QByteArray("<!doctype html><title>home</title>"));
        QCOMPARE(request(port(), "GET", "/").body, QByteArray("<!doctype html><title>home</title>"));
        write(dist(QStringLiteral("index.html")), "<!doctype html><title>home, longer</title>");
        QCOMPARE(request(port(), "GET", "/").body,
                 QByteArray("<!doctype html><title>home, longer</title>"));
    }

    void ranges_data()
    {
        QTest::addColumn<QByteArray>("range");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentRange");
        QTest::addRow("first four")
            << QByteArray("bytes=0-3") << 206 << QByteArray("0123") << QByteArray("bytes 0-3/10");
        QTest::addRow("open end") << QByteArray("bytes=7-") << 206 << QByteArray("789")
                                  << QByteArray("bytes 7-9/10");
        QTest::addRow("suffix") << QByteArray("bytes=-2") << 206 << QByteArray("89")
                                << QByteArray("bytes 8-9/10");
        QTest::addRow("past the end is clamped")
            << QByteArray("bytes=5-99") << 206 << QByteArray("56789") << QByteArray("bytes 5-9/10");
        QTest::addRow("outside") << QByteArray("bytes=10-") << 416 << QByteArray()
                                 << QByteArray("bytes */10");
        QTest::addRow("other unit: whole")
            << QByteArray("items=0-1") << 200 << QByteArray("0123456789") << QByteArray();
        QTest::addRow("several: whole")
            << QByteArray("bytes=0-1,4-5") << 200 << QByteArray("0123456789") << QByteArray();
    }
    void ranges()
    {
        QFETCH(QByteArray, range);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentRange);
        serve();
        const HttpReply r = request(port(), "GET", "/blob.bin", {{"Range", range}});
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("content-range"), contentRange);
        if (status == 416)
            QCOMPARE(errorCode(r), QStringLiteral("range_not_satisfiable"));
        else
            QCOMPARE(r.body, body);
    }

    void ifRangeOfAnotherVersionGetsTheWholeFile()
    {
        serve();
        const QByteArray etag = request(port(), "GET", "/blob.bin").header("etag");
        QCOMPARE(request(port(), "GET", "/blob.bin", {{"Range", "bytes=0-1"}, {"If-Range", etag}})
                     .status,
                 206);
        const HttpReply stale = request(port(), "GET", "/blob.bin",
                                        {{"Range", "bytes=0-1"}, {"If-Range", "\"older\""}});
        QCOMPARE(stale.status, 200);
        QCOMPARE(stale.body, QByteArray("0123456789"));
    }

    void redirectsToCanonicalUrls_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("location");
        QTest::addRow("file") << QByteArray("/page") << 200 << QByteArray();
        QTest::addRow(".html dropped") << QByteArray("/page.html") << 307 << QByteArray("/page");
        QTest::addRow("query kept")
            << QByteArray("/page.html?x=1&y=%20") << 307 << QByteArray("/page?x=1&y=%20");
        QTest::addRow("folder gets its slash")
            << QByteArray("/docs") << 307 << QByteArray("/docs/");
        QTest::addRow("folder index") << QByteArray("/docs/") << 200 << QByteArray();
        QTest::addRow("index.html") << QByteArray("/index.html") << 307 << QByteArray("/");
        QTest::addRow("double slash collapses, never off-site")
            << QByteArray("//page") << 307 << QByteArray("/page");
        QTest::addRow("brackets are encoded")
            << QByteArray("/[x].txt") << 307 << QByteArray("/%5Bx%5D.txt");
        QTest::addRow("encoded form served") << QByteArray("/%5Bx%5D.txt") << 200 << QByteArray();
        QTest::addRow("space") << QByteArray("/a%20b.txt") << 200 << QByteArray();
    }
    void redirectsToCanonicalUrls()
    {
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        QFETCH(QByteArray, location);
        write(dist(QStringLiteral("[x].txt")), "brackets");
        write(dist(QStringLiteral("a b.txt")), "space");
        serve();
        const HttpReply r = request(port(), "GET", target);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("location"), location);
        if (status == 307)
            QVERIFY(r.body.isEmpty());
    }

    void notFoundHandling_data()
    {
        QTest::addColumn<QString>("handling");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addRow("none: JSON")
            << QStringLiteral("none") << QByteArray("/missing") << 404 << QByteArray();
        QTest::addRow("404-page") << QStringLiteral("404-page") << QByteArray("/a/b/missing") << 404
                                  << QByteArray("<p>custom not found</p>");
        QTest::addRow("single-page-application")
            << QStringLiteral("single-page-application") << QByteArray("/deep/link/7") << 200
            << QByteArray("<!doctype html><title>home</title>");
        QTest::addRow("single-page-application, a real file")
            << QStringLiteral("single-page-application") << QByteArray("/app.js") << 200
            << QByteArray("console.log('app');\n");
    }
    void notFoundHandling()
    {
        QFETCH(QString, handling);
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        serve(QJsonObject{{QStringLiteral("not_found_handling"), handling}});
        const HttpReply r = request(port(), "GET", target);
        QCOMPARE(r.status, status);
        if (body.isEmpty()) {
            QCOMPARE(r.header("content-type"), QByteArray("application/json"));
            QCOMPARE(errorCode(r), QStringLiteral("not_found"));
            QVERIFY(r.json()
                        .value(QStringLiteral("error"))
                        .toObject()
                        .value(QStringLiteral("message"))
                        .toString()
                        .contains(QString::fromLatin1(target)));
        } else {
            QCOMPARE(r.body, body);
        }
    }

    void otherMethodsAreRefused()
    {
        serve();
        const HttpReply post = request(port(), "POST", "/app.js", {}, "x");
        QCOMPARE(post.status, 405);
        QCOMPARE(post.header("allow"), QByteArray("GET, HEAD"));
        QCOMPARE(errorCode(post), QStringLiteral("method_not_allowed"));
        QCOMPARE(request(port(), "POST", "/missing", {}, "x").status, 404);
        QCOMPARE(request(port(), "GET", "/app.js").status, 200); // nothing changed
    }

    void escapesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addRow("dot-dot") << QByteArray("/../secret.txt");
        QTest::addRow("dot-dot deeper") << QByteArray("/docs/../../secret.txt");
        QTest::addRow("encoded dots") << QByteArray("/%2e%2e/secret.txt");
        QTest::addRow("upper-case encoded dots") << QByteArray("/%2E%2E/secret.txt");
        QTest::addRow("encoded slash") << QByteArray("/..%2fsecret.txt");
        QTest::addRow("all encoded") << QByteArray("/%2e%2e%2fsecret.txt");
        QTest::addRow("through a folder") << QByteArray("/docs/%2e%2e/%2e%2e/secret.txt");
        QTest::addRow("double-encoded") << QByteArray("/%252e%252e/secret.txt");
        QTest::addRow("backslash") << QByteArray("/..%5csecret.txt");
        QTest::addRow("nul byte") << QByteArray("/app.js%00.html");
        QTest::addRow("absolute inside")
            << QByteArray("/" + QDir::rootPath().toLatin1() + "etc/passwd");
        QTest::addRow("symlink to a file outside") << QByteArray("/link-out.txt");
        QTest::addRow("symlink to a folder outside") << QByteArray("/dir-out/secret.txt");
        QTest::addRow("dotfile") << QByteArray("/.env");
        QTest::addRow("dot-folder") << QByteArray("/.git/config");
        QTest::addRow("encoded dotfile") << QByteArray("/%2eenv");
        QTest::addRow("_headers") << QByteArray("/_headers");
        QTest::addRow("over 25 MiB") << QByteArray("/huge.bin");
    }
    void escapesAreRefused()
    {
        QFETCH(QByteArray, target);
        QVERIFY(QFile::link(m_project->filePath(QStringLiteral("secret.txt")),
                            dist(QStringLiteral("link-out.txt"))));
        QVERIFY(QFile::link(m_project->path(), dist(QStringLiteral("dir-out"))));
        write(dist(QStringLiteral(".env")), "TOP-SECRET");
        write(dist(QStringLiteral(".git/config")), "TOP-SECRET");
        write(dist(QStringLiteral("_headers")), "TOP-SECRET");
        QFile huge(dist(QStringLiteral("huge.bin")));
        QVERIFY(huge.open(QIODevice::WriteOnly));
        QVERIFY(huge.resize(26 * 1024 * 1024)); // sparse
        huge.close();
        serve();
        const HttpReply r = request(port(), "GET", target);
        QVERIFY2(r.status == 404 || r.status == 307, r.statusLine.constData());
        QVERIFY(!r.body.contains("TOP-SECRET"));
        if (r.status == 404) {
            QCOMPARE(errorCode(r), QStringLiteral("not_found"));
        } else {
            // A redirect stays on this origin and leads to nothing secret.
            QVERIFY(r.header("location").startsWith('/'));
            QVERIFY(!r.header("location").startsWith("//"));
            QVERIFY(!request(port(), "GET", r.header("location")).body.contains("TOP-SECRET"));
        }
        // What is served inside the folder still is, and nothing on disk changed.
        QCOMPARE(request(port(), "GET", "/app.js").status, 200);
        QFile secret(m_project->filePath(QStringLiteral("secret.txt")));
        QVERIFY(secret.open(QIODevice::ReadOnly));
        QCOMPARE(secret.readAll(), QByteArray("TOP-SECRET"));
    }

    void symlinksInsideAndWellKnownAreServed()
    {
        QVERIFY(QFile::link(dist(QStringLiteral("app.js")), dist(QStringLiteral("alias.js"))));
        write(dist(QStringLiteral(".well-known/security.txt")), "Contact: mailto:a@b.example");
        serve();
        QCOMPARE(request(port(), "GET", "/alias.js").body, QByteArray("console.log('app');\n"));
        QCOMPARE(request(port(), "GET", "/.well-known/security.txt").status, 200);
    }

    void assetsRunBeforeRoutesUnlessTheWorkerGoesFirst()
    {
        write(dist(QStringLiteral("kv.html")), "<p>a page named kv</p>");
        write(dist(QStringLiteral("__edgedesk/v1/health")), "shadow");
        serve();
        // The platform's default: a file wins over the Worker's route.
        QCOMPARE(request(port(), "GET", "/kv").body, QByteArray("<p>a page named kv</p>"));
        // EdgeDesk's control API is never shadowed.
        const HttpReply health = request(port(), "GET", "/__edgedesk/v1/health");
        QCOMPARE(health.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        // Routes with no file keep working.
        QCOMPARE(request(port(), "GET", "/worker/hello").header("content-type"),
                 QByteArray("application/json"));

        serve(QJsonObject{{QStringLiteral("run_worker_first"), true}});
        QCOMPARE(request(port(), "GET", "/kv").json().value(QStringLiteral("key")).toString(),
                 QStringLiteral("demo-key"));
        QCOMPARE(request(port(), "GET", "/page").body, QByteArray("<p>page</p>"));

        serve(
            QJsonObject{{QStringLiteral("run_worker_first"),
                         QJsonArray{QStringLiteral("/kv*"), QStringLiteral("!/worker/hidden*")}}});
        QCOMPARE(request(port(), "GET", "/kv").json().value(QStringLiteral("key")).toString(),
                 QStringLiteral("demo-key"));
        QCOMPARE(request(port(), "GET", "/worker/hello").header("content-type"),
                 QByteArray("application/json"));
        // A "!" pattern sends the path to the assets alone, although a route matches it.
        const HttpReply hidden = request(port(), "GET", "/worker/hidden");
        QCOMPARE(hidden.status, 404);
        QVERIFY(hidden.json()
                    .value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("no route or asset")));
    }

    void navigationsPreferTheSinglePageApplication_data()
    {
        QTest::addColumn<QString>("compatibilityDate");
        QTest::addColumn<QByteArray>("fetchMode");
        QTest::addColumn<bool>("page");
        QTest::addRow("navigation")
            << QStringLiteral("2025-06-01") << QByteArray("navigate") << true;
        QTest::addRow("fetch") << QStringLiteral("2025-06-01") << QByteArray("cors") << false;
        QTest::addRow("no header") << QStringLiteral("2025-06-01") << QByteArray() << false;
        QTest::addRow("navigation before 2025-04-01")
            << QStringLiteral("2024-09-01") << QByteArray("navigate") << false;
    }
    void navigationsPreferTheSinglePageApplication()
    {
        QFETCH(QString, compatibilityDate);
        QFETCH(QByteArray, fetchMode);
        QFETCH(bool, page);
        serve(
            QJsonObject{
                {QStringLiteral("not_found_handling"), QStringLiteral("single-page-application")},
                {QStringLiteral("run_worker_first"), QJsonArray{QStringLiteral("/worker/*")}}},
            compatibilityDate);
        Headers headers;
        if (!fetchMode.isEmpty())
            headers.append({"Sec-Fetch-Mode", fetchMode});
        const HttpReply kv = request(port(), "GET", "/kv", headers);
        QCOMPARE(kv.status, 200);
        if (page)
            QCOMPARE(kv.body, QByteArray("<!doctype html><title>home</title>"));
        else
            QCOMPARE(kv.json().value(QStringLiteral("key")).toString(), QStringLiteral("demo-key"));
        // run_worker_first keeps /worker/* with the routes, navigation or not.
        const HttpReply worker = request(port(), "GET", "/worker/hello", headers);
        QCOMPARE(worker.status, 200);
        QCOMPARE(worker.header("content-type"), QByteArray("application/json"));
    }

    void badAssetsSettingsStopTheStart_data()
    {
        QTest::addColumn<QByteArray>("assets");
        QTest::addColumn<QString>("message");
        QTest::addRow("missing folder") << QByteArray("{\"directory\": \"./nowhere\"}")
                                        << QStringLiteral("nowhere is not a folder");
        QTest::addRow("no directory") << QByteArray("{\"binding\": \"ASSETS\"}")
                                      << QStringLiteral("assets.directory is required");
        QTest::addRow("html_handling")
            << QByteArray("{\"directory\": \"./dist\", \"html_handling\": \"sometimes\"}")
            << QStringLiteral("assets.html_handling must be one of auto-trailing-slash");
        QTest::addRow("not_found_handling")
            << QByteArray("{\"directory\": \"./dist\", \"not_found_handling\": \"spa\"}")
            << QStringLiteral("assets.not_found_handling must be one of none, 404-page, "
                              "single-page-application");
        QTest::addRow("run_worker_first pattern")
            << QByteArray("{\"directory\": \"./dist\", \"run_worker_first\": [\"api/*\"]}")
            << QStringLiteral("assets.run_worker_first[0] must be a path pattern");
        QTest::addRow("run_worker_first type")
            << QByteArray("{\"directory\": \"./dist\", \"run_worker_first\": \"yes\"}")
            << QStringLiteral("assets.run_worker_first must be true, false or a list");
    }
    void badAssetsSettingsStopTheStart()
    {
        QFETCH(QByteArray, assets);
        QFETCH(QString, message);
        const QString config = m_project->filePath(QStringLiteral("wrangler.jsonc"));
        write(config, "{\"name\": \"bad\", \"assets\": " + assets + "}");
        ServerOptions options;
        options.configPath = config;
        TestServer server(options);
        QVERIFY(!server.start());
        QVERIFY2(server.lastError().startsWith(config + QStringLiteral(": ")),
                 qPrintable(server.lastError()));
        QVERIFY2(server.lastError().contains(message), qPrintable(server.lastError()));
    }
};

QTEST_GUILESS_MAIN(TestStaticAssets)
#include "test_staticassets.moc"
