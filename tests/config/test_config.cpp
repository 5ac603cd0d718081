// wrangler.jsonc parsing: comments, trailing commas, errors with line and column, the built-in
// default, warnings for unsupported keys, the `assets` block and paths resolved against the
// configuration's folder.
#include "config/edgeconfig.h"
#include "config/jsonc.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;

class TestConfig final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsoncAccepted_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expectedName");
        QTest::addRow("plain") << QByteArray("{\"name\":\"a\"}") << QStringLiteral("a");
        QTest::addRow("line comment")
            << QByteArray("// top\n{\"name\":\"b\" // why\n}") << QStringLiteral("b");
        QTest::addRow("block comment")
            << QByteArray("{/* c */\"name\":/* d */\"c\"}") << QStringLiteral("c");
        QTest::addRow("trailing comma in object")
            << QByteArray("{\"name\":\"d\",}") << QStringLiteral("d");
        QTest::addRow("trailing comma in array")
            << QByteArray("{\"x\":[1,2,],\"name\":\"e\"}") << QStringLiteral("e");
        QTest::addRow("trailing comma then comment")
            << QByteArray("{\"name\":\"f\", // last\n}") << QStringLiteral("f");
        QTest::addRow("slashes inside strings") << QByteArray("{\"name\":\"http://x/"
                                                              "*y*"
                                                              "/\"}")
                                                << QStringLiteral("http://x/"
                                                                  "*y*"
                                                                  "/");
        QTest::addRow("comma inside string")
            << QByteArray("{\"name\":\"a,}\"}") << QStringLiteral("a,}");
        QTest::addRow("escaped quote")
            << QByteArray("{\"name\":\"q\\\"x\"}") << QStringLiteral("q\"x");
    }
    void jsoncAccepted()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expectedName);
        const auto doc = Jsonc::parse(text);
        QVERIFY2(doc.ok(), doc.ok() ? "" : qPrintable(doc.error().message));
        QCOMPARE(doc->object().value(QStringLiteral("name")).toString(), expectedName);
    }

    void jsoncErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("position");
        QTest::addRow("missing value")
            << QByteArray("{\n  \"name\": ,\n}") << QStringLiteral("line 2, column");
        QTest::addRow("missing comma on line 3")
            << QByteArray("{\n \"a\": 1\n \"b\": 2\n}") << QStringLiteral("line 3, column");
        QTest::addRow("unterminated comment")
            << QByteArray("{\n\n /* open") << QStringLiteral("line 3, column 2");
        QTest::addRow("not an object") << QByteArray("[1]") << QStringLiteral("line 1, column 1");
        QTest::addRow("unterminated string")
            << QByteArray("{\"a\": \"x}") << QStringLiteral("line 1, column");
    }
    void jsoncErrors()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, position);
        const auto doc = Jsonc::parse(text);
        QVERIFY(!doc.ok());
        QVERIFY2(doc.error().message.startsWith(position), qPrintable(doc.error().message));
    }

    void builtinDefaultReproducesTheDemo()
    {
        const auto config = ConfigLoader::load(QString());
        QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
        QVERIFY(config->warnings.isEmpty());
        QCOMPARE(config->containers.size(), 2);
        const ContainerClassConfig *backend = config->containerByBinding(QStringLiteral("BACKEND"));
        QVERIFY(backend);
        QCOMPARE(backend->className, QStringLiteral("GoBackend"));
        QCOMPARE(backend->maxInstances, 3);
        QCOMPARE(backend->image, QStringLiteral("api-backend"));
        QCOMPARE(backend->sleepAfterMs, 600000);
        const ContainerClassConfig *linux =
            config->containerByBinding(QStringLiteral("LINUX_COMMAND"));
        QVERIFY(linux);
        QCOMPARE(linux->className, QStringLiteral("LinuxCommandContainer"));
        QCOMPARE(linux->maxInstances, 2);
        QCOMPARE(config->kvNamespaces.value(0).binding, QStringLiteral("MY_KV"));
        QCOMPARE(config->buckets.value(0).binding, QStringLiteral("PUBLIC"));
        QCOMPARE(config->ai.value(QStringLiteral("binding")).toString(), QStringLiteral("AI"));
        QCOMPARE(config->services.value(0).binding, QStringLiteral("WORKER_SERVICE"));
        QCOMPARE(config->services.value(0).service,
                 QStringLiteral("cloudflare-containers-go-service-worker"));
        QCOMPARE(config->secrets.binding, QStringLiteral("SECRET_STORE"));
        QCOMPARE(config->secrets.secretNames, QStringList{QStringLiteral("ACCOUNT_API_KEY")});
        // No `assets`: the built-in frontend, and GET /kv reads the demo's key.
        QVERIFY(config->assets.isBuiltIn());
        QCOMPARE(config->assets.directory, QStringLiteral(":/edgedesk/dist"));
        QCOMPARE(config->kvDemoKey, QStringLiteral("demo-key"));
    }

    void relativePathsResolveAgainstTheConfigFolder()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("site/public")));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("config")));
        const QString path = dir.filePath(QStringLiteral("config/wrangler.jsonc"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\n"
                "          \"assets\": { \"directory\": \"../site/public\" },\n"
                "          \"containers\": [\n"
                "            { \"class_name\": \"A\", \"image\": \"./bin/server\" },\n"
                "            { \"class_name\": \"B\", \"image\": \"api-backend\" },\n"
                "            { \"class_name\": \"C\", \"image\": \"/opt/tool\" },\n"
                "          ],\n"
                "          \"durable_objects\": { \"bindings\": [\n"
                "            { \"name\": \"A_B\", \"class_name\": \"A\" }, { \"name\": \"B_B\", "
                "\"class_name\": \"B\" },\n"
                "            { \"name\": \"C_B\", \"class_name\": \"C\" } ] },\n"
                "        }");
        f.close();
        const auto config = ConfigLoader::load(path);
        QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
        QCOMPARE(config->assets.directory, dir.filePath(QStringLiteral("site/public")));
        QVERIFY(!config->assets.isBuiltIn());
        QCOMPARE(config->containers[0].image, dir.filePath(QStringLiteral("config/bin/server")));
        QCOMPARE(config->containers[1].image, QStringLiteral("api-backend")); // a program name
        QCOMPARE(config->containers[2].image, QStringLiteral("/opt/tool"));
        // The same text read as if it were elsewhere resolves there instead.
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("other/site/public")));
        const auto moved = ConfigLoader::parse(
            f.readAll(), dir.filePath(QStringLiteral("other/config/wrangler.jsonc")));
        QVERIFY2(moved.ok(), moved.ok() ? "" : qPrintable(moved.error().message));
        QCOMPARE(moved->assets.directory, dir.filePath(QStringLiteral("other/site/public")));
        QCOMPARE(moved->containers[0].image,
                 dir.filePath(QStringLiteral("other/config/bin/server")));
    }

    void assetsSettings()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("dist")));
        const auto config = ConfigLoader::parse(
            "{\n"
            "            \"compatibility_date\": \"2025-06-01\",\n"
            "            \"assets\": {\n"
            "              \"directory\": \"./dist\",\n"
            "              \"binding\": \"STATIC\",\n"
            "              \"html_handling\": \"drop-trailing-slash\",\n"
            "              \"not_found_handling\": \"404-page\",\n"
            "              \"run_worker_first\": [\"/api/*\", \"!/api/docs/*\"],\n"
            "              \"experimental_serve_directly\": true\n"
            "            }\n"
            "          }",
            dir.filePath(QStringLiteral("wrangler.jsonc")));
        QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
        const AssetsConfig &a = config->assets;
        QCOMPARE(a.directory, dir.filePath(QStringLiteral("dist")));
        QCOMPARE(a.binding, QStringLiteral("STATIC"));
        QCOMPARE(a.htmlHandling, HtmlHandling::DropTrailingSlash);
        QCOMPARE(a.notFoundHandling, NotFoundHandling::NotFoundPage);
        QCOMPARE(a.workerFirst, false);
        QCOMPARE(a.workerFirstPatterns,
                 (QStringList{QStringLiteral("/api/*"), QStringLiteral("!/api/docs/*")}));
        QCOMPARE(a.navigationPrefersAssets, true);
        QCOMPARE(config->warnings,
                 QStringList{QStringLiteral("assets.experimental_serve_directly is not supported "
                                            "by EdgeDesk and is ignored")});
        const QJsonObject json = config->toJson().value(QStringLiteral("assets")).toObject();
        QCOMPARE(json.value(QStringLiteral("html_handling")).toString(),
                 QStringLiteral("drop-trailing-slash"));
        QCOMPARE(json.value(QStringLiteral("not_found_handling")).toString(),
                 QStringLiteral("404-page"));
        QCOMPARE(json.value(QStringLiteral("run_worker_first")).toArray().size(), 2);
        QCOMPARE(json.value(QStringLiteral("built_in")).toBool(), false);
        QCOMPARE(json.value(QStringLiteral("directory")).toString(), a.directory);
    }

    void navigationPreference_data()
    {
        QTest::addColumn<QByteArray>("compatibility");
        QTest::addColumn<bool>("prefersAssets");
        QTest::addRow("none") << QByteArray("") << false;
        QTest::addRow("before 2025-04-01")
            << QByteArray("\"compatibility_date\": \"2025-03-31\",") << false;
        QTest::addRow("from 2025-04-01")
            << QByteArray("\"compatibility_date\": \"2025-04-01\",") << true;
        QTest::addRow("flag on") << QByteArray("\"compatibility_date\": \"2024-01-01\", "
                                               "\"compatibility_flags\": "
                                               "[\"assets_navigation_prefers_asset_serving\"],")
                                 << true;
        QTest::addRow("flag off") << QByteArray("\"compatibility_date\": \"2026-01-01\", "
                                                "\"compatibility_flags\": "
                                                "[\"assets_navigation_has_no_effect\"],")
                                  << false;
    }
    void navigationPreference()
    {
        QFETCH(QByteArray, compatibility);
        QFETCH(bool, prefersAssets);
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("dist")));
        const auto config =
            ConfigLoader::parse("{" + compatibility + "\"assets\": {\"directory\": \"dist\"}}",
                                dir.filePath(QStringLiteral("wrangler.jsonc")));
        QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
        QCOMPARE(config->assets.navigationPrefersAssets, prefersAssets);
    }

    void unsupportedKeysAreWarnings()
    {
        const auto config =
            ConfigLoader::parse("{\n"
                                "            \"name\": \"x\",\n"
                                "            \"d1_databases\": [],\n"
                                "            \"containers\": [{\"class_name\": \"A\", \"image\": "
                                "\"api-backend\", \"rollout_step_percentage\": 10}],\n"
                                "            \"durable_objects\": {\"bindings\": [{\"name\": "
                                "\"A_BINDING\", \"class_name\": \"A\"}]}\n"
                                "        }",
                                QStringLiteral("test.jsonc"));
        QVERIFY(config.ok());
        QCOMPARE(config->warnings.size(), 2);
        QVERIFY(config->warnings.join(QLatin1Char('\n')).contains(QStringLiteral("d1_databases")));
        QVERIFY(config->warnings.join(QLatin1Char('\n'))
                    .contains(QStringLiteral("containers[0].rollout_step_percentage")));
        QCOMPARE(config->toJson().value(QStringLiteral("warnings")).toArray().size(), 2);
    }

    void invalidValuesAreErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("fragment");
        QTest::addRow("max_instances 0")
            << QByteArray(
                   "{\"containers\":[{\"class_name\":\"A\",\"image\":\"x\",\"max_instances\":0}],"
                   "\"durable_objects\":{\"bindings\":[{\"name\":\"B\",\"class_name\":\"A\"}]}}")
            << QStringLiteral("max_instances");
        QTest::addRow("class without binding")
            << QByteArray("{\"containers\":[{\"class_name\":\"A\",\"image\":\"x\"}]}")
            << QStringLiteral("no durable_objects binding");
        QTest::addRow("bad sleep_after")
            << QByteArray("{\"containers\":[{\"class_name\":\"A\",\"image\":\"x\",\"sleep_after\":"
                          "\"soon\"}],\"durable_objects\":{\"bindings\":[{\"name\":\"B\",\"class_"
                          "name\":\"A\"}]}}")
            << QStringLiteral("sleep_after");
        QTest::addRow("bad kv binding")
            << QByteArray("{\"kv_namespaces\":[{\"binding\":\"1bad\"}]}")
            << QStringLiteral("invalid binding");
        QTest::addRow("assets not an object")
            << QByteArray("{\"assets\": \"./dist\"}") << QStringLiteral("assets must be an object");
        QTest::addRow("assets folder missing")
            << QByteArray("{\"assets\": {\"directory\": \"/nonexistent/dist\"}}")
            << QStringLiteral("assets.directory /nonexistent/dist is not a folder");
        QTest::addRow("assets binding")
            << QByteArray("{\"assets\": {\"directory\": \"/\", \"binding\": \"9x\"}}")
            << QStringLiteral("assets.binding: invalid binding '9x'");
        QTest::addRow("bad command_network")
            << QByteArray("{\"containers\":[{\"class_name\":\"A\",\"image\":\"command-runner\","
                          "\"command_network\":\"lan\"}],\"durable_objects\":{\"bindings\":[{"
                          "\"name\":\"B\",\"class_name\":\"A\"}]}}")
            << QStringLiteral("command_network");
    }
    void invalidValuesAreErrors()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, fragment);
        const auto config = ConfigLoader::parse(text, QStringLiteral("t.jsonc"));
        QVERIFY(!config.ok());
        QVERIFY2(config.error().message.contains(fragment), qPrintable(config.error().message));
        QVERIFY(config.error().message.startsWith(QStringLiteral("t.jsonc: ")));
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::addRow("30s") << QStringLiteral("30s") << qint64(30000);
        QTest::addRow("10m") << QStringLiteral("10m") << qint64(600000);
        QTest::addRow("1h") << QStringLiteral("1h") << qint64(3600000);
        QTest::addRow("250ms") << QStringLiteral("250ms") << qint64(250);
        QTest::addRow("2 (seconds)") << QStringLiteral("2") << qint64(2000);
        QTest::addRow("1.5s") << QStringLiteral("1.5s") << qint64(1500);
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const auto d = ConfigLoader::parseDuration(QJsonValue(text));
        QVERIFY(d.ok());
        QCOMPARE(*d, ms);
        QVERIFY(!ConfigLoader::parseDuration(QJsonValue(QStringLiteral("10 minutes"))).ok());
        QCOMPARE(*ConfigLoader::parseDuration(QJsonValue(45)), qint64(45000));
    }

    void missingFileIsAnError()
    {
        const auto config = ConfigLoader::load(QStringLiteral("/nonexistent/wrangler.jsonc"));
        QVERIFY(!config.ok());
        QVERIFY(config.error().message.contains(QStringLiteral("/nonexistent/wrangler.jsonc")));
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "test_config.moc"
