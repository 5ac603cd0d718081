// A user's project (tests/fixtures/project: an SPA in dist/, a 404 page, a folder page) served
// from its folder and driven in Qt WebEngine: deep links, in-page navigation, the page's fetch
// calls to /kv and /api/api1 read back from the DOM, an inline script that runs because the
// project's pages get no Content-Security-Policy, and the 404 page of a 404-page project.
#include "sectiontest.h"
#include "webscript.h"

#include <QApplication>
#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineView>

using namespace edgedesk;
using namespace edgedesk::test;

class TestProjectFrontend final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    QWebEngineProfile *m_profile = nullptr;
    QWebEngineView *m_view = nullptr;

    static QString fixture() { return sourceDir() + QStringLiteral("/tests/fixtures/project"); }
    QWebEnginePage *page() const { return m_view->page(); }
    QVariant js(const QString &script) { return runScript(page(), script); }
    QString text(const char *id)
    {
        return js(QStringLiteral("document.getElementById('%1')?.textContent ?? ''")
                      .arg(QLatin1String(id)))
            .toString();
    }
    QString data(const char *id, const char *key)
    {
        return js(QStringLiteral("document.getElementById('%1')?.dataset['%2'] ?? ''")
                      .arg(QLatin1String(id), QLatin1String(key)))
            .toString();
    }
    // Loads `url`; false when it did not load, or loaded with an HTTP error and `httpError` is
    // false (Qt WebEngine reports a 404 page as a failed load, although it shows it).
    bool open(const QUrl &url, bool httpError = false)
    {
        QSignalSpy loaded(m_view, &QWebEngineView::loadFinished);
        m_view->setUrl(url);
        return loaded.wait(30000) && (httpError || loaded.first().first().toBool());
    }
    bool click(const char *id)
    {
        return js(QStringLiteral("(() => { const e = document.getElementById('%1'); "
                                 "if (!e) return false; e.click(); return true; })()")
                      .arg(QLatin1String(id)))
            .toBool();
    }
    QString waitForOutput(const char *id)
    {
        waitForScript(page(),
                      QStringLiteral("['done','error'].includes(document.getElementById('%1')"
                                     ".dataset.state)")
                          .arg(QLatin1String(id)),
                      40000);
        return data(id, "state");
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

        m_profile = new QWebEngineProfile(this); // off the record: nothing cached between runs
        m_view = new QWebEngineView;
        m_view->setPage(new QWebEnginePage(m_profile, m_view));
        m_view->resize(1024, 768);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view));
    }
    void cleanupTestCase()
    {
        delete m_view; // before its profile
        m_view = nullptr;
        m_server.reset();
    }

    void deepLinkOpensTheApplication()
    {
        QVERIFY(open(m_server->url(QStringLiteral("/docs/getting-started"))));
        QVERIFY(waitForScript(page(), QStringLiteral("document.documentElement.dataset.ready === "
                                                     "'true'")));
        QCOMPARE(m_view->title(), QStringLiteral("Fixture project"));
        QCOMPARE(text("view"), QStringLiteral("Docs: getting-started"));
        QCOMPARE(js(QStringLiteral("location.pathname")).toString(),
                 QStringLiteral("/docs/getting-started"));
        // The inline script ran: EdgeDesk gave the project's page no CSP.
        QCOMPARE(js(QStringLiteral("document.documentElement.dataset.inline")).toString(),
                 QStringLiteral("ran"));
    }

    void navigationInsideThePage()
    {
        QVERIFY(open(m_server->url(QStringLiteral("/"))));
        QVERIFY(waitForScript(page(), QStringLiteral("document.documentElement.dataset.ready === "
                                                     "'true'")));
        QCOMPARE(text("view"), QStringLiteral("Home"));
        QVERIFY(click("nav-docs"));
        QVERIFY(waitForScript(page(), QStringLiteral("document.getElementById('view').dataset.path "
                                                     "=== '/docs/getting-started'")));
        QCOMPARE(text("view"), QStringLiteral("Docs: getting-started"));
    }

    void pageReadsKvThroughTheWorkerContract()
    {
        QVERIFY(open(m_server->url(QStringLiteral("/"))));
        QVERIFY(waitForScript(page(), QStringLiteral("document.documentElement.dataset.ready === "
                                                     "'true'")));
        QVERIFY(click("kv-btn"));
        QCOMPARE(waitForOutput("kv-output"), QStringLiteral("done"));
        QCOMPARE(data("kv-output", "status"), QStringLiteral("200"));
        QCOMPARE(text("kv-output"), QStringLiteral("demo-key: Hello from the MY_KV namespace"));
    }

    void pageCallsTheApiContainer()
    {
        QVERIFY(open(m_server->url(QStringLiteral("/"))));
        QVERIFY(waitForScript(page(), QStringLiteral("document.documentElement.dataset.ready === "
                                                     "'true'")));
        QVERIFY(click("api-btn"));
        const QString state = waitForOutput("api-output");
        if (state == QLatin1String("error") && data("api-output", "status") == QLatin1String("503"))
            QSKIP(qPrintable(QStringLiteral("/api answers 503 here: ") + text("api-output")));
        QCOMPARE(state, QStringLiteral("done"));
        QVERIFY2(text("api-output").contains(QStringLiteral("Hello from API 1")),
                 qPrintable(text("api-output")));
    }

    void folderPagesGetTheirSlash()
    {
        QVERIFY(open(m_server->url(QStringLiteral("/docs/guide"))));
        QCOMPARE(js(QStringLiteral("location.pathname")).toString(),
                 QStringLiteral("/docs/guide/"));
        QCOMPARE(text("guide"), QStringLiteral("Guide"));
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
        QVERIFY(open(server.url(QStringLiteral("/no/such/page")), true));
        QVERIFY(waitForScript(page(), QStringLiteral("!!document.getElementById('not-found')")));
        QCOMPARE(m_view->title(), QStringLiteral("Not found"));
        QCOMPARE(text("not-found"), QStringLiteral("This page does not exist"));
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
