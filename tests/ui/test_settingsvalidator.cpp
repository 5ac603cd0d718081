// The Settings rules as a pure function: every field refused with the field to fix and a
// sentence saying how, every good value accepted, and the whole configuration checked as the
// server will load it.
#include "settings/managedconfig.h"
#include "settings/settingsvalidator.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using Field = SettingsProblem::Field;

namespace {

// What a fresh form holds: the defaults everywhere, two container classes.
SettingsInput defaults()
{
    SettingsInput in;
    in.sleepAfter = {{QStringLiteral("GoBackend"), QStringLiteral("10m")},
                     {QStringLiteral("LinuxCommandContainer"), QStringLiteral("30s")}};
    return in;
}

// Sets one field by name; "provider" rows also fill what that provider needs, so only the
// field under test is wrong.
void set(SettingsInput &in, const QString &field, const QString &value)
{
    if (field == QLatin1String("port"))
        in.port = value;
    else if (field == QLatin1String("bind"))
        in.bind = value;
    else if (field == QLatin1String("token"))
        in.token = value;
    else if (field == QLatin1String("dataDir"))
        in.dataDir = value;
    else if (field == QLatin1String("baseUrl"))
        in.baseUrl = value;
    else if (field == QLatin1String("model"))
        in.model = value;
    else if (field == QLatin1String("account"))
        in.account = value;
    else if (field == QLatin1String("secretName"))
        in.secretName = value;
    else if (field == QLatin1String("sleepAfter"))
        in.sleepAfter[0].text = value;
    else
        QFAIL(qPrintable(QStringLiteral("no field %1").arg(field)));
}

} // namespace

