// wrangler.toml: the same configuration as its JSONC twin (one mapping for both), TOML's types in
// the tree, the same warnings, and syntax errors with their line and column.
#include "config/edgeconfig.h"
#include "config/toml.h"
#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

class TestTomlConfig final : public QObject
{
    Q_OBJECT

    static QString fixture(const QString &name)
    {
        return sourceDir() + QStringLiteral("/tests/fixtures/project/") + name;
    }

private Q_SLOTS:
    void tomlAndJsoncGiveTheSameConfiguration()
    {
        const auto jsonc = ConfigLoader::load(fixture(QStringLiteral("wrangler.jsonc")));
        const auto toml = ConfigLoader::load(fixture(QStringLiteral("wrangler.toml")));
        QVERIFY2(jsonc.ok(), jsonc.ok() ? "" : qPrintable(jsonc.error().message));
        QVERIFY2(toml.ok(), toml.ok() ? "" : qPrintable(toml.error().message));
        QJsonObject a = jsonc->toJson();
        QJsonObject b = toml->toJson();
        QCOMPARE(a.take(QStringLiteral("source")).toString(),
                 fixture(QStringLiteral("wrangler.jsonc")));
        QCOMPARE(b.take(QStringLiteral("source")).toString(),
                 fixture(QStringLiteral("wrangler.toml")));
        QCOMPARE(a, b);
        QCOMPARE(toml->name, QStringLiteral("fixture-project"));
        QCOMPARE(toml->assets.directory,
                 QDir::cleanPath(sourceDir() + QStringLiteral("/tests/fixtures/project/dist")));
        QCOMPARE(toml->assets.notFoundHandling, NotFoundHandling::SinglePageApplication);
        QCOMPARE(toml->assets.workerFirstPatterns, QStringList{QStringLiteral("/api/*")});
        QCOMPARE(toml->containers.size(), 1);
        QCOMPARE(toml->containers[0].binding, QStringLiteral("BACKEND"));
        QCOMPARE(toml->containers[0].sleepAfterMs, qint64(120000));
        QVERIFY(toml->warnings.isEmpty());
    }

