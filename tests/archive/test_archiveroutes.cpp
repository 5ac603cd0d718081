// The archive routes: bulk image import into a bucket, and the log export.
#include "archivetestutil.h"
#include "logging/loghub.h"
#include "rawzip.h"
#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

const QByteArray kImport = "/__edgedesk/v1/r2/PUBLIC/import";

HttpReply postZip(quint16 port, const QByteArray &zip,
                  const QByteArray &contentType = "application/zip")
{
    return request(port, "POST", kImport, {{"Content-Type", contentType}}, zip, 30000);
}

QStringList bucketKeys(quint16 port)
{
    QStringList keys;
    const HttpReply list = request(port, "GET", "/__edgedesk/v1/r2/PUBLIC/objects");
    for (const QJsonValue &o : list.json().value(QStringLiteral("objects")).toArray())
        keys.append(o.toObject().value(QStringLiteral("key")).toString());
    return keys;
}

} // namespace

class TestArchiveRoutes final : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
    }
    void cleanupTestCase() { m_server.reset(); }

    void importAddsEveryImage()
    {
        const QByteArray jpeg = sampleJpeg();
        const QByteArray png = tinyPng();
        RawZip zip;
        zip.add("photos/", QByteArray());
        zip.add("photos/cat.jpg", jpeg);
        zip.add("photos/2024/dot.png", png, true);
        zip.add("readme.txt", "these are my photos\n", true);
        const HttpReply r = postZip(port(), zip.bytes());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        const QJsonObject expected{
            {QStringLiteral("added"),
             QJsonArray{QJsonObject{{QStringLiteral("key"), QStringLiteral("photos/cat.jpg")},
                                    {QStringLiteral("size"), jpeg.size()},
                                    {QStringLiteral("etag"), QString::fromLatin1(md5Hex(jpeg))}},
                        QJsonObject{{QStringLiteral("key"), QStringLiteral("photos/2024/dot.png")},
                                    {QStringLiteral("size"), png.size()},
                                    {QStringLiteral("etag"), QString::fromLatin1(md5Hex(png))}}}},
            {QStringLiteral("refused"),
             QJsonArray{QJsonObject{
                 {QStringLiteral("entry"), QStringLiteral("readme.txt")},
                 {QStringLiteral("reason"),
                  QStringLiteral("not an image (JPEG, PNG, GIF, WebP, AVIF or HEIC)")}}}}};
        QCOMPARE(r.json(), expected);

        const HttpReply cat =
            request(port(), "GET", "/__edgedesk/v1/r2/PUBLIC/objects/photos/cat.jpg");
        QCOMPARE(cat.status, 200);
        QCOMPARE(cat.body, jpeg);
        QCOMPARE(cat.header("content-type"), QByteArray("image/jpeg"));
        const HttpReply dot =
            request(port(), "GET", "/__edgedesk/v1/r2/PUBLIC/objects/photos/2024/dot.png");
        QCOMPARE(dot.body, png);
        QCOMPARE(dot.header("content-type"), QByteArray("image/png"));
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/r2/PUBLIC/objects/readme.txt").status, 404);

        // Again: the same keys are replaced, not duplicated.
        QCOMPARE(postZip(port(), zip.bytes()).status, 200);
        QCOMPARE(bucketKeys(port()),
                 QStringList({QStringLiteral("photos/2024/dot.png"),
                              QStringLiteral("photos/cat.jpg"), QStringLiteral("pristine.jpg")}));
    }

    void hostileArchivesAddNothing_data()
    {
        QTest::addColumn<QByteArray>("zip");
        QTest::addColumn<QString>("mentions");
        QTest::addColumn<QString>("rule");
        for (const HostileArchive &h : hostileArchives())
            QTest::addRow("%s", qPrintable(h.tag)) << h.bytes << h.mentions << h.rule;
    }
    void hostileArchivesAddNothing()
    {
        QFETCH(QByteArray, zip);
        QFETCH(QString, mentions);
        QFETCH(QString, rule);
        const QStringList before = bucketKeys(port());
        const HttpReply r = postZip(port(), zip);
        QCOMPARE(r.status, 422);
        const QJsonObject error = r.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("unprocessable"));
        const QString message = error.value(QStringLiteral("message")).toString();
        QVERIFY2(message.contains(mentions), qPrintable(message));
        QVERIFY2(message.contains(rule), qPrintable(message));
        QCOMPARE(bucketKeys(port()), before);
        const QDir tmp(m_server->dataDir() + QStringLiteral("/r2/PUBLIC/tmp"));
        QCOMPARE(tmp.entryList(QDir::Files | QDir::Hidden), QStringList());
    }

    void refusedBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const QByteArray zip = RawZip().add("a.png", tinyPng()).bytes();
        QTest::addRow("not a zip") << QByteArray("GIF89a....") << QByteArray("application/zip")
                                   << 415 << QStringLiteral("unsupported_media_type");
        QTest::addRow("wrong type")
            << zip << QByteArray("image/png") << 415 << QStringLiteral("unsupported_media_type");
        QTest::addRow("empty") << QByteArray() << QByteArray("application/zip") << 400
                               << QStringLiteral("bad_request");
        QTest::addRow("truncated zip") << zip.left(zip.size() - 30) << QByteArray("application/zip")
                                       << 422 << QStringLiteral("unprocessable");
    }
    void refusedBodies()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(int, status);
        QFETCH(QString, code);
        const HttpReply r = postZip(port(), body, contentType);
        QCOMPARE(r.status, status);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")),
                 QJsonValue(code));
    }

    void octetStreamIsAccepted()
    {
        const HttpReply r =
            postZip(port(), RawZip().add("dot.png", tinyPng()).bytes(), "application/octet-stream");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("added")).toArray().size(), 1);
        QCOMPARE(request(port(), "DELETE", "/__edgedesk/v1/r2/PUBLIC/objects/dot.png").status, 200);
    }

    void oversizedBodyIsRefusedUnread()
    {
        // Declared 600 MiB: refused from the headers, before any of the body is read.
        const HttpReply r = rawRequest(port(), "POST " + kImport + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                                                   QByteArray::number(port()) +
                                                   "\r\nContent-Type: application/zip\r\n"
                                                   "Content-Length: 629145600\r\n\r\nPK");
        QCOMPARE(r.status, 413);
    }

    void otherMethodsAndBuckets()
    {
        QCOMPARE(request(port(), "GET", kImport).status, 405);
        QCOMPARE(request(port(), "POST", "/__edgedesk/v1/r2/NOPE/import",
                         {{"Content-Type", "application/zip"}},
                         RawZip().add("a.png", tinyPng()).bytes())
                     .status,
                 404);
    }

    void logExport()
    {
        // The hub writes each source to <logs>/<source>.log; this test process has no message
        // handler installed, so lines are appended directly.
        m_server->host().logHub().append(QStringLiteral("server"), QStringLiteral("info"),
                                         QStringLiteral("edgedesk.test"),
                                         QStringLiteral("hello log"));
        m_server->host().logHub().append(QStringLiteral("BACKEND/instance-0"),
                                         QStringLiteral("info"), QStringLiteral("stdout"),
                                         QStringLiteral("backend line"));
        const HttpReply r = request(port(), "GET", "/__edgedesk/v1/logs/export");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/zip"));
        const QRegularExpression disposition(
            QStringLiteral("^attachment; filename=\"(edgedesk-logs-\\d{8}-\\d{6})\\.zip\"$"));
        const auto match = disposition.match(QString::fromLatin1(r.header("content-disposition")));
        QVERIFY2(match.hasMatch(), r.header("content-disposition").constData());
        const QString folder = match.captured(1);
        const QList<ZipItem> items = readZip(r.body);
        QStringList names;
        for (const ZipItem &i : items)
            names.append(i.name);
        QCOMPARE(names, QStringList({folder + QStringLiteral("/BACKEND_instance-0.log"),
                                     folder + QStringLiteral("/server.log")}));
        QVERIFY(items[0].data.endsWith("info stdout: backend line\n"));
        QVERIFY(items[1].data.contains("info edgedesk.test: hello log\n"));

        const HttpReply head =
            rawRequest(port(), "HEAD /__edgedesk/v1/logs/export HTTP/1.1\r\nHost: 127.0.0.1:" +
                                   QByteArray::number(port()) + "\r\nConnection: close\r\n\r\n");
        QCOMPARE(head.status, 200);
        QVERIFY(head.body.isEmpty());
        QCOMPARE(request(port(), "POST", "/__edgedesk/v1/logs/export").status, 405);
    }
};

QTEST_GUILESS_MAIN(TestArchiveRoutes)
#include "test_archiveroutes.moc"
