// The demo page at "/" in Qt WebEngine over a real server: API (status and instance), Image
// (dimensions of the decoded image), AI (text streamed from a real OpenAI-compatible upstream),
// Linux command (echo hi), and no horizontal scrolling at 400 px. The page's ids and its
// data-state protocol are documented at the top of resources/dist/app.js.
#include "aiupstreamserver.h"
#include "sectiontest.h"
#include "webscript.h"

#include <QApplication>
#include <QDir>
#include <QImageReader>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineView>

using namespace edgedesk;
using namespace edgedesk::test;

class TestWebFrontend final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    AiUpstreamServer m_upstream;
    std::unique_ptr<TestServer> m_server;
    QWebEngineProfile *m_profile = nullptr;
    QWebEngineView *m_view = nullptr;

    QWebEnginePage *page() const { return m_view->page(); }
    QVariant js(const QString &script) { return runScript(page(), script); }
    static QString quoted(const QString &text)
    {
        QString q = text;
        q.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        q.replace(QLatin1Char('\''), QStringLiteral("\\'"));
        q.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
        return QLatin1Char('\'') + q + QLatin1Char('\'');
    }
    QString text(const QString &id)
    {
        return js(QStringLiteral("document.getElementById(%1).textContent").arg(quoted(id)))
            .toString();
    }
    QString data(const QString &id, const QString &key)
    {
        return js(QStringLiteral("document.getElementById(%1).dataset[%2] ?? ''")
                      .arg(quoted(id), quoted(key)))
            .toString();
    }
    void setValue(const QString &id, const QString &value)
    {
        QVERIFY(js(QStringLiteral("(() => { const e = document.getElementById(%1); e.value = %2; "
                                  "e.dispatchEvent(new Event('input', {bubbles: true})); "
                                  "e.dispatchEvent(new Event('change', {bubbles: true})); "
                                  "return e.value; })()")
                       .arg(quoted(id), quoted(value)))
                    .toString() == value);
    }
    void click(const QString &id)
    {
        QVERIFY(js(QStringLiteral("(() => { const e = document.getElementById(%1); "
                                  "e.scrollIntoView(); e.click(); return true; })()")
                       .arg(quoted(id)))
                    .toBool());
    }
    // Waits until a result container is "done" or "error" and returns which.
    QString waitForResult(const QString &id, int timeoutMs = 30000)
    {
        waitForScript(page(),
                      QStringLiteral("['done','error'].includes(document.getElementById(%1)"
                                     ".dataset.state)")
                          .arg(quoted(id)),
                      timeoutMs);
        return data(id, QStringLiteral("state"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_upstream.listen());
        ServerOptions options = sectionServerOptions();
        options.configPath =
            writeConfigWithAi(m_dir.filePath(QStringLiteral("wrangler.jsonc")),
                              QJsonObject{{QStringLiteral("binding"), QStringLiteral("AI")},
                                          {QStringLiteral("provider"), QStringLiteral("openai")},
                                          {QStringLiteral("base_url"), m_upstream.openAiBaseUrl()},
                                          {QStringLiteral("model"), QStringLiteral("m")}});
        QVERIFY(!options.configPath.isEmpty());
        m_server = std::make_unique<TestServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));

        m_profile = new QWebEngineProfile(this); // off the record: no cache between runs
        m_view = new QWebEngineView;
        m_view->setPage(new QWebEnginePage(m_profile, m_view));
        m_view->resize(1280, 900);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view));
        QSignalSpy loaded(m_view, &QWebEngineView::loadFinished);
        m_view->setUrl(m_server->url(QStringLiteral("/")));
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loaded.first().first().toBool(), true);
        QVERIFY(waitForScript(page(), QStringLiteral("document.documentElement.dataset.ready "
                                                     "=== 'true'")));
        QCOMPARE(m_view->title(), QStringLiteral("EdgeDesk"));
    }
    void cleanupTestCase()
    {
        delete m_view; // before its profile
        m_view = nullptr;
        m_server.reset();
    }

    void apiSectionShowsStatusAndInstance()
    {
        click(QStringLiteral("api-api1-btn"));
        const QString state = waitForResult(QStringLiteral("api-result"));
        const QString status = data(QStringLiteral("api-result-status"), QStringLiteral("status"));
        if (state == QLatin1String("error") && status == QLatin1String("503"))
            QSKIP(qPrintable(QStringLiteral("/api answers 503 here: ") +
                             text(QStringLiteral("api-result-error"))));
        QCOMPARE(state, QStringLiteral("done"));
        QCOMPARE(status, QStringLiteral("200"));
        QCOMPARE(text(QStringLiteral("api-result-status")), QStringLiteral("200 OK"));
        const QString instance =
            data(QStringLiteral("api-result-instance"), QStringLiteral("instance"));
        QVERIFY2(instance.startsWith(QStringLiteral("instance-")), qPrintable(instance));
        QCOMPARE(text(QStringLiteral("api-result-instance")), instance);
        QVERIFY(
            text(QStringLiteral("api-result-body")).contains(QStringLiteral("Hello from API 1")));
    }

    void imageSectionShowsTheDecodedDimensions()
    {
        setValue(QStringLiteral("image-width"), QStringLiteral("300"));
        setValue(QStringLiteral("image-height"), QStringLiteral("200"));
        setValue(QStringLiteral("image-fit"), QStringLiteral("cover"));
        setValue(QStringLiteral("image-format"), QStringLiteral("png"));
        click(QStringLiteral("image-load-btn"));
        QCOMPARE(waitForResult(QStringLiteral("image-result")), QStringLiteral("done"));
        QCOMPARE(data(QStringLiteral("image-result-dims"), QStringLiteral("width")),
                 QStringLiteral("300"));
        QCOMPARE(data(QStringLiteral("image-result-dims"), QStringLiteral("height")),
                 QStringLiteral("200"));
        QCOMPARE(
            js(QStringLiteral("document.getElementById('image-result-img').naturalWidth")).toInt(),
            300);
        QCOMPARE(text(QStringLiteral("image-result-type")), QStringLiteral("image/png"));
        // The original's dimensions, as the server reports them, are the sample's.
        const QSize pristine =
            QImageReader(sourceDir() + QStringLiteral("/resources/sample/pristine.jpg")).size();
        QVERIFY(waitForScript(page(), QStringLiteral("document.getElementById('image-original')"
                                                     ".dataset.state === 'done'")));
        QCOMPARE(text(QStringLiteral("image-original-dims")),
                 QStringLiteral("%1×%2").arg(pristine.width()).arg(pristine.height()));
    }

    void aiSectionStreamsTheAnswer()
    {
        m_upstream.setTokenDelayMs(20);
        setValue(QStringLiteral("ai-prompt"), QStringLiteral("Say hello"));
        click(QStringLiteral("ai-generate-btn"));
        QCOMPARE(waitForResult(QStringLiteral("ai-result")), QStringLiteral("done"));
        QCOMPARE(text(QStringLiteral("ai-output")), m_upstream.answer());
        QCOMPARE(data(QStringLiteral("ai-result-tokens"), QStringLiteral("tokens")),
                 QString::number(AiUpstreamServer::defaultTokens().size()));
        const auto requests = m_upstream.requests();
        QVERIFY(!requests.isEmpty());
        QVERIFY(requests.last().body.contains("Say hello"));
    }

    void commandSectionRunsEcho()
    {
        setValue(QStringLiteral("cmd-input"), QStringLiteral("echo hi"));
        click(QStringLiteral("cmd-run-btn"));
        const QString state = waitForResult(QStringLiteral("cmd-result"), 40000);
        const QString status = data(QStringLiteral("cmd-result-status"), QStringLiteral("status"));
        if (state == QLatin1String("error") && status == QLatin1String("503"))
            QSKIP(qPrintable(QStringLiteral("/run answers 503 here: ") +
                             text(QStringLiteral("cmd-result-error"))));
        QCOMPARE(state, QStringLiteral("done"));
        QCOMPARE(text(QStringLiteral("cmd-output")).trimmed(), QStringLiteral("hi"));
        QCOMPARE(data(QStringLiteral("cmd-exit-code"), QStringLiteral("exitCode")),
                 QStringLiteral("0"));
    }

    void noHorizontalScrollAt400Pixels()
    {
        m_view->resize(400, 800);
        QVERIFY(waitForScript(page(), QStringLiteral("window.innerWidth <= 400")));
        // The layout follows the resize: wait until it fits (the values below say by how much
        // it does not when it never does).
        const bool fits = waitForScript(
            page(), QStringLiteral("document.documentElement.scrollWidth <= window.innerWidth"),
            10000);
        const int inner = js(QStringLiteral("window.innerWidth")).toInt();
        const int scroll = js(QStringLiteral("document.documentElement.scrollWidth")).toInt();
        QVERIFY2(
            fits && scroll <= inner,
            qPrintable(QStringLiteral("scrollWidth %1 > innerWidth %2").arg(scroll).arg(inner)));
        const QString dir = qEnvironmentVariable("EDGEDESK_SCREENSHOT_DIR");
        if (!dir.isEmpty() && QDir().mkpath(dir))
            QVERIFY(
                m_view->grab().save(QDir(dir).filePath(QStringLiteral("web-frontend-400.png"))));
        const int body = js(QStringLiteral("document.body.scrollWidth")).toInt();
        QVERIFY2(body <= inner,
                 qPrintable(QStringLiteral("body scrollWidth %1 > %2").arg(body).arg(inner)));
    }
};

int main(int argc, char **argv)
{
    // Qt WebEngine shares OpenGL contexts with the widgets; this must be set before the
    // application object exists.
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    TestWebFrontend test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_webfrontend.moc"