class TestSettingsValidator final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_file;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_file = m_dir.filePath(QStringLiteral("not-a-folder"));
        QFile file(m_file);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }

    void defaultsAreValid()
    {
        const SettingsProblem p = validateSettings(defaults());
        QVERIFY2(p.ok(), qPrintable(p.message));
        QVERIFY(p.message.isEmpty());
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("fault");
        QTest::addColumn<QString>("message");
        const auto row = [](const char *name, const char *provider, const char *field,
                            const QString &value, Field fault, const char *message) {
            QTest::newRow(name) << QString::fromLatin1(provider) << QString::fromLatin1(field)
                                << value << int(fault) << QString::fromUtf8(message);
        };
        row("port zero", "", "port", QStringLiteral("0"), Field::Port, "from 1 to 65535");
        row("port too big", "", "port", QStringLiteral("70000"), Field::Port, "from 1 to 65535");
        row("port not a number", "", "port", QStringLiteral("80a"), Field::Port, "whole number");
        row("port negative", "", "port", QStringLiteral("-1"), Field::Port, "not \"-1\"");
        row("bind shorthand", "", "bind", QStringLiteral("1.2.3"), Field::Bind,
            "\"1.2.3\" is not an IP address");
        row("bind host name", "", "bind", QStringLiteral("localhost"), Field::Bind,
            "is not an IP address");
        row("bind octet over 255", "", "bind", QStringLiteral("10.0.0.256"), Field::Bind,
            "is not an IP address");
        row("bind everywhere without token", "", "bind", QStringLiteral("0.0.0.0"), Field::Token,
            "Binding to 0.0.0.0 would let anyone on the network run commands");
        row("bind LAN address without token", "", "bind", QStringLiteral("192.168.1.20"),
            Field::Token, "set an access token first");
        row("short token", "", "token", QStringLiteral("abc"), Field::Token, "at least 16");
        row("token with a space", "", "token", QStringLiteral("0123456789abcdef xyz"), Field::Token,
            "no spaces");
        row("token with a non-ASCII letter", "", "token", QStringLiteral("0123456789abcdefé"),
            Field::Token, "visible ASCII");
        row("relative data folder", "", "dataDir", QStringLiteral("data/here"), Field::DataDir,
            "must be an absolute path");
        row("base URL not http", "openai", "baseUrl", QStringLiteral("ftp://host/v1"),
            Field::BaseUrl, "http:// or https://");
        row("base URL with a query", "openai", "baseUrl", QStringLiteral("http://host/v1?x=1"),
            Field::BaseUrl, "without a query");
        row("base URL with credentials", "openai", "baseUrl",
            QStringLiteral("http://me:pw@host/v1"), Field::BaseUrl, "or credentials");
        row("base URL without a host", "workers-ai", "baseUrl", QStringLiteral("http:///v1"),
            Field::BaseUrl, "name a host");
        row("openai without model", "openai", "model", QString(), Field::Model, "Enter the model");
        row("model with a space", "openai", "model", QStringLiteral("llama 3"), Field::Model,
            "\"llama 3\" is not a valid model name");
        row("model climbing up", "workers-ai", "model", QStringLiteral("@cf/../x"), Field::Model,
            "not a valid model name");
        row("workers without account", "workers-ai", "account", QString(), Field::Account,
            "needs your Cloudflare account id");
        row("account with a slash", "workers-ai", "account", QStringLiteral("a/b"), Field::Account,
            "letters, digits, '_' and '-'");
        row("secret name with spaces", "openai", "secretName", QStringLiteral("no spaces!"),
            Field::SecretName, "");
        row("sleep after in words", "", "sleepAfter", QStringLiteral("soon"), Field::SleepAfter,
            "GoBackend: \"sleep after\" must be a duration such as 30s, 10m or 1h");
        row("sleep after empty", "", "sleepAfter", QString(), Field::SleepAfter,
            "GoBackend: \"sleep after\" must be a duration");
        row("sleep after unknown unit", "", "sleepAfter", QStringLiteral("10q"), Field::SleepAfter,
            "must be a duration");
    }
    void refuses()
    {
        QFETCH(QString, provider);
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(int, fault);
        QFETCH(QString, message);
        SettingsInput in = defaults();
        in.provider = provider;
        in.model = QStringLiteral("m");
        in.account = QStringLiteral("acct");
        in.keyTyped = true;
        set(in, field, value);
        const SettingsProblem p = validateSettings(in);
        QCOMPARE(int(p.field), fault);
        QVERIFY2(!p.message.isEmpty(), "no message");
        QVERIFY2(p.message.contains(message), qPrintable(p.message));
        if (p.field == Field::SleepAfter)
            QCOMPARE(p.className, QStringLiteral("GoBackend"));
    }

    void accepts_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::newRow("port") << QString() << "port" << QStringLiteral(" 8790 ");
        QTest::newRow("highest port") << QString() << "port" << QStringLiteral("65535");
        QTest::newRow("loopback") << QString() << "bind" << QStringLiteral("127.0.0.1");
        QTest::newRow("IPv6 loopback") << QString() << "bind" << QStringLiteral("::1");
        QTest::newRow("strong token")
            << QString() << "token" << QStringLiteral("0123456789abcdef-_~!");
        QTest::newRow("absolute data folder")
            << QString() << "dataDir" << QStringLiteral("/var/tmp/edgedesk-data");
        QTest::newRow("Ollama base URL")
            << "openai"
            << "baseUrl" << QStringLiteral("http://127.0.0.1:11434/v1");
        QTest::newRow("model with a tag") << "openai"
                                          << "model" << QStringLiteral("llama3.2:1b");
        QTest::newRow("Workers AI model")
            << "workers-ai"
            << "model" << QStringLiteral("@cf/meta/llama-3.1-8b-instruct");
        QTest::newRow("Workers AI default model") << "workers-ai"
                                                  << "model" << QString();
        QTest::newRow("secret name") << "openai"
                                     << "secretName" << QStringLiteral("MY_KEY");
        QTest::newRow("sleep after in hours") << QString() << "sleepAfter" << QStringLiteral("1h");
        QTest::newRow("sleep after in seconds")
            << QString() << "sleepAfter" << QStringLiteral("90");
    }
    void accepts()
    {
        QFETCH(QString, provider);
        QFETCH(QString, field);
        QFETCH(QString, value);
        SettingsInput in = defaults();
        in.provider = provider;
        in.model = QStringLiteral("m");
        in.account = QStringLiteral("acct");
        in.keyTyped = true;
        set(in, field, value);
        const SettingsProblem p = validateSettings(in);
        QVERIFY2(p.ok(), qPrintable(p.message));
    }

    void exposedAddressNeedsAToken()
    {
        SettingsInput in = defaults();
        in.bind = QStringLiteral("0.0.0.0");
        in.token = QStringLiteral("0123456789abcdef0123");
        QVERIFY(validateSettings(in).ok());
    }

    void dataFolderMustNotBeAFile()
    {
        SettingsInput in = defaults();
        in.dataDir = m_file;
        const SettingsProblem p = validateSettings(in);
        QCOMPARE(p.field, Field::DataDir);
        QCOMPARE(p.message, QStringLiteral("%1 is a file, not a folder.").arg(m_file));
    }

    void workersAiKeyIsRequiredOnlyWhenKnownMissing_data()
    {
        QTest::addColumn<bool>("typed");
        QTest::addColumn<bool>("stored");
        QTest::addColumn<bool>("serving");
        QTest::addColumn<bool>("refused");
        QTest::newRow("typed") << true << false << true << false;
        QTest::newRow("stored already") << false << true << true << false;
        QTest::newRow("missing") << false << false << true << true;
        QTest::newRow("unknown while stopped") << false << false << false << false;
    }
    void workersAiKeyIsRequiredOnlyWhenKnownMissing()
    {
        QFETCH(bool, typed);
        QFETCH(bool, stored);
        QFETCH(bool, serving);
        QFETCH(bool, refused);
        SettingsInput in = defaults();
        in.provider = QStringLiteral("workers-ai");
        in.account = QStringLiteral("acct");
        in.keyTyped = typed;
        in.keyStored = stored;
        in.serving = serving;
        const SettingsProblem p = validateSettings(in);
        QCOMPARE(p.field, refused ? Field::ApiKey : Field::None);
        if (refused)
            QVERIFY2(p.message.contains(QStringLiteral("stored encrypted as ACCOUNT_API_KEY")),
                     qPrintable(p.message));
    }

    void firstProblemWins()
    {
        SettingsInput in = defaults();
        in.port = QStringLiteral("0");
        in.token = QStringLiteral("short");
        in.sleepAfter[1].text = QStringLiteral("never");
        QCOMPARE(validateSettings(in).field, Field::Port);
        in.port.clear();
        QCOMPARE(validateSettings(in).field, Field::Token);
        in.token.clear();
        const SettingsProblem p = validateSettings(in);
        QCOMPARE(p.field, Field::SleepAfter);
        QCOMPARE(p.className, QStringLiteral("LinuxCommandContainer"));
    }

    void configurationIsCheckedAsTheServerLoadsIt()
    {
        auto config = ManagedConfig::load(QString());
        QVERIFY2(config, config ? "" : qPrintable(config.error().message));
        SettingsInput in = defaults();
        in.patched = &*config;
        QVERIFY(validateSettings(in).ok());

        ManagedConfig broken = *config;
        QJsonObject root = broken.root();
        ManagedConfig::Ai ai;
        ai.provider = QStringLiteral("carrier-pigeon");
        broken.setAi(ai);
        in.patched = &broken;
        const SettingsProblem p = validateSettings(in);
        QCOMPARE(p.field, Field::Configuration);
        QVERIFY2(p.message.startsWith(QStringLiteral("The configuration would not load: ")),
                 qPrintable(p.message));
        QVERIFY2(p.message.contains(QStringLiteral("ai.provider")), qPrintable(p.message));
        QCOMPARE(config->root().value(QStringLiteral("ai")), root.value(QStringLiteral("ai")));
    }

    void keySecretName_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("name");
        QTest::newRow("typed wins") << "workers-ai"
                                    << " MINE "
                                    << "MINE";
        QTest::newRow("Workers AI") << "workers-ai"
                                    << ""
                                    << "ACCOUNT_API_KEY";
        QTest::newRow("OpenAI-compatible") << "openai"
                                           << ""
                                           << "OPENAI_KEY";
    }
    void keySecretName()
    {
        QFETCH(QString, provider);
        QFETCH(QString, typed);
        QFETCH(QString, name);
        QCOMPARE(aiKeySecretName(provider, typed), name);
    }
};

QTEST_MAIN(TestSettingsValidator)
#include "test_settingsvalidator.moc"
