#include "storage/durable/durablestore.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

using namespace edgedesk;

// The durable storage of a container instance: SQLite on disk, a cache in memory.
class TestDurableStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void roundTrip_data();
    void roundTrip();
    void survivesReopen();
    void overwriteListAndRemove();
    void rejects_data();
    void rejects();
    void concurrentWriters();

private:
    QString path() const
    {
        return m_dir->filePath(QStringLiteral("durable/Cls/instance-0.sqlite"));
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestDurableStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestDurableStore::roundTrip_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addRow("timestamp ms") << QStringLiteral("lastRequestTimestamp")
                                  << QJsonValue(1732612345678.0);
    QTest::addRow("string") << QStringLiteral("s") << QJsonValue(QStringLiteral("héllo"));
    QTest::addRow("false") << QStringLiteral("b") << QJsonValue(false);
    QTest::addRow("null") << QStringLiteral("n") << QJsonValue(QJsonValue::Null);
    QTest::addRow("object") << QStringLiteral("o")
                            << QJsonValue(QJsonObject{{QStringLiteral("a"), 1},
                                                      {QStringLiteral("b"), QJsonArray{1, 2}}});
    QTest::addRow("unicode key") << QStringLiteral("clé/ключ") << QJsonValue(3);
}

void TestDurableStore::roundTrip()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    auto store = DurableStore::open(path());
    QVERIFY(store.ok());
    QVERIFY(!(*store)->get(key).has_value());
    QVERIFY((*store)->put(key, value).ok());
    QCOMPARE((*store)->get(key).value_or(QJsonValue::Undefined), value);
    QCOMPARE((*store)->snapshot(), (QJsonObject{{key, value}}));
}

void TestDurableStore::survivesReopen()
{
    {
        auto store = DurableStore::open(path());
        QVERIFY(store.ok());
        QVERIFY((*store)->put(QStringLiteral("lastRequestTimestamp"), 1700000000123.0).ok());
        QVERIFY((*store)->put(QStringLiteral("other"), QStringLiteral("x")).ok());
    }
    QVERIFY(QFileInfo(path()).isFile());
    auto reopened = DurableStore::open(path());
    QVERIFY(reopened.ok());
    QCOMPARE((*reopened)->snapshot(),
             (QJsonObject{{QStringLiteral("lastRequestTimestamp"), 1700000000123.0},
                          {QStringLiteral("other"), QStringLiteral("x")}}));
    // The integer survives exactly, not as a rounded double.
    QCOMPARE((*reopened)->get(QStringLiteral("lastRequestTimestamp"))->toInteger(),
             Q_INT64_C(1700000000123));
}

void TestDurableStore::overwriteListAndRemove()
{
    auto opened = DurableStore::open(path());
    QVERIFY(opened.ok());
    DurableStore &store = **opened;
    for (const char *key : {"b", "a", "c", "ab"})
        QVERIFY(store.put(QString::fromLatin1(key), 1).ok());
    QVERIFY(store.put(QStringLiteral("a"), 2).ok());
    QCOMPARE(store.get(QStringLiteral("a"))->toInt(), 2);
    QCOMPARE(store.list(), (QStringList{"a", "ab", "b", "c"}));
    QCOMPARE(store.list(QStringLiteral("a")), (QStringList{"a", "ab"}));
    QCOMPARE(store.list(QString(), 2), (QStringList{"a", "ab"}));
    QCOMPARE(store.remove(QStringLiteral("b")).value(), true);
    QCOMPARE(store.remove(QStringLiteral("b")).value(), false);
    QCOMPARE(store.list(), (QStringList{"a", "ab", "c"}));
    opened = DurableStore::open(path());
    QCOMPARE((*opened)->list(), (QStringList{"a", "ab", "c"}));
    QCOMPARE((*opened)->get(QStringLiteral("a"))->toInt(), 2);
}

void TestDurableStore::rejects_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("code");
    QTest::addRow("empty key") << QString() << QJsonValue(1) << QStringLiteral("bad_request");
    QTest::addRow("NUL in key") << QStringLiteral("a") + QChar(0) + QStringLiteral("b")
                                << QJsonValue(1) << QStringLiteral("bad_request");
    QTest::addRow("key over 2 KiB")
        << QString(2049, QLatin1Char('k')) << QJsonValue(1) << QStringLiteral("bad_request");
    QTest::addRow("undefined") << QStringLiteral("u") << QJsonValue(QJsonValue::Undefined)
                               << QStringLiteral("bad_request");
    QTest::addRow("value over 128 KiB")
        << QStringLiteral("big") << QJsonValue(QString(128 * 1024, QLatin1Char('v')))
        << QStringLiteral("payload_too_large");
}

void TestDurableStore::rejects()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QFETCH(QString, code);
    auto store = DurableStore::open(path());
    QVERIFY(store.ok());
    const Status status = (*store)->put(key, value);
    QVERIFY(!status.ok());
    QCOMPARE(status.error().code, code);
    QVERIFY((*store)->list().isEmpty());
}

void TestDurableStore::concurrentWriters()
{
    auto opened = DurableStore::open(path());
    QVERIFY(opened.ok());
    std::shared_ptr<DurableStore> store = *opened;
    QThreadPool pool;
    pool.setMaxThreadCount(4);
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t) {
        pool.start([store, t, &failures] {
            for (int i = 0; i < 50; ++i) {
                if (!store->put(QStringLiteral("k%1-%2").arg(t).arg(i), i).ok())
                    ++failures;
            }
        });
    }
    pool.waitForDone();
    QCOMPARE(failures.load(), 0);
    QCOMPARE(store->list().size(), 200);
    auto reopened = DurableStore::open(path());
    QCOMPARE((*reopened)->list().size(), 200);
    QCOMPARE((*reopened)->get(QStringLiteral("k3-49"))->toInt(), 49);
}

QTEST_GUILESS_MAIN(TestDurableStore)
#include "test_durablestore.moc"
