// Settings: every input validated with a clear message before anything is applied; Apply
// stores the API key in the secrets store, writes <data>/edgedesk.jsonc (AI block, sleep_after,
// command network), points the settings at it and restarts the server, which then serves that
// configuration; the tray option and the theme are saved (and the theme applied) at once; the
// token's Show toggle rests while the field is empty.
#include "config/edgeconfig.h"
#include "opsguihelpers.h"
#include "settings/settingspanel.h"
#include "settings/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QToolButton>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

void setText(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    if (!text.isEmpty())
        QTest::keyClicks(edit, text);
}

} // namespace

class TestSettingsPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    SettingsPanel *m_panel = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        m_panel = m_gui->panel<SettingsPanel>(QStringLiteral("settings"));
        QVERIFY(m_panel);
        QVERIFY(m_gui->show(QStringLiteral("settings")));
        m_gui->window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_gui->window()));
    }
    void cleanupTestCase() { m_gui.reset(); }
    void init()
    {
        m_panel->revert();
        // Rebuilt rows are shown by their layout on the next pass of the event loop.
        QCoreApplication::processEvents();
    }

    void showsWhereTheDataLives()
    {
        QTRY_VERIFY(
            child<QLabel>(m_panel, "settingsDataDirHint")->text().contains(m_gui->dataDir()));
        QVERIFY(child<QPushButton>(m_panel, "settingsOpenDataDir")->isEnabled());
        QCOMPARE(m_panel->managedConfigPath(),
                 m_gui->dataDir() + QStringLiteral("/edgedesk.jsonc"));
        QVERIFY(child<QLabel>(m_panel, "settingsConfigHint")
                    ->text()
                    .contains(QStringLiteral("built-in default")));
        QTRY_VERIFY(
            child<QLabel>(m_panel, "settingsAiHint")->text().contains(QStringLiteral("none")));
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::addRow("port zero") << "settingsPort"
                                   << ""
                                   << "0"
                                   << "from 1 to 65535";
        QTest::addRow("port too big") << "settingsPort"
                                      << ""
                                      << "70000"
                                      << "from 1 to 65535";
        QTest::addRow("port not a number") << "settingsPort"
                                           << ""
                                           << "80a"
                                           << "whole number";
        QTest::addRow("bind not an address") << "settingsBind"
                                             << ""
                                             << "1.2.3"
                                             << "is not an IP address";
        QTest::addRow("bind a host name") << "settingsBind"
                                          << ""
                                          << "localhost"
                                          << "is not an IP address";
        QTest::addRow("bind everywhere without token") << "settingsBind"
                                                       << ""
                                                       << "0.0.0.0"
                                                       << "set an access token first";
        QTest::addRow("short token") << "settingsToken"
                                     << ""
                                     << "abc"
                                     << "at least 16";
        QTest::addRow("token with a space") << "settingsToken"
                                            << ""
                                            << "0123456789abcdef xyz"
                                            << "no spaces";
        QTest::addRow("relative data folder") << "settingsDataDir"
                                              << ""
                                              << "data/here"
                                              << "absolute path";
        QTest::addRow("base URL not http") << "settingsAiBaseUrl"
                                           << "openai"
                                           << "ftp://host/v1"
                                           << "http:// or https://";
        QTest::addRow("base URL with a query") << "settingsAiBaseUrl"
                                               << "openai"
                                               << "http://host/v1?x=1"
                                               << "without a query";
        QTest::addRow("openai without model") << "settingsAiModel"
                                              << "openai"
                                              << ""
                                              << "Enter the model";
        QTest::addRow("bad model name") << "settingsAiModel"
                                        << "openai"
                                        << "llama 3"
                                        << "not a valid model name";
        QTest::addRow("workers without account") << "settingsAiAccount"
                                                 << "workers-ai"
                                                 << ""
                                                 << "account id";
        QTest::addRow("bad account id") << "settingsAiAccount"
                                        << "workers-ai"
                                        << "a/b"
                                        << "letters, digits";
        QTest::addRow("bad secret name") << "settingsAiSecretName"
                                         << "openai"
                                         << "no spaces!"
                                         << "";
        QTest::addRow("sleep after words") << "settingsSleepAfter_GoBackend"
                                           << ""
                                           << "soon"
                                           << "GoBackend: \"sleep after\" must be a duration";
        QTest::addRow("sleep after empty") << "settingsSleepAfter_LinuxCommandContainer"
                                           << ""
                                           << ""
                                           << "must be a duration";
    }
    void rejectsBadInput()
    {
        QFETCH(QString, field);
        QFETCH(QString, provider);
        QFETCH(QString, value);
        QFETCH(QString, message);
        if (!provider.isEmpty()) {
            auto *combo = child<QComboBox>(m_panel, "settingsAiProvider");
            combo->setCurrentIndex(combo->findData(provider));
            setText(child<QLineEdit>(m_panel, "settingsAiModel"), QStringLiteral("m"));
            setText(child<QLineEdit>(m_panel, "settingsAiAccount"), QStringLiteral("acct"));
            setText(child<QLineEdit>(m_panel, "settingsAiKey"), QStringLiteral("k"));
        }
        auto *edit = m_panel->findChild<QLineEdit *>(field);
        QVERIFY2(edit, qPrintable(field));
        setText(edit, value);
        const QString before = QFile::exists(m_panel->managedConfigPath())
                                   ? QStringLiteral("exists")
                                   : QStringLiteral("absent");
        click(child<QPushButton>(m_panel, "settingsApply"));
        const QString shown = m_panel->messageLabel()->text();
        QVERIFY2(!shown.isEmpty(), "no message");
        QVERIFY2(shown.contains(message), qPrintable(shown));
        QVERIFY(m_panel->messageLabel()->property("error").toBool());
        // The field to fix is marked and focused (for an exposed address: the token).
        QLineEdit *marked =
            value == QLatin1String("0.0.0.0") ? child<QLineEdit>(m_panel, "settingsToken") : edit;
        QVERIFY(marked->property("invalid").toBool());
        QVERIFY(marked->hasFocus());
        QVERIFY(!m_panel->isApplying());
        QCOMPARE(m_gui->settings().port(), 0);
        QCOMPARE(QFile::exists(m_panel->managedConfigPath()) ? QStringLiteral("exists")
                                                             : QStringLiteral("absent"),
                 before);
        // Editing again clears the mark.
        if (marked->text().isEmpty())
            QTest::keyClicks(marked, QStringLiteral("1"));
        else
            QTest::keyClick(marked, Qt::Key_Backspace);
        QVERIFY(!marked->property("invalid").toBool());
    }

    void acceptsGoodServerInput()
    {
        setText(child<QLineEdit>(m_panel, "settingsPort"), QStringLiteral("8790"));
        setText(child<QLineEdit>(m_panel, "settingsBind"), QStringLiteral("0.0.0.0"));
        click(child<QPushButton>(m_panel, "settingsGenerateToken"));
        const QString token = child<QLineEdit>(m_panel, "settingsToken")->text();
        QCOMPARE(token.size(), 32);
        QCOMPARE(child<QLineEdit>(m_panel, "settingsToken")->echoMode(), QLineEdit::Normal);
        QCOMPARE(m_panel->validate(), QString());
        QVERIFY(child<QLabel>(m_panel, "settingsServerHint")
                    ->text()
                    .contains(QStringLiteral("need the token")));
    }

    void nothingToApply()
    {
        click(child<QPushButton>(m_panel, "settingsApply"));
        QVERIFY(m_panel->messageLabel()->text().contains(QStringLiteral("Nothing to apply")));
        QVERIFY(!m_panel->isApplying());
    }

    void tokenToggleRestsWhileTheFieldIsEmpty()
    {
        auto *token = child<QLineEdit>(m_panel, "settingsToken");
        auto *show = child<QToolButton>(m_panel, "settingsShowToken");
        setText(token, QString());
        QVERIFY(!show->isEnabled());
        QVERIFY(!show->isChecked());
        QCOMPARE(show->text(), QStringLiteral("Show"));
        QTest::keyClicks(token, QStringLiteral("abc"));
        QVERIFY(show->isEnabled());
        click(show);
        QVERIFY(show->isChecked());
        QCOMPARE(show->text(), QStringLiteral("Hide"));
        QCOMPARE(token->echoMode(), QLineEdit::Normal);
        // Emptied while shown: the toggle is released and the field hides again.
        setText(token, QString());
        QVERIFY(!show->isChecked());
        QVERIFY(!show->isEnabled());
        QCOMPARE(show->text(), QStringLiteral("Show"));
        QCOMPARE(token->echoMode(), QLineEdit::Password);
    }

    void themeIsSavedAndAppliedAtOnce()
    {
        auto *theme = child<QComboBox>(m_panel, "settingsTheme");
        QCOMPARE(theme->currentData().toString(), QStringLiteral("system"));
        theme->setFocus();
        QTest::keyClick(theme, Qt::Key_Down); // Light
        QCOMPARE(m_gui->settings().theme(), QStringLiteral("light"));
        QCOMPARE(Theme::current(), Theme::Mode::Light);
        QCOMPARE(QApplication::palette().color(QPalette::Window),
                 Theme::lightPalette().color(QPalette::Window));
        QTest::keyClick(theme, Qt::Key_Up); // back to System
        QCOMPARE(m_gui->settings().theme(), QStringLiteral("system"));
        QCOMPARE(Theme::current(), Theme::Mode::System);
        // The next window starts with the saved choice.
        m_panel->revert();
        QCOMPARE(theme->currentData().toString(), QStringLiteral("system"));
    }

    void trayOptionIsSavedAtOnce()
    {
        auto *tray = child<QCheckBox>(m_panel, "settingsTray");
        QVERIFY(!m_gui->settings().keepServingInTray());
        click(tray);
        QVERIFY(m_gui->settings().keepServingInTray());
        click(tray);
        QVERIFY(!m_gui->settings().keepServingInTray());
    }

    void appliesProviderKeyAndContainers()
    {
        auto *combo = child<QComboBox>(m_panel, "settingsAiProvider");
        combo->setFocus();
        QTest::keyClick(combo, Qt::Key_Down); // None -> OpenAI-compatible
        QCOMPARE(combo->currentData().toString(), QStringLiteral("openai"));
        QVERIFY(child<QLineEdit>(m_panel, "settingsAiBaseUrl")->isVisible());
        QVERIFY(!child<QLineEdit>(m_panel, "settingsAiAccount")->isVisible());
        setText(child<QLineEdit>(m_panel, "settingsAiBaseUrl"),
                QStringLiteral("http://127.0.0.1:9/v1"));
        setText(child<QLineEdit>(m_panel, "settingsAiModel"), QStringLiteral("tiny-model"));
        setText(child<QLineEdit>(m_panel, "settingsAiKey"), QStringLiteral("sk-settings-test"));
        setText(child<QLineEdit>(m_panel, "settingsSleepAfter_GoBackend"), QStringLiteral("30s"));
        auto *network = child<QComboBox>(m_panel, "settingsNetwork_LinuxCommandContainer");
        QVERIFY(network);
        network->setFocus();
        QTest::keyClick(network, Qt::Key_Down);
        QCOMPARE(network->currentData().toString(), QStringLiteral("host"));

        QSignalSpy serving(&m_gui->host(), &ServerHost::serving);
        QTest::keyClick(m_panel, Qt::Key_S, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(!serving.isEmpty(), 20000);
        QTRY_VERIFY(!m_panel->isApplying());
        QVERIFY2(m_panel->messageLabel()->text().startsWith(QStringLiteral("Applied")),
                 qPrintable(m_panel->messageLabel()->text()));
        QVERIFY(m_panel->messageLabel()->text().contains(
            m_gui->host().displayUrl()));

        // The managed file, and the settings pointing at it.
        const QString path = m_gui->settings().configPath();
        QCOMPARE(
            QFileInfo(path).canonicalFilePath(),
            QFileInfo(m_gui->dataDir() + QStringLiteral("/edgedesk.jsonc")).canonicalFilePath());
        auto loaded = ConfigLoader::load(path);
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error().message));
        QCOMPARE(loaded->ai.value(QStringLiteral("provider")).toString(), QStringLiteral("openai"));
        QCOMPARE(loaded->ai.value(QStringLiteral("base_url")).toString(),
                 QStringLiteral("http://127.0.0.1:9/v1"));
        QCOMPARE(loaded->ai.value(QStringLiteral("model")).toString(),
                 QStringLiteral("tiny-model"));
        QCOMPARE(loaded->ai.value(QStringLiteral("api_key_secret")).toString(),
                 QStringLiteral("OPENAI_KEY"));
        QCOMPARE(loaded->containers.at(0).sleepAfterMs, qint64(30000));
        QCOMPARE(loaded->containers.at(1).commandNetwork, QStringLiteral("host"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("sk-settings-test")); // the key is never in the file

        // The restarted server serves that configuration and has the key.
        const HttpReply config = httpGet(*m_gui, "/__edgedesk/v1/config");
        QCOMPARE(config.status, 200);
        const QJsonObject json = config.json();
        QCOMPARE(json.value(QStringLiteral("source")).toString(), path);
        QCOMPARE(json.value(QStringLiteral("ai"))
                     .toObject()
                     .value(QStringLiteral("provider"))
                     .toString(),
                 QStringLiteral("openai"));
        const QJsonArray containers = json.value(QStringLiteral("containers")).toArray();
        QCOMPARE(containers.at(0).toObject().value(QStringLiteral("sleep_after_ms")).toDouble(),
                 30000.0);
        QCOMPARE(containers.at(1).toObject().value(QStringLiteral("command_network")).toString(),
                 QStringLiteral("host"));
        const HttpReply secrets = httpGet(*m_gui, "/__edgedesk/v1/secrets");
        QCOMPARE(secrets.status, 200);
        QVERIFY(secrets.body.contains("\"OPENAI_KEY\""));
        QVERIFY(!secrets.body.contains("sk-settings-test"));

        // The form now shows what is in effect, and the key field is empty again.
        QCOMPARE(child<QLineEdit>(m_panel, "settingsAiModel")->text(),
                 QStringLiteral("tiny-model"));
        QVERIFY(child<QLineEdit>(m_panel, "settingsAiKey")->text().isEmpty());
        QTRY_VERIFY(child<QLineEdit>(m_panel, "settingsAiKey")
                        ->placeholderText()
                        .contains(QStringLiteral("OPENAI_KEY is stored")));
        QTRY_VERIFY(child<QLabel>(m_panel, "settingsAiHint")
                        ->text()
                        .contains(QStringLiteral("tiny-model")));
        QCOMPARE(child<QLabel>(m_panel, "settingsConfigHint")->text().contains(path), true);
        m_gui->screenshot(QStringLiteral("settings"));
    }

    void backToNoProvider()
    {
        auto *combo = child<QComboBox>(m_panel, "settingsAiProvider");
        combo->setCurrentIndex(combo->findData(QString()));
        QVERIFY(!child<QLineEdit>(m_panel, "settingsAiModel")->isVisible());
        QSignalSpy serving(&m_gui->host(), &ServerHost::serving);
        click(child<QPushButton>(m_panel, "settingsApply"));
        QTRY_VERIFY_WITH_TIMEOUT(!serving.isEmpty(), 20000);
        QTRY_VERIFY(!m_panel->isApplying());
        auto loaded = ConfigLoader::load(m_gui->settings().configPath());
        QVERIFY(loaded);
        QCOMPARE(loaded->ai, (QJsonObject{{QStringLiteral("binding"), QStringLiteral("AI")}}));
        QCOMPARE(loaded->containers.at(0).sleepAfterMs, qint64(30000)); // kept
        QCOMPARE(httpGet(*m_gui, "/ai?prompt=x").status, 503);
    }
};

QTEST_MAIN(TestSettingsPanel)
#include "test_settingspanel.moc"
