#include "storage/secrets/secretstore.h"

#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <atomic>
#include <sys/stat.h>

using namespace edgedesk;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &bytes, mode_t mode = 0600)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
    file.close();
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), mode), 0);
}

// Every file in the folder, with its bytes (the database, its WAL and shared memory, the key).
QMap<QString, QByteArray> snapshot(const QString &folder)
{
    QMap<QString, QByteArray> files;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        files.insert(QFileInfo(path).fileName(), readFile(path));
    }
    return files;
}

} // namespace

class TestSecretStore final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;

    QString folder() const { return m_dir->path() + QStringLiteral("/secrets"); }
    QString keyPath() const { return folder() + QStringLiteral("/secrets.key"); }
    QString dbPath() const { return folder() + QStringLiteral("/secrets.sqlite"); }

    std::unique_ptr<SecretStore> openStore()
    {
        auto store = SecretStore::open(folder());
        if (!store.ok()) {
            qWarning() << store.error().message;
            return nullptr;
        }
        return std::move(*store);
    }

    // A store with two secrets, closed again.
    void makeStore()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->put(QStringLiteral("API_TOKEN"), QByteArrayLiteral("tok-123")).ok());
        QVERIFY(store->put(QStringLiteral("db_password"), QByteArrayLiteral("hunter2")).ok());
    }

    void expectRefusal(const QString &messageStart)
    {
        const auto before = snapshot(folder());
        auto store = SecretStore::open(folder());
        QVERIFY(!store.ok());
        QCOMPARE(store.error().code, QStringLiteral("storage_error"));
        QVERIFY2(store.error().message.startsWith(messageStart), qPrintable(store.error().message));
        const auto after = snapshot(folder());
        QCOMPARE(after.keys(), before.keys());
        for (auto it = before.cbegin(); it != before.cend(); ++it)
            QVERIFY2(after.value(it.key()) == it.value(), qPrintable(it.key() + " changed"));
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void cleanup() { m_dir.reset(); }

    void roundTripAndList()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->put(QStringLiteral("B_SECRET"), QByteArrayLiteral("two")).ok());
        QVERIFY(store->put(QStringLiteral("A_SECRET"), QByteArrayLiteral("one")).ok());
        QVERIFY(store->put(QStringLiteral("EMPTY"), QByteArray()).ok());
        QCOMPARE(*store->get(QStringLiteral("A_SECRET")), QByteArrayLiteral("one"));
        QCOMPARE(*store->get(QStringLiteral("B_SECRET")), QByteArrayLiteral("two"));
        QCOMPARE(*store->get(QStringLiteral("EMPTY")), QByteArray());

        auto list = store->list();
        QVERIFY(list.ok());
        QCOMPARE(list->size(), 3);
        QCOMPARE(list->at(0).name, QStringLiteral("A_SECRET"));
        QCOMPARE(list->at(1).name, QStringLiteral("B_SECRET"));
        QCOMPARE(list->at(2).name, QStringLiteral("EMPTY"));
        for (const SecretInfo &info : *list) {
            QVERIFY(info.createdMs >= before);
            QCOMPARE(info.updatedMs, info.createdMs);
        }

        // The store's timestamps are in milliseconds: the rotation happens in a later one.
        QTRY_VERIFY(QDateTime::currentMSecsSinceEpoch() > list->at(0).createdMs);
        QVERIFY(store->put(QStringLiteral("A_SECRET"), QByteArrayLiteral("uno")).ok());
        QCOMPARE(*store->get(QStringLiteral("A_SECRET")), QByteArrayLiteral("uno"));
        const SecretInfo updated = store->list()->at(0);
        QCOMPARE(updated.createdMs, list->at(0).createdMs);
        QVERIFY(updated.updatedMs > updated.createdMs);

        auto removed = store->remove(QStringLiteral("B_SECRET"));
        QVERIFY(removed.ok());
        QCOMPARE(*removed, true);
        QCOMPARE(*store->remove(QStringLiteral("B_SECRET")), false);
        QCOMPARE(store->get(QStringLiteral("B_SECRET")).error().code, QStringLiteral("not_found"));
        QCOMPARE(store->list()->size(), 2);

        // And it all survives a reopen with the same key.
        store.reset();
        store = openStore();
        QVERIFY(store);
        QCOMPARE(*store->get(QStringLiteral("A_SECRET")), QByteArrayLiteral("uno"));
        QCOMPARE(store->list()->size(), 2);
    }

    void keyFileIsPrivateAndStable()
    {
        makeStore();
        struct stat st = {};
        QCOMPARE(::stat(QFile::encodeName(keyPath()).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        QCOMPARE(st.st_size, 32);
        const QByteArray key = readFile(keyPath());
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(readFile(keyPath()), key);
    }

    void plaintextNeverReachesDisk()
    {
        // Distinctive values, and a large repetitive one that would stand out even compressed.
        const QList<QByteArray> values = {
            QByteArrayLiteral("correct-horse-battery-staple-7f3a9c"),
            QByteArrayLiteral("PLAINTEXT_CANARY_0123456789"),
            QByteArray("repeated-canary-").repeated(2000),
        };
        {
            auto store = openStore();
            QVERIFY(store);
            for (int i = 0; i < values.size(); ++i)
                QVERIFY(store->put(QStringLiteral("S%1").arg(i), values[i]).ok());
            // Overwrite and delete too: freed pages must not hold plaintext either.
            QVERIFY(store->put(QStringLiteral("S0"), values[1]).ok());
            QVERIFY(store->remove(QStringLiteral("S1")).ok());
            // Check while open (WAL and shared memory present) ...
            const auto files = snapshot(folder());
            QVERIFY(files.contains(QStringLiteral("secrets.sqlite-wal")));
            for (auto it = files.cbegin(); it != files.cend(); ++it) {
                for (const QByteArray &value : values)
                    QVERIFY2(!it.value().contains(value.left(24)), qPrintable(it.key()));
            }
        }
        // ... and after close.
        const auto files = snapshot(folder());
        QVERIFY(files.contains(QStringLiteral("secrets.sqlite")));
        for (auto it = files.cbegin(); it != files.cend(); ++it) {
            for (const QByteArray &value : values)
                QVERIFY2(!it.value().contains(value.left(24)), qPrintable(it.key()));
        }
    }

    void wrongKeyIsRefusedAndStoreUntouched()
    {
        makeStore();
        const QByteArray original = readFile(dbPath());
        writeFile(keyPath(), QByteArray(32, '\x42'));
        expectRefusal(QStringLiteral("secrets.key does not open secrets.sqlite: wrong key file"));
        QCOMPARE(readFile(dbPath()), original);
    }

    void missingKeyWithSecretsIsRefused()
    {
        makeStore();
        QVERIFY(QFile::remove(keyPath()));
        expectRefusal(QStringLiteral("secrets.key is missing but secrets.sqlite holds secrets"));
        QVERIFY(!QFile::exists(keyPath())); // not re-created over the store
    }

    void missingKeyWithEmptiedStoreIsStillRefused()
    {
        // The verification record alone ties the store to its key.
        {
            auto store = openStore();
            QVERIFY(store);
        }
        QVERIFY(QFile::remove(keyPath()));
        expectRefusal(QStringLiteral("secrets.key is missing but secrets.sqlite holds secrets"));
    }

    void badKeyFiles_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("message");
        QTest::addRow("short") << QByteArray(31, 'k') << 0600
                               << QStringLiteral(
                                      "secrets.key must hold exactly 32 bytes; it holds 31");
        QTest::addRow("long") << QByteArray(64, 'k') << 0600
                              << QStringLiteral(
                                     "secrets.key must hold exactly 32 bytes; it holds 64");
        QTest::addRow("empty") << QByteArray() << 0600
                               << QStringLiteral(
                                      "secrets.key must hold exactly 32 bytes; it holds 0");
        QTest::addRow("group readable") << QByteArray(32, 'k') << 0640
                                        << QStringLiteral("secrets.key must be accessible by its "
                                                          "owner only (mode 0600); it is 0640");
        QTest::addRow("world readable") << QByteArray(32, 'k') << 0644
                                        << QStringLiteral("secrets.key must be accessible by its "
                                                          "owner only (mode 0600); it is 0644");
    }

    void badKeyFiles()
    {
        QFETCH(QByteArray, key);
        QFETCH(int, mode);
        QFETCH(QString, message);
        makeStore();
        writeFile(keyPath(), key, mode_t(mode));
        expectRefusal(message);
        QCOMPARE(readFile(keyPath()), key);
    }

    void badKeyFileOnFirstStartIsRefused()
    {
        QVERIFY(QDir().mkpath(folder()));
        writeFile(keyPath(), QByteArray(32, 'k'), 0644);
        expectRefusal(QStringLiteral("secrets.key must be accessible by its owner only"));
        QVERIFY(!QFile::exists(dbPath()));
    }

    void existingValidKeyIsUsedForANewStore()
    {
        QVERIFY(QDir().mkpath(folder()));
        const QByteArray key(32, '\x07');
        writeFile(keyPath(), key);
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->put(QStringLiteral("X"), QByteArrayLiteral("y")).ok());
        QCOMPARE(readFile(keyPath()), key);
    }

    void nameRules_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("accepted");
        QTest::addRow("upper") << QStringLiteral("API_KEY") << true;
        QTest::addRow("lower and digits") << QStringLiteral("token2") << true;
        QTest::addRow("underscore only") << QStringLiteral("_") << true;
        QTest::addRow("255 characters") << QString(255, u'a') << true;
        QTest::addRow("256 characters") << QString(256, u'a') << false;
        QTest::addRow("empty") << QString() << false;
        QTest::addRow("dash") << QStringLiteral("api-key") << false;
        QTest::addRow("dot") << QStringLiteral("a.b") << false;
        QTest::addRow("slash") << QStringLiteral("../x") << false;
        QTest::addRow("space") << QStringLiteral("A B") << false;
        QTest::addRow("non-ASCII letter") << QStringLiteral("caf\u00e9") << false;
        QTest::addRow("NUL") << QString::fromUtf8("A\0B", 3) << false;
    }

    void nameRules()
    {
        QFETCH(QString, name);
        QFETCH(bool, accepted);
        auto store = openStore();
        QVERIFY(store);
        auto put = store->put(name, QByteArrayLiteral("v"));
        QCOMPARE(put.ok(), accepted);
        if (accepted) {
            QCOMPARE(*store->get(name), QByteArrayLiteral("v"));
            return;
        }
        QCOMPARE(put.error().code, QStringLiteral("bad_request"));
        QCOMPARE(put.error().message,
                 QStringLiteral("secret names must be 1..255 characters of A-Z, a-z, 0-9 and _"));
        QCOMPARE(store->get(name).error().code, QStringLiteral("bad_request"));
        QCOMPARE(store->remove(name).error().code, QStringLiteral("bad_request"));
        QCOMPARE(store->list()->size(), 0);
    }

    void valueSizeLimit()
    {
        auto store = openStore();
        QVERIFY(store);
        const QByteArray largest(SecretStore::kMaxValueBytes, 'v');
        QVERIFY(store->put(QStringLiteral("BIG"), largest).ok());
        QCOMPARE(*store->get(QStringLiteral("BIG")), largest);
        auto tooBig = store->put(QStringLiteral("BIG"), largest + 'x');
        QVERIFY(!tooBig.ok());
        QCOMPARE(tooBig.error().code, QStringLiteral("payload_too_large"));
        QCOMPARE(tooBig.error().message,
                 QStringLiteral("secret values are limited to 65536 bytes"));
        QCOMPARE(*store->get(QStringLiteral("BIG")), largest);
    }

    void binaryValues()
    {
        auto store = openStore();
        QVERIFY(store);
        QByteArray binary;
        for (int i = 0; i < 256; ++i)
            binary.append(char(i));
        QVERIFY(store->put(QStringLiteral("BIN"), binary).ok());
        QCOMPARE(*store->get(QStringLiteral("BIN")), binary);
    }

    void concurrentUse()
    {
        auto store = openStore();
        QVERIFY(store);
        QThreadPool pool;
        pool.setMaxThreadCount(4);
        std::atomic<int> failures{0};
        for (int t = 0; t < 4; ++t) {
            pool.start([&store, &failures, t] {
                for (int i = 0; i < 50; ++i) {
                    const QString name = QStringLiteral("T%1_%2").arg(t).arg(i % 5);
                    const QByteArray value = QByteArray::number(t * 1000 + i);
                    if (!store->put(name, value).ok())
                        ++failures;
                    auto read = store->get(name);
                    if (!read.ok() || *read != value)
                        ++failures;
                }
            });
        }
        pool.waitForDone();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(store->list()->size(), 20);
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "test_secretstore.moc"
