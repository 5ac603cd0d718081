// A user's project (tests/fixtures/project: an SPA in dist/, a 404 page, a folder page) served
// from its folder and driven in Qt WebEngine: deep links, in-page navigation, the page's fetch
// calls to /kv and /api/api1 read back from the DOM, an inline script that runs because the
// project's pages get no Content-Security-Policy, and the 404 page of a 404-page project.
#include "pagedriver.h"
#include "sectiontest.h"

#include <QApplication>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

class TestProjectFrontend final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<PageDriver> m_page;

    static QString fixture() { return sourceDir() + QStringLiteral("/tests/fixtures/project"); }
    bool ready() const
    {
        return m_page->waitFor(QStringLiteral("document.documentElement.dataset.ready === 'true'"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto options = ServerOptions::forProject(sectionServerOptions(), fixture());
        QVERIFY2(options.ok(), options.ok() ? "" : qPrintable(options.error().message));
        QCOMPARE(options->configPath, fixture() + QStringLiteral("/wrangler.jsonc"));
        m_server = std::make_unique<TestServer>(*options);
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
        QCOMPARE(m_server->host().config().name, QStringLiteral("fixture-project"));

        m_page = std::make_unique<PageDriver>(QSize(1024, 768));
        QVERIFY(m_page->exposed());
    }
    void cleanupTestCase()
    {
        m_page.reset();
        m_server.reset();
    }

    void deepLinkOpensTheApplication()
    {
        QVERIFY(m_page->open(m_server->url(QStringLiteral("/docs/getting-started"))));
        QVERIFY(ready());
        QCOMPARE(m_page->view()->title(), QStringLiteral("Fixture project"));
        QCOMPARE(m_page->text(QStringLiteral("view")), QStringLiteral("Docs: getting-started"));
        QCOMPARE(m_page->js(QStringLiteral("location.pathname")).toString(),
                 QStringLiteral("/docs/getting-started"));
        // The inline script ran: EdgeDesk gave the project's page no CSP.
        QCOMPARE(m_page->js(QStringLiteral("document.documentElement.dataset.inline")).toString(),
                 QStringLiteral("ran"));
    }

    void navigationInsideThePage()
    {
        QVERIFY(m_page->open(m_server->url(QStringLiteral("/"))));
        QVERIFY(ready());
        QCOMPARE(m_page->text(QStringLiteral("view")), QStringLiteral("Home"));
        QVERIFY(m_page->click(QStringLiteral("nav-docs")));
        QVERIFY(m_page->waitFor(QStringLiteral("document.getElementById('view').dataset.path "
                                               "=== '/docs/getting-started'")));
        QCOMPARE(m_page->text(QStringLiteral("view")), QStringLiteral("Docs: getting-started"));
    }

    void pageReadsKvThroughTheWorkerContract()
    {
        QVERIFY(m_page->open(m_server->url(QStringLiteral("/"))));
        QVERIFY(ready());
        QVERIFY(m_page->click(QStringLiteral("kv-btn")));
        QCOMPARE(m_page->waitForState(QStringLiteral("kv-output")), QStringLiteral("done"));
        QCOMPARE(m_page->data(QStringLiteral("kv-output"), QStringLiteral("status")),
                 QStringLiteral("200"));
        QCOMPARE(m_page->text(QStringLiteral("kv-output")),
                 QStringLiteral("demo-key: Hello from the MY_KV namespace"));
    }

    void pageCallsTheApiContainer()
    {
        QVERIFY(m_page->open(m_server->url(QStringLiteral("/"))));
        QVERIFY(ready());
        QVERIFY(m_page->click(QStringLiteral("api-btn")));
        const QString state = m_page->waitForState(QStringLiteral("api-output"));
        if (state == QLatin1String("error") &&
            m_page->data(QStringLiteral("api-output"), QStringLiteral("status")) ==
                QLatin1String("503"))
            QSKIP(qPrintable(QStringLiteral("/api answers 503 here: ") +
                             m_page->text(QStringLiteral("api-output"))));
        QCOMPARE(state, QStringLiteral("done"));
        QVERIFY2(
            m_page->text(QStringLiteral("api-output")).contains(QStringLiteral("Hello from API 1")),
            qPrintable(m_page->text(QStringLiteral("api-output"))));
    }

    void folderPagesGetTheirSlash()
    {
        QVERIFY(m_page->open(m_server->url(QStringLiteral("/docs/guide"))));
        QCOMPARE(m_page->js(QStringLiteral("location.pathname")).toString(),
                 QStringLiteral("/docs/guide/"));
        QCOMPARE(m_page->text(QStringLiteral("guide")), QStringLiteral("Guide"));
    }

    void notFoundPageOfA404PageProject()
    {
        // The same dist/, with not_found_handling "404-page".
        const QString config = m_dir.filePath(QStringLiteral("wrangler.jsonc"));
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("fixture-404")},
                                          {QStringLiteral("assets"),
                                           QJsonObject{{QStringLiteral("directory"),
                                                        fixture() + QStringLiteral("/dist")},
                                                       {QStringLiteral("not_found_handling"),
                                                        QStringLiteral("404-page")}}}})
                    .toJson());
        f.close();
        ServerOptions options;
        options.configPath = config;
        TestServer server(options);
        QVERIFY2(server.start(), qPrintable(server.lastError()));
        const HttpReply missing = request(server.port(), "GET", "/no/such/page");
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.header("content-type"), QByteArray("text/html; charset=utf-8"));
        QVERIFY(m_page->open(server.url(QStringLiteral("/no/such/page")), true));
        QVERIFY(m_page->waitFor(QStringLiteral("!!document.getElementById('not-found')")));
        QCOMPARE(m_page->view()->title(), QStringLiteral("Not found"));
        QCOMPARE(m_page->text(QStringLiteral("not-found")),
                 QStringLiteral("This page does not exist"));
    }
};

int main(int argc, char **argv)
{
    // Qt WebEngine shares OpenGL contexts with the widgets; this must be set before the
    // application object exists.
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    TestProjectFrontend test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_projectfrontend.moc"
