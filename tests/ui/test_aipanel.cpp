// The AI section against a real server whose AI binding talks to a real OpenAI-compatible
// upstream (AiUpstreamServer): provider shown, the answer streaming in token by token with its
// statistics, Stop, a model override, upstream failures before and during the stream, and the
// no-provider case that leads to Settings with the server's explanation folded away.
#include "ai/aipanel.h"
#include "ai/providersetupbanner.h"
#include "aiupstreamserver.h"
#include "sectiontest.h"
#include "widgets/curlbar.h"
#include "widgets/messagebanner.h"
#include "widgets/statusbadge.h"

#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace edgedesk;
using namespace edgedesk::test;

class TestAiPanel final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    AiUpstreamServer m_upstream;
    std::unique_ptr<GuiFixture> m_gui;
    AiPanel *m_panel = nullptr;

    template <typename T> static T *child(QWidget *panel, const char *name)
    {
        T *widget = panel->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no widget %s", name);
        return widget;
    }
    template <typename T> T *child(const char *name) { return child<T>(m_panel, name); }

    void setPrompt(const QString &text)
    {
        auto *prompt = child<QPlainTextEdit>("aiPrompt");
        prompt->setFocus();
        prompt->selectAll();
        QTest::keyClick(prompt, Qt::Key_Backspace);
        QTest::keyClicks(prompt, text);
    }

    bool waitUntilFinished(int timeoutMs = 20000)
    {
        return QTest::qWaitFor([this] { return !m_panel->isRunning(); }, timeoutMs);
    }

    static QJsonObject lastUpstreamBody(const AiUpstreamServer &upstream)
    {
        const auto requests = upstream.requests();
        return requests.isEmpty() ? QJsonObject()
                                  : QJsonDocument::fromJson(requests.last().body).object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        applyPaletteFromEnvironment();
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
        m_gui = std::make_unique<GuiFixture>(options);
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        applyWindowSize(*m_gui);
        m_panel = m_gui->panel<AiPanel>(QStringLiteral("ai"));
        QVERIFY(m_panel);
        QVERIFY(m_gui->show(QStringLiteral("ai")));
        m_gui->window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_gui->window()));
    }
    void cleanupTestCase()
    {
        m_panel = nullptr;
        m_gui.reset();
    }
    void init()
    {
        AiUpstreamServer::Settings settings;
        m_upstream.setSettings(settings);
        m_upstream.clearRecords();
        child<QLineEdit>("aiModel")->clear();
    }

    void providerIsShown()
    {
        QTRY_COMPARE(child<QLabel>("aiProvider")->text(), QStringLiteral("openai · m"));
        QVERIFY(child<QLabel>("aiProvider")->toolTip().contains(m_upstream.openAiBaseUrl()));
        QCOMPARE(child<QLineEdit>("aiModel")->placeholderText(), QStringLiteral("m (configured)"));
        QVERIFY(!child<MessageBanner>("aiError")->isVisible());
        QCOMPARE(child<StatusBadge>("aiStatus")->text(), QStringLiteral("ready"));
    }

    void answerStreamsInTokenByToken()
    {
        m_upstream.setTokenDelayMs(120);
        const QStringList tokens = AiUpstreamServer::defaultTokens();
        setPrompt(QStringLiteral("Where does Hello, World come from?"));
        QTest::mouseClick(child<QPushButton>("aiGenerate"), Qt::LeftButton);
        QVERIFY(m_panel->isRunning());
        QVERIFY(!child<QPushButton>("aiGenerate")->isEnabled());
        QVERIFY(child<QPushButton>("aiStop")->isEnabled());
        // While it streams, part of the answer is already on screen.
        bool sawPartial = false;
        QElapsedTimer timer;
        timer.start();
        while (m_panel->isRunning() && timer.elapsed() < 20000) {
            const int n = m_panel->tokenCount();
            if (n > 0 && n < tokens.size()) {
                sawPartial = true;
                QCOMPARE(child<QPlainTextEdit>("aiOutput")->toPlainText(),
                         tokens.mid(0, n).join(QString()));
                QCOMPARE(child<StatusBadge>("aiStatus")->text(), QStringLiteral("streaming"));
            }
            QTest::qWait(5);
        }
        QVERIFY2(sawPartial, "the answer arrived all at once");
        QCOMPARE(m_panel->state(), AiPanel::State::Done);
        QCOMPARE(m_panel->answer(), m_upstream.answer());
        QCOMPARE(child<QPlainTextEdit>("aiOutput")->toPlainText(), m_upstream.answer());
        QCOMPARE(m_panel->tokenCount(), tokens.size());
        QCOMPARE(child<QLabel>("aiTokens")->text(), QString::number(tokens.size()));
        QVERIFY(child<QLabel>("aiRate")->text().endsWith(QStringLiteral(" tokens/s")));
        QVERIFY(child<QLabel>("aiFirstToken")->text() != QStringLiteral("—"));
        QVERIFY(child<QLabel>("aiElapsed")->text() != QStringLiteral("—"));
        QCOMPARE(child<StatusBadge>("aiStatus")->text(), QStringLiteral("done"));

        const QJsonObject sent = lastUpstreamBody(m_upstream);
        QCOMPARE(sent.value(QStringLiteral("model")).toString(), QStringLiteral("m"));
        QCOMPARE(sent.value(QStringLiteral("stream")).toBool(), true);
        const QJsonArray messages = sent.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.last().toObject().value(QStringLiteral("content")).toString(),
                 QStringLiteral("Where does Hello, World come from?"));
        QVERIFY(!m_gui->screenshot(screenshotName(QStringLiteral("ai-panel"))).isEmpty());
    }

    void stopCancelsTheAnswer()
    {
        m_upstream.setTokenDelayMs(300);
        setPrompt(QStringLiteral("Take your time"));
        QTest::keyClick(child<QPlainTextEdit>("aiPrompt"), Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(m_panel->state(), AiPanel::State::Streaming, 10000);
        QTest::keyClick(child<QPlainTextEdit>("aiPrompt"), Qt::Key_Escape);
        QCOMPARE(m_panel->state(), AiPanel::State::Stopped);
        const QString partial = m_panel->answer();
        QVERIFY(!partial.isEmpty());
        QVERIFY(partial.size() < m_upstream.answer().size());
        QVERIFY(m_upstream.answer().startsWith(partial));
        QCOMPARE(child<StatusBadge>("aiStatus")->text(), QStringLiteral("stopped"));
        QVERIFY(child<QPushButton>("aiGenerate")->isEnabled());
        // The router noticed the closed connection and cancelled the upstream call.
        QTRY_VERIFY_WITH_TIMEOUT(m_upstream.clientDisconnects() >= 1, 10000);
        QVERIFY(deliverPostedEvents());       // what the reply had already queued
        QCOMPARE(m_panel->answer(), partial); // nothing more arrives
    }

    void modelOverrideIsSent()
    {
        QTest::keyClicks(child<QLineEdit>("aiModel"), QStringLiteral("other-model"));
        setPrompt(QStringLiteral("Hi"));
        // "Copy as curl" sends the same body.
        QVERIFY(child<CurlBar>("aiCurl")->command().contains(QString::fromUtf8(
            AiPanel::requestBody(QStringLiteral("Hi"), QStringLiteral("other-model")))));
        QVERIFY(child<CurlBar>("aiCurl")->command().startsWith(QStringLiteral("curl -sN ")));
        QTest::mouseClick(child<QPushButton>("aiGenerate"), Qt::LeftButton);
        QVERIFY(waitUntilFinished());
        QCOMPARE(m_panel->state(), AiPanel::State::Done);
        QCOMPARE(lastUpstreamBody(m_upstream).value(QStringLiteral("model")).toString(),
                 QStringLiteral("other-model"));
    }

    void upstreamFailureShowsTheServersMessage()
    {
        m_upstream.setScenario(AiUpstreamServer::Scenario::ServerError);
        const QByteArray body = AiPanel::requestBody(QStringLiteral("Hi"), QString());
        const HttpReply direct = request(m_gui->port(), "POST", "/ai",
                                         {{"Content-Type", "application/json"}}, body, 30000);
        QVERIFY(direct.status >= 400);
        const QString message = direct.json()
                                    .value(QStringLiteral("error"))
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toString();
        QVERIFY(!message.isEmpty());

        setPrompt(QStringLiteral("Hi"));
        QTest::mouseClick(child<QPushButton>("aiGenerate"), Qt::LeftButton);
        QVERIFY(waitUntilFinished(30000));
        QCOMPARE(m_panel->state(), AiPanel::State::Failed);
        auto *banner = child<MessageBanner>("aiError");
        QVERIFY(banner->isVisible());
        QCOMPARE(banner->message(), QStringLiteral("%1 — %2").arg(direct.status).arg(message));
        QVERIFY(child<StatusBadge>("aiStatus")->text().startsWith(QString::number(direct.status)));
        QVERIFY(child<QPlainTextEdit>("aiOutput")->toPlainText().isEmpty());
    }

    void brokenStreamKeepsWhatArrivedAndSaysSo()
    {
        AiUpstreamServer::Settings settings;
        settings.scenario = AiUpstreamServer::Scenario::Drop;
        settings.dropAfterTokens = 2;
        m_upstream.setSettings(settings);
        setPrompt(QStringLiteral("Hi"));
        QTest::mouseClick(child<QPushButton>("aiGenerate"), Qt::LeftButton);
        QVERIFY(waitUntilFinished(30000));
        QCOMPARE(m_panel->state(), AiPanel::State::Failed);
        QCOMPARE(m_panel->answer(), AiUpstreamServer::defaultTokens().mid(0, 2).join(QString()));
        QVERIFY(!child<MessageBanner>("aiError")->message().isEmpty());
    }

    void withoutAProviderItLeadsToSettings()
    {
        GuiFixture bare(sectionServerOptions());
        QVERIFY2(bare.start(), qPrintable(bare.lastError()));
        auto *panel = bare.panel<AiPanel>(QStringLiteral("ai"));
        QVERIFY(panel);
        QVERIFY(bare.show(QStringLiteral("ai")));
        // Read when the server started or when the section was shown, whichever came last.
        QTRY_VERIFY_WITH_TIMEOUT(!panel->providerConfig().isEmpty(), 10000);
        QCOMPARE(child<QLabel>(panel, "aiProvider")->text(),
                 QStringLiteral("no provider configured"));
        auto *setup = child<ProviderSetupBanner>(panel, "aiSetupBanner");
        QVERIFY(setup->isVisible());
        auto *button = child<QPushButton>(panel, "aiSetupProvider");
        QCOMPARE(button->text(), QStringLiteral("Set up a provider"));
        QVERIFY(button->isVisible());
        QVERIFY(!child<MessageBanner>(panel, "aiError")->isVisible());

        const HttpReply direct = request(bare.port(), "GET", "/ai?prompt=Hi");
        QCOMPARE(direct.status, 503);
        const QString message = direct.json()
                                    .value(QStringLiteral("error"))
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toString();
        QTest::mouseClick(child<QPushButton>(panel, "aiGenerate"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(panel->state(), AiPanel::State::Failed, 20000);
        QCOMPARE(child<StatusBadge>(panel, "aiStatus")->text(),
                 QStringLiteral("503 Service Unavailable"));
        // The server's paragraph (with its JSON snippet) is there, folded away.
        QVERIFY(setup->isVisible());
        QVERIFY(!child<MessageBanner>(panel, "aiError")->isVisible());
        QCOMPARE(setup->details(), message);
        auto *snippet = child<QPlainTextEdit>(panel, "aiSetupSnippet");
        QVERIFY(!snippet->isVisible());
        auto *details = child<QToolButton>(panel, "aiSetupDetails");
        QVERIFY(details->isVisible());
        QTest::mouseClick(details, Qt::LeftButton);
        QTRY_VERIFY(snippet->isVisible());
        QCOMPARE(snippet->toPlainText(), message);
        QTest::mouseClick(details, Qt::LeftButton);
        QTRY_VERIFY(!snippet->isVisible());
        QVERIFY(!bare.screenshot(screenshotName(QStringLiteral("ai-panel-no-provider"))).isEmpty());

        QSignalSpy section(panel, &Panel::showSection);
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(section.count(), 1);
        QCOMPARE(section.first().first().toString(), QStringLiteral("settings"));
        if (bare.window()->panel(QStringLiteral("settings")))
            QCOMPARE(bare.window()->currentSection(), QStringLiteral("settings"));
    }

    void inputsSurviveARestart()
    {
        setPrompt(QStringLiteral("Remember me"));
        QTest::keyClicks(child<QLineEdit>("aiModel"), QStringLiteral("llama3.2"));
        m_panel->saveState();
        AiPanel restored(m_panel->context(), nullptr);
        QCOMPARE(restored.findChild<QPlainTextEdit *>(QStringLiteral("aiPrompt"))->toPlainText(),
                 QStringLiteral("Remember me"));
        QCOMPARE(restored.findChild<QLineEdit *>(QStringLiteral("aiModel"))->text(),
                 QStringLiteral("llama3.2"));
    }
};

QTEST_MAIN(TestAiPanel)
#include "test_aipanel.moc"
