#include "storage/bucket/bucketstore.h"
#include "bucketpattern.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <csignal>

using namespace edgedesk;

namespace {

QStringList filesUnder(const QString &dir)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    return files;
}

QString md5Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex());
}

QByteArray md5Base64(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toBase64();
}

// One listing page as "key" for objects and "[prefix]" for delimited prefixes, in byte order.
QStringList pageEntries(const BucketListing &page)
{
    QList<QPair<QByteArray, QString>> entries;
    for (const auto &object : page.objects)
        entries.append({object.key.toUtf8(), object.key});
    for (const auto &prefix : page.delimitedPrefixes)
        entries.append({prefix.toUtf8(), QLatin1Char('[') + prefix + QLatin1Char(']')});
    std::sort(entries.begin(), entries.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    QStringList out;
    for (const auto &e : entries)
        out.append(e.second);
    return out;
}

const QStringList kListingKeys = {
    QStringLiteral("a.txt"),
    QStringLiteral("photos/2023/a.jpg"),
    QStringLiteral("photos/2023/b.jpg"),
    QStringLiteral("photos/2024/c.jpg"),
    QStringLiteral("photos/cover.jpg"),
    QStringLiteral("photosynthesis.txt"),
    QStringLiteral("z/\u00fc.txt"),
    QStringLiteral("zz"),
};

} // namespace

