// The KV namespace on SQLite: values, TTL, list pagination, key and size limits.
#include "storage/kv/kvstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace edgedesk;

class TestKvStore final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<KvStore> m_store;

private Q_SLOTS:
    void init()
    {
        QFile::remove(m_dir.filePath(QStringLiteral("kv.sqlite")));
        auto store = KvStore::open(m_dir.filePath(QStringLiteral("kv.sqlite")));
        QVERIFY(store.ok());
        m_store = std::move(*store);
    }
    void cleanup() { m_store.reset(); }

    void putGetDelete()
    {
        QVERIFY(
            m_store->put(QStringLiteral("a"), "one", QStringLiteral("text/plain"), "{\"x\":1}", 0)
                .ok());
        auto got = m_store->get(QStringLiteral("a"));
        QVERIFY(got.ok() && got->has_value());
        QCOMPARE((*got)->value, QByteArray("one"));
        QCOMPARE((*got)->contentType, QStringLiteral("text/plain"));
        QCOMPARE((*got)->metadata, QByteArray("{\"x\":1}"));
        QVERIFY(m_store->put(QStringLiteral("a"), QByteArray(), QString(), QByteArray(), 0).ok());
        got = m_store->get(QStringLiteral("a"));
        QVERIFY(got->has_value());
        QCOMPARE((*got)->value, QByteArray());
        QCOMPARE(*m_store->remove(QStringLiteral("a")), true);
        QCOMPARE(*m_store->remove(QStringLiteral("a")), false);
        QVERIFY(!m_store->get(QStringLiteral("a"))->has_value());
    }

    void binaryValuesSurvive()
    {
        QByteArray value;
        for (int i = 0; i < 256; ++i)
            value.append(char(i));
        QVERIFY(m_store->put(QStringLiteral("bin"), value, QString(), QByteArray(), 0).ok());
        QCOMPARE((*m_store->get(QStringLiteral("bin")))->value, value);
    }

    void expiredKeysAreNeverReturned()
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QVERIFY(m_store->put(QStringLiteral("gone"), "x", QString(), QByteArray(), now - 1).ok());
        QVERIFY(m_store->put(QStringLiteral("soon"), "x", QString(), QByteArray(), now + 2).ok());
        QVERIFY(m_store->put(QStringLiteral("kept"), "x", QString(), QByteArray(), 0).ok());
        QVERIFY(!m_store->get(QStringLiteral("gone"))->has_value());
        QVERIFY(m_store->get(QStringLiteral("soon"))->has_value());
        auto listing = m_store->list(QString(), QString(), 100);
        QCOMPARE(listing->keys.size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(!m_store->get(QStringLiteral("soon"))->has_value(), 4000);
        listing = m_store->list(QString(), QString(), 100);
        QCOMPARE(listing->keys.size(), 1);
        QCOMPARE(listing->keys.first().name, QStringLiteral("kept"));
        QCOMPARE(m_store->purgeExpired(), 2);
    }

    void listPagination_data()
    {
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QStringList>("expected");
        QTest::addRow("all, pages of 2")
            << QString() << 2 << QStringList{"a/1", "a/2", "a/3", "b/1", "bb"};
        QTest::addRow("prefix a/, pages of 1")
            << QStringLiteral("a/") << 1 << QStringList{"a/1", "a/2", "a/3"};
        QTest::addRow("prefix b, one page")
            << QStringLiteral("b") << 1000 << QStringList{"b/1", "bb"};
        QTest::addRow("no match") << QStringLiteral("zz") << 10 << QStringList{};
    }
    void listPagination()
    {
        QFETCH(QString, prefix);
        QFETCH(int, limit);
        QFETCH(QStringList, expected);
        for (const char *k : {"bb", "a/2", "b/1", "a/1", "a/3"})
            QVERIFY(m_store->put(QString::fromLatin1(k), "v", QString(), QByteArray(), 0).ok());
        QStringList seen;
        QString cursor;
        int pages = 0;
        for (;;) {
            auto page = m_store->list(prefix, cursor, limit);
            QVERIFY(page.ok());
            QVERIFY(page->keys.size() <= limit);
            for (const auto &k : page->keys)
                seen.append(k.name);
            ++pages;
            if (page->listComplete) {
                QVERIFY(page->cursor.isEmpty());
                break;
            }
            QVERIFY(!page->cursor.isEmpty());
            cursor = page->cursor;
            QVERIFY(pages < 10);
        }
        QCOMPARE(seen, expected);
    }

    void badCursorIsRefused()
    {
        QCOMPARE(m_store->list(QString(), QStringLiteral("%%%"), 10).error().code,
                 QStringLiteral("bad_request"));
    }

    void keyRules_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("valid");
        QTest::addRow("simple") << QStringLiteral("greeting") << true;
        QTest::addRow("slashes") << QStringLiteral("a/b/c") << true;
        QTest::addRow("unicode") << QStringLiteral("clé-ключ") << true;
        QTest::addRow("512 bytes") << QString(512, QLatin1Char('k')) << true;
        QTest::addRow("513 bytes") << QString(513, QLatin1Char('k')) << false;
        QTest::addRow("256 two-byte chars = 512 bytes") << QString(256, QChar(0xe9)) << true;
        QTest::addRow("257 two-byte chars = 514 bytes") << QString(257, QChar(0xe9)) << false;
        QTest::addRow("empty") << QString() << false;
        QTest::addRow("dot") << QStringLiteral(".") << false;
        QTest::addRow("dot dot") << QStringLiteral("..") << false;
        QTest::addRow("NUL") << QStringLiteral("a%1b").arg(QChar(0)) << false;
    }
    void keyRules()
    {
        QFETCH(QString, key);
        QFETCH(bool, valid);
        const auto error = KvStore::validateKey(key);
        QCOMPARE(!error.has_value(), valid);
        if (error) {
            QCOMPARE(error->code, QStringLiteral("bad_request"));
            QVERIFY(!error->message.isEmpty());
        }
    }

    void metadataRules()
    {
        QVERIFY(!KvStore::validateMetadata(QByteArray()));
        QVERIFY(!KvStore::validateMetadata("{\"a\":\"b\"}"));
        QVERIFY(KvStore::validateMetadata("{not json"));
        QVERIFY(KvStore::validateMetadata("\"" + QByteArray(2000, 'x') + "\""));
    }

    // Reads are cached: once put() has returned, every get() sees the new value, also while
    // another thread keeps reading (and filling the cache) during the writes.
    void readCacheNeverServesStaleValues()
    {
        const QString key = QStringLiteral("race");
        QVERIFY(m_store->put(key, "0", QString(), QByteArray(), 0).ok());
        constexpr int kWrites = 1500;
        std::atomic<bool> done = false;
        std::atomic<int> stale = 0;
        std::thread writer([&] {
            for (int i = 1; i <= kWrites; ++i) {
                (void)m_store->put(key, QByteArray::number(i), QString(), QByteArray(), 0);
                const auto got = m_store->get(key);
                if (!got.ok() || !got->has_value() || (*got)->value != QByteArray::number(i))
                    ++stale;
            }
            done = true;
        });
        int reads = 0;
        while (!done) { // a second reader, filling the cache while the writes go on
            (void)m_store->get(key);
            ++reads;
        }
        writer.join();
        QCOMPARE(stale.load(), 0);
        QVERIFY(reads > 0);
        QCOMPARE((*m_store->get(key))->value, QByteArray::number(kWrites));
        QVERIFY(m_store->remove(key).ok());
        QVERIFY(!m_store->get(key)->has_value());
    }

    void readCacheIsBoundedAndKeepsEveryKey()
    {
        const int n = int(KvStore::kMaxCachedKeys) + 200;
        for (int i = 0; i < n; ++i)
            QVERIFY(m_store->put(QStringLiteral("k%1").arg(i), QByteArray::number(i), QString(),
                                 QByteArray(), 0).ok());
        for (int round = 0; round < 2; ++round) {
            for (int i = 0; i < n; ++i)
                QCOMPARE((*m_store->get(QStringLiteral("k%1").arg(i)))->value, QByteArray::number(i));
        }
        // A value over the cache's size limit is read from the database each time, unchanged.
        const QByteArray big(int(KvStore::kMaxCachedValueBytes) + 1, 'b');
        QVERIFY(m_store->put(QStringLiteral("big"), big, QString(), QByteArray(), 0).ok());
        QCOMPARE((*m_store->get(QStringLiteral("big")))->value, big);
        QCOMPARE((*m_store->get(QStringLiteral("big")))->value, big);
    }

    void reopenKeepsData()
    {
        QVERIFY(m_store->put(QStringLiteral("persist"), "yes", QString(), QByteArray(), 0).ok());
        m_store.reset();
        auto store = KvStore::open(m_dir.filePath(QStringLiteral("kv.sqlite")));
        QVERIFY(store.ok());
        QVERIFY(!(*store)->wasCreated());
        QCOMPARE((*(*store)->get(QStringLiteral("persist")))->value, QByteArray("yes"));
    }
};

QTEST_GUILESS_MAIN(TestKvStore)
#include "test_kvstore.moc"