    void tomlTypesBecomeJson()
    {
        const auto tree = Toml::parse("\n"
                                      "title = \"t\"\n"
                                      "count = 3\n"
                                      "big = 9007199254740993\n"
                                      "ratio = 0.5\n"
                                      "on = true\n"
                                      "when = 1979-05-27T07:32:00Z\n"
                                      "day = 1979-05-27\n"
                                      "list = [\"one\", \"two\"]\n"
                                      "nested = [[1, 2], [\"three\"]]\n"
                                      "inline = { a = 1, b = { c = \"d\" } }\n"
                                      "\n"
                                      "[table]\n"
                                      "key = \"value\"\n"
                                      "\n"
                                      "[[items]]\n"
                                      "n = 1\n"
                                      "\n"
                                      "[[items]]\n"
                                      "n = 2\n");
        QVERIFY2(tree.ok(), tree.ok() ? "" : qPrintable(tree.error().message));
        const QJsonObject o = *tree;
        QCOMPARE(o.value(QStringLiteral("title")).toString(), QStringLiteral("t"));
        QCOMPARE(o.value(QStringLiteral("count")).toInteger(), 3);
        QCOMPARE(o.value(QStringLiteral("big")).toInteger(), Q_INT64_C(9007199254740993));
        QCOMPARE(o.value(QStringLiteral("ratio")).toDouble(), 0.5);
        QCOMPARE(o.value(QStringLiteral("on")).toBool(), true);
        QCOMPARE(o.value(QStringLiteral("when")).toString(),
                 QStringLiteral("1979-05-27T07:32:00Z"));
        QCOMPARE(o.value(QStringLiteral("day")).toString(), QStringLiteral("1979-05-27"));
        QCOMPARE(o.value(QStringLiteral("list")).toArray(),
                 (QJsonArray{QStringLiteral("one"), QStringLiteral("two")}));
        const QJsonArray nested = o.value(QStringLiteral("nested")).toArray();
        QCOMPARE(nested.size(), 2);
        QCOMPARE(nested[0].toArray(), (QJsonArray{1, 2}));
        QCOMPARE(nested[1].toArray().first().toString(), QStringLiteral("three"));
        QCOMPARE(o.value(QStringLiteral("inline"))
                     .toObject()
                     .value(QStringLiteral("b"))
                     .toObject()
                     .value(QStringLiteral("c"))
                     .toString(),
                 QStringLiteral("d"));
        QCOMPARE(
            o.value(QStringLiteral("table")).toObject().value(QStringLiteral("key")).toString(),
            QStringLiteral("value"));
        const QJsonArray items = o.value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 2);
        QCOMPARE(items[1].toObject().value(QStringLiteral("n")).toInteger(), 2);
    }

    void unsupportedKeysAreTheSameWarnings()
    {
        const auto toml = ConfigLoader::parse("\n"
                                              "name = \"x\"\n"
                                              "d1_databases = []\n"
                                              "\n"
                                              "[[containers]]\n"
                                              "class_name = \"A\"\n"
                                              "image = \"api-backend\"\n"
                                              "rollout_step_percentage = 10\n"
                                              "\n"
                                              "[[durable_objects.bindings]]\n"
                                              "name = \"A_BINDING\"\n"
                                              "class_name = \"A\"\n",
                                              QStringLiteral("t.toml"));
        QVERIFY2(toml.ok(), toml.ok() ? "" : qPrintable(toml.error().message));
        const auto jsonc = ConfigLoader::parse(
            "{\"name\": \"x\", \"d1_databases\": [],\n"
            "                \"containers\": [{\"class_name\": \"A\", \"image\": \"api-backend\",\n"
            "                                \"rollout_step_percentage\": 10}],\n"
            "                \"durable_objects\": {\"bindings\": [{\"name\": \"A_BINDING\", "
            "\"class_name\": \"A\"}]}}",
            QStringLiteral("t.jsonc"));
        QVERIFY(jsonc.ok());
        QCOMPARE(toml->warnings.size(), 2);
        QCOMPARE(toml->warnings, jsonc->warnings);
    }

    void invalidValuesAreTheSameErrors()
    {
        const auto toml = ConfigLoader::parse("[[kv_namespaces]]\nbinding = \"1bad\"\n",
                                              QStringLiteral("t.toml"));
        QVERIFY(!toml.ok());
        QCOMPARE(toml.error().message,
                 QStringLiteral("t.toml: kv_namespaces: invalid binding '1bad'"));
    }

    void syntaxErrorsSayWhere_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::addRow("trailing characters")
            << QByteArray("name = \"x\"\nmain = \"src/index.ts\" junk\n")
            << QStringLiteral("line 2, column 23: Unidentified trailing character 'j'---did you "
                              "forget a '#'?");
        QTest::addRow("unterminated table header")
            << QByteArray("name = \"x\"\n[assets\ndirectory = \"d\"\n")
            << QStringLiteral("line 2, column 2: Unterminated table declaration; did you forget a "
                              "']'?");
        QTest::addRow("key twice") << QByteArray("name = \"x\"\nname = \"y\"\n")
                                   << QStringLiteral("line 2, column 4: Key name already present");
        QTest::addRow("unterminated string")
            << QByteArray("a = 1\nb = \"unterminated\n")
            << QStringLiteral("line 2, column 5: Unterminated string literal");
        QTest::addRow("in an array of tables")
            << QByteArray("a = 1\n[[containers]]\nclass_name = \"A\"\nmax_instances = 1.2.3\n")
            << QStringLiteral("line 4, column 20: Unidentified trailing character '.'---did you "
                              "forget a '#'?");
        QTest::addRow("columns count characters")
            << QByteArray("a = \"\xc3\xa9\" x\n")
            << QStringLiteral(
                   "line 1, column 9: Unidentified trailing character 'x'---did you forget a '#'?");
        QTest::addRow("no column at the end of the text")
            << QByteArray("a = [1, 2\n") << QStringLiteral("line 2: Unclosed array");
    }
    void syntaxErrorsSayWhere()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        const auto tree = Toml::parse(text);
        QVERIFY(!tree.ok());
        QCOMPARE(tree.error().message, message);
        const auto config = ConfigLoader::parse(text, QStringLiteral("/p/wrangler.toml"));
        QVERIFY(!config.ok());
        QCOMPARE(config.error().message, QStringLiteral("/p/wrangler.toml: ") + message);
    }
};

QTEST_GUILESS_MAIN(TestTomlConfig)
#include "test_tomlconfig.moc"