class TestBucketStore final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<BucketStore> m_store;

    QString root() const { return m_dir->path() + QStringLiteral("/PUBLIC"); }

    void reopen(BucketStore::Options options = {})
    {
        m_store.reset();
        auto store = BucketStore::open(root(), options);
        QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error().message));
        m_store = std::move(*store);
    }

    void expectEmptyStore()
    {
        auto stats = m_store->stats();
        QVERIFY(stats.ok());
        QCOMPARE(stats->objects, 0);
        QCOMPARE(filesUnder(root() + QStringLiteral("/objects")), QStringList());
        QCOMPARE(filesUnder(root() + QStringLiteral("/tmp")), QStringList());
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        reopen();
    }

    void cleanup()
    {
        m_store.reset();
        m_dir.reset();
    }

    void putThenHeadGetAndRead()
    {
        const QByteArray data = QByteArrayLiteral("hello, bucket");
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        auto put =
            m_store->put(QStringLiteral("docs/hello.txt"), data, QStringLiteral("text/plain"),
                         {{QStringLiteral("author"), QStringLiteral("edgedesk")}});
        QVERIFY2(put.ok(), put.ok() ? "" : qPrintable(put.error().message));
        QCOMPARE(put->key, QStringLiteral("docs/hello.txt"));
        QCOMPARE(put->size, data.size());
        QCOMPARE(put->etag, md5Hex(data));
        QCOMPARE(put->httpEtag(), QLatin1Char('"') + md5Hex(data) + QLatin1Char('"'));
        QVERIFY(put->uploadedMs >= before);

        auto head = m_store->head(QStringLiteral("docs/hello.txt"));
        QVERIFY(head.ok());
        QCOMPARE(head->size, data.size());
        QCOMPARE(head->etag, md5Hex(data));
        QCOMPARE(head->contentType, QStringLiteral("text/plain"));
        QCOMPARE(head->uploadedMs, put->uploadedMs);
        QCOMPARE(head->customMetadata.value(QStringLiteral("author")), QStringLiteral("edgedesk"));
        QCOMPARE(head->customMetadata.size(), 1);

        auto body = m_store->get(QStringLiteral("docs/hello.txt"));
        QVERIFY(body.ok());
        QVERIFY(body->file && body->file->isOpen());
        QCOMPARE(body->file->readAll(), data);
        QCOMPARE(body->object.etag, md5Hex(data));

        auto all = m_store->readAll(QStringLiteral("docs/hello.txt"));
        QVERIFY(all.ok());
        QCOMPARE(all->bytes, data);
        auto range = m_store->readRange(QStringLiteral("docs/hello.txt"), 7, 6);
        QVERIFY(range.ok());
        QCOMPARE(range->bytes, QByteArrayLiteral("bucket"));
        QCOMPARE(range->offset, 7);
        auto tail = m_store->readRange(QStringLiteral("docs/hello.txt"), 7, 1000);
        QVERIFY(tail.ok());
        QCOMPARE(tail->bytes, QByteArrayLiteral("bucket"));
        auto past = m_store->readRange(QStringLiteral("docs/hello.txt"), data.size(), 1);
        QVERIFY(!past.ok());
        QCOMPARE(past.error().code, QStringLiteral("range_not_satisfiable"));

        // Defaults: no content type means application/octet-stream; empty objects are objects.
        auto empty = m_store->put(QStringLiteral("empty"), QByteArray());
        QVERIFY(empty.ok());
        QCOMPARE(empty->size, 0);
        QCOMPARE(empty->contentType, QStringLiteral("application/octet-stream"));
        QCOMPARE(empty->etag, QStringLiteral("d41d8cd98f00b204e9800998ecf8427e"));
        auto emptyRead = m_store->readAll(QStringLiteral("empty"));
        QVERIFY(emptyRead.ok());
        QCOMPARE(emptyRead->bytes, QByteArray());
    }

    void missingKeysAreNotFound()
    {
        QCOMPARE(m_store->head(QStringLiteral("nope")).error().code, QStringLiteral("not_found"));
        QCOMPARE(m_store->get(QStringLiteral("nope")).error().code, QStringLiteral("not_found"));
        QCOMPARE(m_store->readAll(QStringLiteral("nope")).error().code,
                 QStringLiteral("not_found"));
        auto removed = m_store->remove(QStringLiteral("nope"));
        QVERIFY(removed.ok());
        QCOMPARE(*removed, false);
    }

    void removeDeletesRowAndFile()
    {
        QVERIFY(m_store->put(QStringLiteral("gone.bin"), QByteArray(100, 'x')).ok());
        QCOMPARE(filesUnder(root() + QStringLiteral("/objects")).size(), 1);
        auto removed = m_store->remove(QStringLiteral("gone.bin"));
        QVERIFY(removed.ok());
        QCOMPARE(*removed, true);
        QCOMPARE(m_store->head(QStringLiteral("gone.bin")).error().code,
                 QStringLiteral("not_found"));
        expectEmptyStore();
    }

    void openBodySurvivesOverwriteAndRemove()
    {
        const QByteArray first(4096, 'a');
        QVERIFY(m_store->put(QStringLiteral("k"), first).ok());
        auto body = m_store->get(QStringLiteral("k"));
        QVERIFY(body.ok());
        QVERIFY(m_store->put(QStringLiteral("k"), QByteArray(10, 'b')).ok());
        QVERIFY(m_store->remove(QStringLiteral("k")).ok());
        QCOMPARE(body->file->readAll(), first);
    }

    void listing_data()
    {
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<QString>("delimiter");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QList<QStringList>>("pages");

        QTest::addRow("everything")
            << QString() << QString() << 1000 << QList<QStringList>{kListingKeys};
        QTest::addRow("delimited root")
            << QString() << QStringLiteral("/") << 1000
            << QList<QStringList>{{QStringLiteral("a.txt"), QStringLiteral("[photos/]"),
                                   QStringLiteral("photosynthesis.txt"), QStringLiteral("[z/]"),
                                   QStringLiteral("zz")}};
        QTest::addRow("delimited folder")
            << QStringLiteral("photos/") << QStringLiteral("/") << 1000
            << QList<QStringList>{{QStringLiteral("[photos/2023/]"),
                                   QStringLiteral("[photos/2024/]"),
                                   QStringLiteral("photos/cover.jpg")}};
        QTest::addRow("prefix is not a folder") << QStringLiteral("photos") << QString() << 1000
                                                << QList<QStringList>{kListingKeys.mid(1, 5)};
        QTest::addRow("prefix folder") << QStringLiteral("photos/2023/") << QString() << 1000
                                       << QList<QStringList>{{QStringLiteral("photos/2023/a.jpg"),
                                                              QStringLiteral("photos/2023/b.jpg")}};
        QTest::addRow("prefix with non-ASCII")
            << QStringLiteral("z/\u00fc") << QString() << 1000
            << QList<QStringList>{{QStringLiteral("z/\u00fc.txt")}};
        QTest::addRow("no match") << QStringLiteral("nothing") << QString() << 1000
                                  << QList<QStringList>{{}};
        QTest::addRow("pages of 2, delimited")
            << QString() << QStringLiteral("/") << 2
            << QList<QStringList>{{QStringLiteral("a.txt"), QStringLiteral("[photos/]")},
                                  {QStringLiteral("photosynthesis.txt"), QStringLiteral("[z/]")},
                                  {QStringLiteral("zz")}};
        QList<QStringList> ones;
        for (const QString &key : kListingKeys)
            ones.append(QStringList{key});
        QTest::addRow("pages of 1") << QString() << QString() << 1 << ones;
        QTest::addRow("pages of 3 under a prefix")
            << QStringLiteral("photos") << QString() << 3
            << QList<QStringList>{kListingKeys.mid(1, 3), kListingKeys.mid(4, 2)};
        QTest::addRow("exact page boundary")
            << QStringLiteral("photos/2023/") << QString() << 2
            << QList<QStringList>{
                   {QStringLiteral("photos/2023/a.jpg"), QStringLiteral("photos/2023/b.jpg")}};
        QTest::addRow("pages of 1 in a folder, delimited")
            << QStringLiteral("photos/") << QStringLiteral("/") << 1
            << QList<QStringList>{{QStringLiteral("[photos/2023/]")},
                                  {QStringLiteral("[photos/2024/]")},
                                  {QStringLiteral("photos/cover.jpg")}};
    }

    void listing()
    {
        QFETCH(QString, prefix);
        QFETCH(QString, delimiter);
        QFETCH(int, limit);
        QFETCH(QList<QStringList>, pages);

        // Inserted in reverse to show the order comes from the keys, not from insertion.
        for (auto it = kListingKeys.crbegin(); it != kListingKeys.crend(); ++it)
            QVERIFY(m_store->put(*it, it->toUtf8(), QStringLiteral("text/plain")).ok());

        BucketListOptions options;
        options.prefix = prefix;
        options.delimiter = delimiter;
        options.limit = limit;
        for (int i = 0; i < pages.size(); ++i) {
            auto page = m_store->list(options);
            QVERIFY2(page.ok(), page.ok() ? "" : qPrintable(page.error().message));
            QCOMPARE(pageEntries(*page), pages[i]);
            const bool last = i == pages.size() - 1;
            QCOMPARE(page->truncated, !last);
            QCOMPARE(page->cursor.isEmpty(), last);
            for (const auto &object : page->objects) {
                QCOMPARE(object.size, object.key.toUtf8().size());
                QCOMPARE(object.etag, md5Hex(object.key.toUtf8()));
                QCOMPARE(object.contentType, QStringLiteral("text/plain"));
            }
            options.cursor = page->cursor;
        }
    }

    void listingRefusesBadArguments_data()
    {
        QTest::addColumn<int>("limit");
        QTest::addColumn<QString>("cursor");
        QTest::addColumn<QString>("message");
        QTest::addRow("limit 0") << 0 << QString()
                                 << QStringLiteral("limit must be an integer 1..1000");
        QTest::addRow("limit 1001")
            << 1001 << QString() << QStringLiteral("limit must be an integer 1..1000");
        QTest::addRow("cursor not base64")
            << 10 << QStringLiteral("***")
            << QStringLiteral("cursor is not one this bucket handed out");
        QTest::addRow("cursor without tag")
            << 10 << QString::fromLatin1(QByteArrayLiteral("xabc").toBase64())
            << QStringLiteral("cursor is not one this bucket handed out");
    }

    void listingRefusesBadArguments()
    {
        QFETCH(int, limit);
        QFETCH(QString, cursor);
        QFETCH(QString, message);
        BucketListOptions options;
        options.limit = limit;
        options.cursor = cursor;
        auto page = m_store->list(options);
        QVERIFY(!page.ok());
        QCOMPARE(page.error().code, QStringLiteral("bad_request"));
        QCOMPARE(page.error().message, message);
    }

    void refusedKeysStoreNothing_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("message");
        QTest::addRow("parent") << QStringLiteral("../x")
                                << QStringLiteral("key must not contain a '..' segment");
        QTest::addRow("absolute") << QStringLiteral("/etc/passwd")
                                  << QStringLiteral("key must not start with '/'");
        QTest::addRow("inner parent")
            << QStringLiteral("a/../../b") << QStringLiteral("key must not contain a '..' segment");
        QTest::addRow("trailing parent")
            << QStringLiteral("a/..") << QStringLiteral("key must not contain a '..' segment");
        QTest::addRow("only parent")
            << QStringLiteral("..") << QStringLiteral("key must not contain a '..' segment");
        QTest::addRow("NUL") << QString::fromUtf8("a\0b", 3)
                             << QStringLiteral("key must not contain NUL characters");
        QTest::addRow("2000 bytes")
            << QString(2000, u'k') << QStringLiteral("key must be at most 1024 bytes of UTF-8");
        QTest::addRow("1025 bytes")
            << QString(1025, u'k') << QStringLiteral("key must be at most 1024 bytes of UTF-8");
        // 513 two-byte characters: under 1024 characters, over 1024 bytes.
        QTest::addRow("1026 bytes of UTF-8")
            << QString(513, QChar(0xE9))
            << QStringLiteral("key must be at most 1024 bytes of UTF-8");
        QTest::addRow("empty") << QString() << QStringLiteral("key must not be empty");
        QTest::addRow("lone surrogate")
            << QString(QChar(0xD800)) << QStringLiteral("key must be valid UTF-8");
    }

    void refusedKeysStoreNothing()
    {
        QFETCH(QString, key);
        QFETCH(QString, message);
        auto put = m_store->put(key, QByteArrayLiteral("data"));
        QVERIFY(!put.ok());
        QCOMPARE(put.error().code, QStringLiteral("bad_request"));
        QCOMPARE(put.error().message, message);
        QBuffer buffer;
        buffer.setData("data");
        buffer.open(QIODevice::ReadOnly);
        QCOMPARE(m_store->put(key, &buffer).error().message, message);
        auto upload = m_store->beginUpload();
        QVERIFY(upload.ok());
        QVERIFY(upload->write(QByteArrayLiteral("data")).ok());
        QCOMPARE(m_store->commitUpload(std::move(*upload), key).error().message, message);
        QCOMPARE(m_store->head(key).error().message, message);
        QCOMPARE(m_store->remove(key).error().message, message);
        expectEmptyStore();
    }

    void invalidUtf8KeysAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addRow("0xFF") << QByteArray("a\xff");
        QTest::addRow("overlong slash") << QByteArray("\xc0\xaf"
                                                      "etc");
        QTest::addRow("truncated sequence") << QByteArray("photo\xe6\x97");
        QTest::addRow("encoded surrogate") << QByteArray("\xed\xa0\x80");
    }

    void invalidUtf8KeysAreRefused()
    {
        QFETCH(QByteArray, bytes);
        auto key = BucketStore::keyFromUtf8(bytes);
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code, QStringLiteral("bad_request"));
        QCOMPARE(key.error().message, QStringLiteral("key must be valid UTF-8"));
        expectEmptyStore();
    }

    void acceptedKeys_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addRow("dots inside a segment") << QStringLiteral("a..b");
        QTest::addRow("dots starting a segment") << QStringLiteral("..a/b");
        QTest::addRow("three dots") << QStringLiteral("a/.../b");
        QTest::addRow("single dot segment") << QStringLiteral("./x");
        QTest::addRow("trailing slash") << QStringLiteral("folder/");
        QTest::addRow("1024 bytes") << QString(1024, u'k');
        QTest::addRow("unicode") << QStringLiteral("\u65e5\u672c/\u5199\u771f.jpg");
        QTest::addRow("spaces and symbols") << QStringLiteral("a b/c?d#e%20&f");
    }

    void acceptedKeys()
    {
        QFETCH(QString, key);
        auto fromBytes = BucketStore::keyFromUtf8(key.toUtf8());
        QVERIFY(fromBytes.ok());
        QCOMPARE(*fromBytes, key);
        auto put = m_store->put(key, key.toUtf8());
        QVERIFY2(put.ok(), put.ok() ? "" : qPrintable(put.error().message));
        auto read = m_store->readAll(key);
        QVERIFY(read.ok());
        QCOMPARE(read->bytes, key.toUtf8());
        // The key is never part of a path: one file, named by hash, under objects/.
        const QStringList files = filesUnder(root() + QStringLiteral("/objects"));
        QCOMPARE(files.size(), 1);
        QVERIFY(
            QFileInfo(files.first())
                .fileName()
                .contains(QString::fromLatin1(
                    QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex())));
    }

    void contentMd5()
    {
        const QByteArray first = QByteArrayLiteral("first version");
        auto put = m_store->put(QStringLiteral("k"), first, QString(), {}, md5Base64(first));
        QVERIFY2(put.ok(), put.ok() ? "" : qPrintable(put.error().message));

        const QByteArray second = QByteArrayLiteral("second version");
        auto bad = m_store->put(QStringLiteral("k"), second, QString(), {}, md5Base64(first));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QStringLiteral("bad_request"));
        QCOMPARE(bad.error().message, QStringLiteral("Content-MD5 does not match"));

        auto malformed = m_store->put(QStringLiteral("k"), second, QString(), {},
                                      QByteArrayLiteral("not base64!"));
        QVERIFY(!malformed.ok());
        QCOMPARE(malformed.error().code, QStringLiteral("bad_request"));
        auto shortDigest =
            m_store->put(QStringLiteral("k"), second, QString(), {}, QByteArrayLiteral("AAAA"));
        QCOMPARE(shortDigest.error().code, QStringLiteral("bad_request"));

        // The first version is intact, and it is the only file.
        auto read = m_store->readAll(QStringLiteral("k"));
        QVERIFY(read.ok());
        QCOMPARE(read->bytes, first);
        QCOMPARE(read->object.etag, md5Hex(first));
        QCOMPARE(filesUnder(root() + QStringLiteral("/objects")).size(), 1);
        QCOMPARE(filesUnder(root() + QStringLiteral("/tmp")), QStringList());
    }

    void overwriteKeepsExactlyOneFile()
    {
        for (int i = 0; i < 5; ++i) {
            const QByteArray data = QByteArray::number(i).repeated(1000 + i);
            auto put = m_store->put(QStringLiteral("same/key"), data);
            QVERIFY(put.ok());
            QCOMPARE(filesUnder(root() + QStringLiteral("/objects")).size(), 1);
            QCOMPARE(m_store->readAll(QStringLiteral("same/key"))->bytes, data);
        }
        QCOMPARE(m_store->stats()->objects, 1);
        QCOMPARE(filesUnder(root() + QStringLiteral("/tmp")), QStringList());
    }

    void sizeLimit()
    {
        BucketStore::Options options;
        options.maxObjectBytes = 1000;
        reopen(options);
        QVERIFY(m_store->put(QStringLiteral("fits"), QByteArray(1000, 'x')).ok());
        QVERIFY(m_store->remove(QStringLiteral("fits")).ok());

        auto put = m_store->put(QStringLiteral("big"), QByteArray(1001, 'x'));
        QCOMPARE(put.error().code, QStringLiteral("payload_too_large"));

        QBuffer buffer;
        buffer.setData(QByteArray(5000, 'y'));
        buffer.open(QIODevice::ReadOnly);
        QCOMPARE(m_store->put(QStringLiteral("big"), &buffer).error().code,
                 QStringLiteral("payload_too_large"));

        auto upload = m_store->beginUpload();
        QVERIFY(upload.ok());
        QVERIFY(upload->write(QByteArray(600, 'z')).ok());
        QCOMPARE(upload->write(QByteArray(600, 'z')).error().code,
                 QStringLiteral("payload_too_large"));
        QVERIFY(!m_store->commitUpload(std::move(*upload), QStringLiteral("big")).ok());

        // Filled behind the upload's back: the commit measures the file itself.
        auto external = m_store->beginUpload();
        QVERIFY(external.ok());
        {
            QFile file(external->path());
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray(2000, 'w'));
        }
        QCOMPARE(m_store->commitUpload(std::move(*external), QStringLiteral("big")).error().code,
                 QStringLiteral("payload_too_large"));
        expectEmptyStore();
    }

    void streamingUploads()
    {
        // Chunks through write().
        auto upload = m_store->beginUpload();
        QVERIFY(upload.ok());
        QVERIFY(upload->path().startsWith(root() + QStringLiteral("/tmp/")));
        QVERIFY(QFile::exists(upload->path()));
        QByteArray expected;
        for (int i = 0; i < 3; ++i) {
            const QByteArray chunk = bucketpattern::chunk(7, i);
            expected += chunk;
            QVERIFY(upload->write(chunk).ok());
        }
        QCOMPARE(upload->size(), expected.size());
        QVERIFY(!m_store->head(QStringLiteral("stream")).ok()); // invisible before the commit
        auto object =
            m_store->commitUpload(std::move(*upload), QStringLiteral("stream"),
                                  QStringLiteral("application/x-test"), {}, md5Base64(expected));
        QVERIFY2(object.ok(), object.ok() ? "" : qPrintable(object.error().message));
        QCOMPARE(object->etag, QString::fromLatin1(bucketpattern::md5Hex(7, 3)));
        QCOMPARE(m_store->readAll(QStringLiteral("stream"))->bytes, expected);

        // From a device.
        QBuffer buffer;
        buffer.setData(QByteArrayLiteral("from a device"));
        buffer.open(QIODevice::ReadOnly);
        auto fromDevice =
            m_store->put(QStringLiteral("device"), &buffer, QStringLiteral("text/plain"));
        QVERIFY(fromDevice.ok());
        QCOMPARE(fromDevice->etag, md5Hex(QByteArrayLiteral("from a device")));

        // Written straight to the temporary path by someone else.
        auto external = m_store->beginUpload();
        QVERIFY(external.ok());
        {
            QFile file(external->path());
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("written elsewhere");
        }
        auto committed = m_store->commitUpload(std::move(*external), QStringLiteral("external"));
        QVERIFY(committed.ok());
        QCOMPARE(committed->size, 17);
        QCOMPARE(committed->etag, md5Hex(QByteArrayLiteral("written elsewhere")));

        // An upload dropped without a commit leaves nothing behind.
        {
            auto dropped = m_store->beginUpload();
            QVERIFY(dropped.ok());
            QVERIFY(dropped->write(QByteArrayLiteral("never committed")).ok());
        }
        QCOMPARE(filesUnder(root() + QStringLiteral("/tmp")), QStringList());
        QCOMPARE(m_store->stats()->objects, 3);
    }

    void metadataRules_data()
    {
        QTest::addColumn<QString>("contentType");
        QTest::addColumn<QString>("metaName");
        QTest::addColumn<QString>("metaValue");
        QTest::addColumn<QString>("message");
        QTest::addRow("content type with CRLF")
            << QStringLiteral("text/plain\r\nX-Evil: 1") << QString() << QString()
            << QStringLiteral("content type must be printable ASCII of at most 255 characters");
        QTest::addRow("content type too long")
            << QString(256, u'a') << QString() << QString()
            << QStringLiteral("content type must be printable ASCII of at most 255 characters");
        QTest::addRow("content type non-ASCII")
            << QStringLiteral("text/\u00e9") << QString() << QString()
            << QStringLiteral("content type must be printable ASCII of at most 255 characters");
        QTest::addRow("metadata value with newline")
            << QString() << QStringLiteral("a") << QStringLiteral("b\nc")
            << QStringLiteral("custom metadata names must be non-empty and names and values free "
                              "of control characters");
        QTest::addRow("metadata too large")
            << QString() << QStringLiteral("a") << QString(9000, u'v')
            << QStringLiteral("custom metadata must be at most 8192 bytes");
    }

    void metadataRules()
    {
        QFETCH(QString, contentType);
        QFETCH(QString, metaName);
        QFETCH(QString, metaValue);
        QFETCH(QString, message);
        QMap<QString, QString> metadata;
        if (!metaName.isEmpty())
            metadata.insert(metaName, metaValue);
        auto put = m_store->put(QStringLiteral("k"), QByteArrayLiteral("v"), contentType, metadata);
        QVERIFY(!put.ok());
        QCOMPARE(put.error().code, QStringLiteral("bad_request"));
        QCOMPARE(put.error().message, message);
        expectEmptyStore();
    }

    void reopenKeepsObjectsAndSweepsLeftovers()
    {
        QVERIFY(m_store
                    ->put(QStringLiteral("kept"), QByteArrayLiteral("kept bytes"),
                          QStringLiteral("text/plain"),
                          {{QStringLiteral("m"), QStringLiteral("1")}})
                    .ok());
        // What a crash leaves: a half-written upload and a renamed file whose row never committed.
        QFile partial(root() + QStringLiteral("/tmp/upload-dead.part"));
        QVERIFY(partial.open(QIODevice::WriteOnly));
        partial.write("half");
        partial.close();
        QVERIFY(QDir().mkpath(root() + QStringLiteral("/objects/00/11")));
        QFile orphan(root() + QStringLiteral("/objects/00/11/0011deadbeef-0000"));
        QVERIFY(orphan.open(QIODevice::WriteOnly));
        orphan.write("orphan");
        orphan.close();

        reopen();
        QVERIFY(!QFile::exists(partial.fileName()));
        QVERIFY(!QFile::exists(orphan.fileName()));
        auto kept = m_store->readAll(QStringLiteral("kept"));
        QVERIFY(kept.ok());
        QCOMPARE(kept->bytes, QByteArrayLiteral("kept bytes"));
        QCOMPARE(kept->object.contentType, QStringLiteral("text/plain"));
        QCOMPARE(kept->object.customMetadata.value(QStringLiteral("m")), QStringLiteral("1"));
        QCOMPARE(filesUnder(root() + QStringLiteral("/objects")).size(), 1);
    }

    void seedIfEmpty()
    {
        auto seeded = m_store->seedIfEmpty(QStringLiteral("pristine.jpg"),
                                           QByteArrayLiteral("jpeg"), QStringLiteral("image/jpeg"));
        QVERIFY(seeded.ok());
        QCOMPARE(*seeded, true);
        QVERIFY(m_store->put(QStringLiteral("pristine.jpg"), QByteArrayLiteral("changed")).ok());
        auto again = m_store->seedIfEmpty(QStringLiteral("pristine.jpg"), QByteArrayLiteral("jpeg"),
                                          QStringLiteral("image/jpeg"));
        QVERIFY(again.ok());
        QCOMPARE(*again, false);
        QCOMPARE(m_store->readAll(QStringLiteral("pristine.jpg"))->bytes,
                 QByteArrayLiteral("changed"));
        auto head = m_store->head(QStringLiteral("pristine.jpg"));
        QCOMPARE(head->contentType, QStringLiteral("application/octet-stream"));
    }

    void concurrentWritersAndReaders()
    {
        // Writers overwrite a few keys while readers check that every read is self-consistent:
        // the bytes always match the etag that came with them.
        for (int k = 0; k < 3; ++k)
            QVERIFY(
                m_store->put(QStringLiteral("shared/%1").arg(k), QByteArrayLiteral("seed")).ok());
        QThreadPool pool;
        pool.setMaxThreadCount(6);
        std::atomic<int> failures{0};
        std::atomic<int> reads{0};
        for (int w = 0; w < 3; ++w) {
            pool.start([this, w, &failures] {
                for (int i = 0; i < 30; ++i) {
                    const QByteArray data = QByteArray::number(w * 1000 + i).repeated(500 + i);
                    if (!m_store->put(QStringLiteral("shared/%1").arg(i % 3), data).ok())
                        ++failures;
                }
            });
        }
        for (int r = 0; r < 3; ++r) {
            pool.start([this, &failures, &reads] {
                for (int i = 0; i < 60; ++i) {
                    auto read = m_store->readAll(QStringLiteral("shared/%1").arg(i % 3));
                    if (!read.ok()) {
                        ++failures;
                        continue;
                    }
                    ++reads;
                    if (md5Hex(read->bytes) != read->object.etag)
                        ++failures;
                }
            });
        }
        pool.waitForDone();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(reads.load(), 180);
        QCOMPARE(m_store->stats()->objects, 3);
        QCOMPARE(filesUnder(root() + QStringLiteral("/objects")).size(), 3);
    }

    void killedMidUploadKeepsPreviousObject_data()
    {
        QTest::addColumn<int>("killAfterChunks");
        QTest::addRow("after 1 MiB") << 1;
        QTest::addRow("after 12 MiB") << 12;
        QTest::addRow("after 23 of 24 MiB") << 23;
    }

    void killedMidUploadKeepsPreviousObject()
    {
        QFETCH(int, killAfterChunks);
        constexpr int kChunks = 24;
        const QString key = QStringLiteral("big/object.bin");
        // The previous object: 24 MiB of one pattern.
        {
            auto upload = m_store->beginUpload();
            QVERIFY(upload.ok());
            for (int i = 0; i < kChunks; ++i)
                QVERIFY(upload->write(bucketpattern::chunk(1, i)).ok());
            QVERIFY(m_store->commitUpload(std::move(*upload), key).ok());
        }
        const QString previousEtag = QString::fromLatin1(bucketpattern::md5Hex(1, kChunks));
        QCOMPARE(m_store->head(key)->etag, previousEtag);
        m_store.reset();

        // A real process replaces it slowly and is SIGKILLed partway.
        QProcess helper;
        helper.setProcessChannelMode(QProcess::SeparateChannels);
        helper.start(QStringLiteral(BUCKET_SLOW_PUT), {root(), key, QString::number(kChunks),
                                                       QStringLiteral("2"), QStringLiteral("40")});
        QVERIFY(helper.waitForStarted());
        QByteArray out;
        const QByteArray mark = "chunk " + QByteArray::number(killAfterChunks) + "\n";
        while (!out.contains(mark)) {
            QVERIFY2(helper.state() == QProcess::Running,
                     helper.readAllStandardError().constData());
            helper.waitForReadyRead(5000);
            out += helper.readAllStandardOutput();
        }
        ::kill(pid_t(helper.processId()), SIGKILL);
        QVERIFY(helper.waitForFinished(10000));
        QCOMPARE(helper.exitStatus(), QProcess::CrashExit);
        QVERIFY(!out.contains("committed"));
        // The killed writer's partial file is still there, until the next open sweeps it.
        QCOMPARE(filesUnder(root() + QStringLiteral("/tmp")).size(), 1);

        reopen();
        auto head = m_store->head(key);
        QVERIFY(head.ok());
        QCOMPARE(head->etag, previousEtag);
        QCOMPARE(head->size, kChunks * bucketpattern::kChunkBytes);
        auto body = m_store->get(key);
        QVERIFY(body.ok());
        QCryptographicHash hash(QCryptographicHash::Md5);
        QVERIFY(hash.addData(body->file.get()));
        QCOMPARE(QString::fromLatin1(hash.result().toHex()), previousEtag);
        QCOMPARE(filesUnder(root() + QStringLiteral("/tmp")), QStringList());
        QCOMPARE(filesUnder(root() + QStringLiteral("/objects")).size(), 1);
    }

    void killedAtRandomMomentsLeavesOneWholeVersion_data()
    {
        QTest::addColumn<int>("runMs");
        QTest::addRow("150 ms") << 150;
        QTest::addRow("400 ms") << 400;
        QTest::addRow("900 ms") << 900;
    }

    void killedAtRandomMomentsLeavesOneWholeVersion()
    {
        // A writer that replaces the object back and forth as fast as it can is killed at
        // arbitrary moments, in whatever step it is (writing, fsync, rename, metadata commit,
        // deleting the old file). Afterwards the object is one whole version and its etag matches.
        QFETCH(int, runMs);
        constexpr int kChunks = 4;
        const QString key = QStringLiteral("flip");
        QVERIFY(m_store->put(key, QByteArrayLiteral("initial")).ok());
        m_store.reset();
        const QString etagA = QString::fromLatin1(bucketpattern::md5Hex(10, kChunks));
        const QString etagB = QString::fromLatin1(bucketpattern::md5Hex(11, kChunks));

        QProcess helper;
        helper.start(QStringLiteral(BUCKET_SLOW_PUT),
                     {root(), key, QString::number(kChunks), QStringLiteral("10"),
                      QStringLiteral("11"), QStringLiteral("loop")});
        QVERIFY(helper.waitForStarted());
        QByteArray out;
        // Let it commit at least once so the kill lands in a steady back-and-forth.
        while (!out.contains("committed")) {
            QVERIFY2(helper.state() == QProcess::Running,
                     helper.readAllStandardError().constData());
            helper.waitForReadyRead(5000);
            out += helper.readAllStandardOutput();
        }
        QTest::qWait(runMs);
        ::kill(pid_t(helper.processId()), SIGKILL);
        QVERIFY(helper.waitForFinished(10000));

        reopen();
        auto read = m_store->readAll(key);
        QVERIFY(read.ok());
        QVERIFY2(read->object.etag == etagA || read->object.etag == etagB,
                 qPrintable(read->object.etag));
        QCOMPARE(md5Hex(read->bytes), read->object.etag);
        QCOMPARE(read->bytes.size(), kChunks * bucketpattern::kChunkBytes);
        QCOMPARE(filesUnder(root() + QStringLiteral("/objects")).size(), 1);
        QCOMPARE(filesUnder(root() + QStringLiteral("/tmp")), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestBucketStore)
#include "test_bucketstore.moc"
