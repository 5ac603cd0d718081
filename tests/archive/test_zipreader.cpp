// ZipReader's rules for archives nobody vouches for, and ZipWriter's archives passing them.
#include "archive/zipreader.h"
#include "archive/zipwriter.h"
#include "archivetestutil.h"
#include "rawzip.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

Result<std::unique_ptr<ZipReader>> openBytes(QBuffer &buffer, const QByteArray &bytes)
{
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    return ZipReader::open(&buffer);
}

RawZip::Entry claimed(const QByteArray &name, quint64 size, quint64 compressed)
{
    RawZip::Entry e;
    e.name = name;
    e.data = QByteArray(16, 'x');
    e.deflate = false;
    e.claimedMethod = 8;
    e.claimedSize = size;
    e.claimedCompressedSize = compressed;
    return e;
}

} // namespace

class TestZipReader final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hostileArchivesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("mentions");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<bool>("foundWhenRead");
        for (const HostileArchive &h : hostileArchives())
            QTest::addRow("%s", qPrintable(h.tag))
                << h.bytes << h.mentions << h.rule << h.foundWhenRead;
    }
    void hostileArchivesAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, mentions);
        QFETCH(QString, rule);
        QFETCH(bool, foundWhenRead);
        QBuffer buffer;
        auto reader = openBytes(buffer, bytes);
        Error error;
        if (foundWhenRead) {
            QVERIFY2(reader.ok(), qPrintable(reader ? QString() : reader.error().message));
            bool failed = false;
            for (int i = 0; i < (*reader)->entries().size(); ++i) {
                auto st = (*reader)->read(i, [](const char *, qint64) -> Status { return Ok{}; });
                if (!st) {
                    error = st.error();
                    failed = true;
                    break;
                }
            }
            QVERIFY(failed);
        } else {
            QVERIFY(!reader.ok());
            error = reader.error();
        }
        QCOMPARE(error.code, QStringLiteral("unprocessable"));
        QVERIFY2(error.message.contains(mentions), qPrintable(error.message));
        QVERIFY2(error.message.contains(rule), qPrintable(error.message));
    }

    void entryCountLimitIsExact()
    {
        RawZip zip;
        for (int i = 0; i < 100000; ++i)
            zip.add(QByteArray::number(i, 36), QByteArray());
        QBuffer buffer;
        auto reader = openBytes(buffer, zip.bytes());
        QVERIFY2(reader.ok(), qPrintable(reader ? QString() : reader.error().message));
        QCOMPARE((*reader)->entries().size(), 100000);
        QCOMPARE((*reader)->indexOf(QStringLiteral("zz")), 1295);
    }

    void ratioLimitIsExact_data()
    {
        QTest::addColumn<quint64>("size");
        QTest::addColumn<quint64>("compressed");
        QTest::addColumn<bool>("accepted");
        QTest::addRow("200:1") << quint64(200000) << quint64(1000) << true;
        QTest::addRow("just over 200:1") << quint64(200001) << quint64(1000) << false;
        QTest::addRow("bytes from nothing") << quint64(10) << quint64(0) << false;
        QTest::addRow("empty") << quint64(0) << quint64(2) << true;
    }
    void ratioLimitIsExact()
    {
        QFETCH(quint64, size);
        QFETCH(quint64, compressed);
        QFETCH(bool, accepted);
        QBuffer buffer;
        auto reader = openBytes(buffer, RawZip().add(claimed("x.bin", size, compressed)).bytes());
        QCOMPARE(reader.ok(), accepted);
        if (!accepted)
            QVERIFY(reader.error().message.contains(QStringLiteral("more than 200:1")));
    }

    void totalLimitIsExact()
    {
        const quint64 gib = 1024ULL * 1024 * 1024;
        RawZip exact;
        for (int i = 0; i < 4; ++i)
            exact.add(claimed("part" + QByteArray::number(i), gib, 10 * 1024 * 1024));
        QBuffer buffer;
        auto reader = openBytes(buffer, exact.bytes());
        QVERIFY2(reader.ok(), qPrintable(reader ? QString() : reader.error().message));
        QCOMPARE((*reader)->totalBytes(), qint64(4 * gib));

        RawZip over = exact;
        over.add("one-more-byte", "!");
        QBuffer buffer2;
        auto refused = openBytes(buffer2, over.bytes());
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("'one-more-byte'")),
                 qPrintable(refused.error().message));
        QVERIFY(refused.error().message.contains(QStringLiteral("4 GiB")));
    }

    void names_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("accepted");
        QTest::addRow("plain") << QStringLiteral("cat.jpg") << true;
        QTest::addRow("nested") << QStringLiteral("photos/2024/cat.jpg") << true;
        QTest::addRow("folder") << QStringLiteral("photos/") << true;
        QTest::addRow("dots inside") << QStringLiteral("a..b/c...jpg") << true;
        QTest::addRow("unicode") << QStringLiteral("fotos/gato \u00f1.jpg") << true;
        QTest::addRow("parent") << QStringLiteral("../x") << false;
        QTest::addRow("parent at end") << QStringLiteral("a/..") << false;
        QTest::addRow("parent backslash") << QStringLiteral("a\\..\\..\\x") << false;
        QTest::addRow("absolute") << QStringLiteral("/x") << false;
        QTest::addRow("absolute backslash") << QStringLiteral("\\x") << false;
        QTest::addRow("drive") << QStringLiteral("c:x") << false;
        QTest::addRow("dot segment") << QStringLiteral("./x") << false;
        QTest::addRow("empty segment") << QStringLiteral("a//x") << false;
        QTest::addRow("empty") << QString() << false;
    }
    void names()
    {
        QFETCH(QString, name);
        QFETCH(bool, accepted);
        QCOMPARE(!ZipReader::nameProblem(name).has_value(), accepted);
    }

    void readYieldsTheBytes()
    {
        QByteArray text;
        for (int i = 0; i < 1000; ++i)
            text += "line " + QByteArray::number(i * 7919) + " of the archive\n";
        const QByteArray jpeg = sampleJpeg();
        RawZip zip;
        zip.add("docs/", QByteArray());
        zip.add("docs/a.txt", text, true);
        zip.add("b.jpg", jpeg);
        QBuffer buffer;
        auto reader = openBytes(buffer, zip.bytes());
        QVERIFY2(reader.ok(), qPrintable(reader ? QString() : reader.error().message));
        const QList<ZipEntry> &entries = (*reader)->entries();
        QCOMPARE(entries.size(), 3);
        QVERIFY(entries[0].isDirectory);
        QCOMPARE(entries[1].name, QStringLiteral("docs/a.txt"));
        QCOMPARE(entries[1].size, qint64(text.size()));
        QVERIFY(entries[1].compressedSize < text.size() / 3);
        QCOMPARE((*reader)->readAll(1, 1 << 20).value(), text);
        QCOMPARE((*reader)->readAll(2, 1 << 20).value(), jpeg);
        // Out of order, and again: positions are remembered per entry.
        QCOMPARE((*reader)->readAll(1, 1 << 20).value(), text);
        auto tooBig = (*reader)->readAll(2, 100);
        QVERIFY(!tooBig.ok());
        QCOMPARE(tooBig.error().code, QStringLiteral("payload_too_large"));
    }

    void readRefusesEntriesShorterThanRecorded()
    {
        // Deflated 100 bytes whose central directory says 150: the stream ends early.
        RawZip::Entry e;
        e.name = "short.txt";
        e.data = QByteArray(100, 'a') + QByteArray("bcdefghij").repeated(5);
        e.deflate = true;
        e.claimedSize = 200;
        QBuffer buffer;
        auto reader = openBytes(buffer, RawZip().add(e).bytes());
        QVERIFY(reader.ok());
        auto st = (*reader)->read(0, [](const char *, qint64) -> Status { return Ok{}; });
        QVERIFY(!st.ok());
        QVERIFY2(st.error().message.contains(QStringLiteral("'short.txt' is damaged")),
                 qPrintable(st.error().message));
    }

    void notAZip()
    {
        QBuffer buffer;
        auto reader = openBytes(buffer, QByteArray("PK\x03\x04 but nothing else", 24));
        QVERIFY(!reader.ok());
        QCOMPARE(reader.error().code, QStringLiteral("unprocessable"));
        QVERIFY(reader.error().message.contains(QStringLiteral("not a zip archive")));
    }

    void writerArchivesPassTheReader()
    {
        QByteArray bytes;
        QBuffer out(&bytes);
        out.open(QIODevice::WriteOnly);
        const QByteArray zeros(20 * 1024 * 1024, '\0');
        const QByteArray text = QByteArray("some log line\n").repeated(100);
        QByteArray random(4096, Qt::Uninitialized);
        QRandomGenerator(42).fillRange(reinterpret_cast<quint32 *>(random.data()),
                                       random.size() / 4);
        {
            auto writer = ZipWriter::create(&out);
            QVERIFY(writer.ok());
            auto z = (*writer)->addBytes(QStringLiteral("zeros.bin"), zeros);
            QVERIFY(z.ok());
            QCOMPARE(z->size, qint64(zeros.size()));
            QCOMPARE(z->sha256, sha256Hex(zeros));
            QVERIFY((*writer)->addBytes(QStringLiteral("log.txt"), text).ok());
            QVERIFY((*writer)->addBytes(QStringLiteral("random.bin"), random).ok());
            QVERIFY((*writer)->close().ok());
        }
        out.close();
        QBuffer in;
        auto reader = openBytes(in, bytes);
        QVERIFY2(reader.ok(), qPrintable(reader ? QString() : reader.error().message));
        const QList<ZipEntry> &entries = (*reader)->entries();
        QCOMPARE(entries.size(), 3);
        // 20 MiB of zeros would deflate ~1000:1, past the limit: stored instead.
        QCOMPARE(entries[0].compressedSize, qint64(zeros.size()));
        // Ordinary text is deflated; incompressible bytes are stored.
        QVERIFY(entries[1].compressedSize < text.size() / 5);
        QCOMPARE(entries[2].compressedSize, qint64(random.size()));
        QCOMPARE((*reader)->readAll(0, zeros.size()).value(), zeros);
        QCOMPARE((*reader)->readAll(1, text.size()).value(), text);
        QCOMPARE((*reader)->readAll(2, random.size()).value(), random);
    }
};

QTEST_GUILESS_MAIN(TestZipReader)
#include "test_zipreader.moc"
