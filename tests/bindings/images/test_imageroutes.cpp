// /image and the bucket's control API over HTTP, against a real in-process server: transforms,
// headers and caching, every refusal (bad parameters, hostile sources, traversal keys), object
// reads with Range/If-None-Match/HEAD, uploads with Content-MD5 and metadata, listings.
#include "bindings/images/imagebinding.h"
#include "bindings/images/imagecache.h"
#include "bindings/images/imageoptions.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QLocale>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>
#include <QtEndian>

#include <Magick++.h>

#include <memory>
#include <vector>

using namespace edgedesk;
using namespace edgedesk::test;

using Headers = QList<QPair<QByteArray, QByteArray>>;

namespace {

const QByteArray kObjects = "/__edgedesk/v1/r2/PUBLIC/objects";

QByteArray sample()
{
    static const QByteArray bytes = [] {
        QFile file(QStringLiteral(":/edgedesk/sample/pristine.jpg"));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }();
    return bytes;
}

QByteArray md5Hex(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex();
}

QByteArray quoted(const QByteArray &text)
{
    return '"' + text + '"';
}

QSize decodedSize(const QByteArray &bytes)
{
    try {
        Magick::Image image;
        image.read(Magick::Blob(bytes.constData(), size_t(bytes.size())));
        return QSize(int(image.columns()), int(image.rows()));
    } catch (const Magick::Exception &e) {
        qWarning() << "cannot decode:" << e.what();
        return QSize();
    }
}

quint32 crc32(const QByteArray &bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char c : bytes) {
        crc ^= quint8(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray pngChunk(const QByteArray &type, const QByteArray &data)
{
    QByteArray chunk(4, Qt::Uninitialized);
    qToBigEndian(quint32(data.size()), chunk.data());
    chunk += type + data;
    QByteArray tail(4, Qt::Uninitialized);
    qToBigEndian(crc32(type + data), tail.data());
    return chunk + tail;
}

// A valid PNG header claiming width x height and almost no pixel data: a bomb's header.
QByteArray craftedPng(quint32 width, quint32 height)
{
    QByteArray ihdr(13, '\0');
    qToBigEndian(width, ihdr.data());
    qToBigEndian(height, ihdr.data() + 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // RGB
    const QByteArray idat = qCompress(QByteArray(100, '\0')).mid(4);
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", idat) +
           pngChunk("IEND", QByteArray());
}

QByteArray randomBytes(qint64 size, quint32 seed)
{
    QRandomGenerator generator(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    generator.fillRange(reinterpret_cast<quint32 *>(bytes.data()), size / 4);
    return bytes;
}

// The ETag /image documents: MD5 of the source etag and the normalised parameters.
QByteArray expectedImageEtag(const QByteArray &sourceEtag, const QString &query,
                             const QByteArray &accept = QByteArray())
{
    auto options = parseImageOptions(QUrlQuery(query), accept, ImageBinding::routeDefaults());
    if (!options)
        return QByteArray();
    const QString key =
        ImageCache::makeKey(QString::fromLatin1(sourceEtag), options->normalizedKey());
    return quoted(md5Hex(key.toUtf8()));
}

// A reply read straight off a socket, for what request() cannot do: HEAD (a Content-Length with
// no body) and several requests in flight at once.
struct SocketReply
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

SocketReply readReply(QTcpSocket &socket, bool headOnly, int timeoutMs = 15000)
{
    SocketReply reply;
    QByteArray raw;
    QElapsedTimer timer;
    timer.start();
    qsizetype headEnd = -1;
    while (headEnd < 0 && timer.elapsed() < timeoutMs) {
        if (!socket.waitForReadyRead(100) && socket.state() != QAbstractSocket::ConnectedState)
            break;
        raw += socket.readAll();
        headEnd = raw.indexOf("\r\n\r\n");
    }
    if (headEnd < 0)
        return reply;
    reply.head = raw.left(headEnd);
    reply.status = reply.head.split(' ').value(1).toInt();
    raw = raw.mid(headEnd + 4);
    if (headOnly) {
        // Whatever arrives now would be a body the server must not send.
        socket.waitForReadyRead(300);
        reply.body = raw + socket.readAll();
        return reply;
    }
    const qint64 length = reply.header("content-length").toLongLong();
    while (raw.size() < length && timer.elapsed() < timeoutMs) {
        if (!socket.waitForReadyRead(100) && socket.state() != QAbstractSocket::ConnectedState)
            break;
        raw += socket.readAll();
    }
    reply.body = raw;
    return reply;
}

SocketReply headRequest(quint16 port, const QByteArray &target)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("HEAD " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
                 "\r\n\r\n");
    return readReply(socket, true);
}

bool isJsonError(const HttpReply &r, const QString &code)
{
    return r.header("content-type") == "application/json" &&
           r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")) == code;
}

QString errorMessage(const HttpReply &r)
{
    return r.json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("message"))
        .toString();
}

} // namespace

class TestImageRoutes final : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

    HttpReply get(const QByteArray &target, const Headers &headers = {})
    {
        return request(port(), "GET", target, headers);
    }
    HttpReply put(const QByteArray &key, const QByteArray &body, const Headers &headers = {},
                  int timeoutMs = 20000)
    {
        return request(port(), "PUT", kObjects + '/' + key, headers, body, timeoutMs);
    }
    // Every object as {key: etag}, following cursors.
    QMap<QString, QString> allObjects()
    {
        QMap<QString, QString> objects;
        QByteArray cursor;
        for (int page = 0; page < 100; ++page) {
            const HttpReply r =
                get(kObjects + "?limit=1000" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            if (r.status != 200)
                return {{QStringLiteral("error"), QString::number(r.status)}};
            const QJsonObject body = r.json();
            for (const QJsonValue &o : body.value(QStringLiteral("objects")).toArray())
                objects.insert(o[QStringLiteral("key")].toString(),
                               o[QStringLiteral("etag")].toString());
            if (!body.value(QStringLiteral("truncated")).toBool())
                break;
            cursor = QUrl::toPercentEncoding(body.value(QStringLiteral("cursor")).toString());
        }
        return objects;
    }
    // Every file under the data folder but the logs, with its size.
    QMap<QString, qint64> dataFiles()
    {
        QMap<QString, qint64> files;
        const QDir root(m_server->dataDir());
        QDirIterator it(root.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QString relative = root.relativeFilePath(path);
            if (!relative.startsWith(QLatin1String("logs/")) && !relative.endsWith("-wal") &&
                !relative.endsWith("-shm"))
                files.insert(relative, QFileInfo(path).size());
        }
        return files;
    }

private Q_SLOTS:
    void initTestCase()
    {
        Magick::InitializeMagick(nullptr);
        QVERIFY(!sample().isEmpty());
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
    }
    void cleanupTestCase() { m_server.reset(); }

    void firstStartSeedsTheSample()
    {
        const HttpReply r = get(kObjects);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        const QJsonObject body = r.json();
        QCOMPARE(body.keys(), (QStringList{"delimited_prefixes", "objects", "truncated"}));
        const QJsonArray objects = body.value(QStringLiteral("objects")).toArray();
        QCOMPARE(objects.size(), 1);
        const QJsonObject o = objects.first().toObject();
        QCOMPARE(o.keys(), (QStringList{"content_type", "custom_metadata", "etag", "key", "size",
                                        "uploaded"}));
        QCOMPARE(o.value(QStringLiteral("key")).toString(), QStringLiteral("pristine.jpg"));
        QCOMPARE(o.value(QStringLiteral("size")).toInteger(), sample().size());
        QCOMPARE(o.value(QStringLiteral("etag")).toString().toLatin1(), md5Hex(sample()));
        QCOMPARE(o.value(QStringLiteral("content_type")).toString(), QStringLiteral("image/jpeg"));
        QCOMPARE(o.value(QStringLiteral("custom_metadata")).toObject(), QJsonObject());
        const QDateTime uploaded = QDateTime::fromString(
            o.value(QStringLiteral("uploaded")).toString(), Qt::ISODateWithMs);
        QVERIFY(uploaded.isValid());
        QVERIFY(qAbs(uploaded.secsTo(QDateTime::currentDateTimeUtc())) < 600);
        QCOMPARE(body.value(QStringLiteral("truncated")).toBool(), false);
        QVERIFY(QFileInfo(m_server->dataDir() + "/r2/PUBLIC/meta.sqlite").isFile());
    }

    void configNamesTheDefaultObject()
    {
        const HttpReply r = get("/__edgedesk/v1/config");
        QCOMPARE(r.status, 200);
        const QJsonObject image = r.json().value(QStringLiteral("image")).toObject();
        QCOMPARE(image.value(QStringLiteral("default_key")).toString(),
                 QStringLiteral("pristine.jpg"));
        QCOMPARE(image.value(QStringLiteral("binding")).toString(), QStringLiteral("PUBLIC"));
        QCOMPARE(image.value(QStringLiteral("default_width")).toInt(), 100);
        QCOMPARE(image.value(QStringLiteral("default_height")).toInt(), 100);
        QCOMPARE(image.value(QStringLiteral("shrink_on_load")).toBool(), true);
        QVERIFY(image.value(QStringLiteral("cache")).toObject().contains("capacity_bytes"));
    }

    void defaultImage()
    {
        const HttpReply r = get("/image");
        QCOMPARE(r.status, 200);
        // What the demo's Worker asks for: cover 100x100, the format negotiated by Accept (none
        // here, as from curl: JPEG).
        QCOMPARE(r.header("content-type"), QByteArray("image/jpeg"));
        QVERIFY(r.body.startsWith("\xff\xd8\xff"));
        QCOMPARE(decodedSize(r.body), QSize(100, 100));
        QCOMPARE(r.header("content-length").toLongLong(), r.body.size());
        QCOMPARE(r.header("cache-control"), QByteArray("public, max-age=3600"));
        QCOMPARE(r.header("etag"), expectedImageEtag(md5Hex(sample()), QString()));
        QCOMPARE(r.header("vary"), QByteArray("Accept"));
        const QByteArray state = r.header("x-edgedesk-image");
        QVERIFY2(state == "miss" || state == "hit", state.constData());
        QVERIFY(QRegularExpression(QStringLiteral("^\\d+\\.\\d$"))
                    .match(QString::fromLatin1(r.header("x-edgedesk-transform-ms")))
                    .hasMatch());
    }

    void sizes_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QSize>("size");
        QTest::addRow("default box, cover") << QByteArray("") << QSize(100, 100);
        QTest::addRow("width only") << QByteArray("width=200") << QSize(200, 150);
        QTest::addRow("scale-down never enlarges")
            << QByteArray("width=4000&fit=scale-down") << QSize(1600, 1200);
        QTest::addRow("height with dpr") << QByteArray("height=60&dpr=2") << QSize(160, 120);
        QTest::addRow("contain") << QByteArray("width=100&height=100&fit=contain")
                                 << QSize(100, 75);
        QTest::addRow("cover") << QByteArray("width=200&height=200&fit=cover") << QSize(200, 200);
        QTest::addRow("crop") << QByteArray("width=50&height=50&fit=crop&gravity=left")
                              << QSize(50, 50);
        QTest::addRow("pad") << QByteArray("width=80&height=120&fit=pad&background=red")
                             << QSize(80, 120);
        QTest::addRow("squeeze") << QByteArray("width=300&height=100&fit=squeeze")
                                 << QSize(300, 100);
        QTest::addRow("rotate 90")
            << QByteArray("width=100&height=100&rotate=90&fit=scale-down") << QSize(75, 100);
        QTest::addRow("explicit key") << QByteArray("key=pristine.jpg&width=64") << QSize(64, 48);
    }
    void sizes()
    {
        QFETCH(QByteArray, query);
        QFETCH(QSize, size);
        const HttpReply r = get("/image?" + query);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("image/jpeg"));
        QCOMPARE(decodedSize(r.body), size);
    }

    void formats_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QByteArray>("accept");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<bool>("vary");
        QTest::addRow("png") << QByteArray("format=png") << QByteArray() << QByteArray("image/png")
                             << false;
        QTest::addRow("webp") << QByteArray("format=webp") << QByteArray()
                              << QByteArray("image/webp") << false;
        QTest::addRow("avif") << QByteArray("format=avif") << QByteArray()
                              << QByteArray("image/avif") << false;
        QTest::addRow("jpeg") << QByteArray("format=jpeg") << QByteArray()
                              << QByteArray("image/jpeg") << false;
        QTest::addRow("baseline-jpeg") << QByteArray("format=baseline-jpeg") << QByteArray()
                                       << QByteArray("image/jpeg") << false;
        QTest::addRow("auto, avif accepted")
            << QByteArray("format=auto") << QByteArray("image/avif,image/webp,*/*")
            << QByteArray("image/avif") << true;
        QTest::addRow("auto, webp accepted")
            << QByteArray("format=auto") << QByteArray("image/webp,*/*") << QByteArray("image/webp")
            << true;
        QTest::addRow("auto, neither")
            << QByteArray("format=auto") << QByteArray("*/*") << QByteArray("image/jpeg") << true;
        // No format: negotiated as auto, so a browser gets AVIF and curl JPEG.
        QTest::addRow("default, a browser")
            << QByteArray("width=100") << QByteArray("image/avif,image/webp,image/apng,*/*;q=0.8")
            << QByteArray("image/avif") << true;
        QTest::addRow("default, webp only")
            << QByteArray("width=100") << QByteArray("image/webp,*/*") << QByteArray("image/webp")
            << true;
        QTest::addRow("default, avif refused")
            << QByteArray("width=100") << QByteArray("image/avif;q=0,image/webp")
            << QByteArray("image/webp") << true;
        QTest::addRow("default, curl")
            << QByteArray("width=100") << QByteArray() << QByteArray("image/jpeg") << true;
    }
    void formats()
    {
        QFETCH(QByteArray, query);
        QFETCH(QByteArray, accept);
        QFETCH(QByteArray, type);
        QFETCH(bool, vary);
        Headers headers;
        if (!accept.isEmpty())
            headers.append({"Accept", accept});
        const HttpReply r = get("/image?" + query, headers);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), type);
        QCOMPARE(r.header("vary"), vary ? QByteArray("Accept") : QByteArray());
        // The bytes must be what the type says, by their magic numbers.
        if (type == "image/png")
            QVERIFY(r.body.startsWith("\x89PNG\r\n\x1a\n"));
        else if (type == "image/webp")
            QVERIFY(r.body.startsWith("RIFF") && r.body.mid(8, 4) == "WEBP");
        else if (type == "image/avif")
            QVERIFY(r.body.mid(4, 4) == "ftyp" && r.body.left(32).contains("avif"));
        else
            QVERIFY(r.body.startsWith("\xff\xd8\xff"));
        // The default fit, cover, fills the 100x100 box unless the query gives a width alone.
        QCOMPARE(decodedSize(r.body),
                 query.startsWith("width=") ? QSize(100, 75) : QSize(100, 100));
    }

    void autoFormatsHaveTheirOwnEtags()
    {
        const HttpReply avif = get("/image?format=auto", {{"Accept", "image/avif,image/webp,*/*"}});
        const HttpReply webp = get("/image?format=auto", {{"Accept", "image/webp"}});
        QCOMPARE(avif.status, 200);
        QCOMPARE(webp.status, 200);
        QVERIFY(avif.header("etag") != webp.header("etag"));
    }

    void jsonFormat()
    {
        const HttpReply r = get("/image?format=json&width=200");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(r.body, "{\"width\":200,\"height\":150,\"original\":{\"file_size\":" +
                             QByteArray::number(sample().size()) +
                             ",\"width\":1600,\"height\":1200,\"format\":\"image/jpeg\"}}");
        QVERIFY(!r.header("etag").isEmpty());
    }

    void etagAndNotModified()
    {
        const HttpReply first = get("/image?quality=61");
        QCOMPARE(first.status, 200);
        const QByteArray etag = first.header("etag");
        QCOMPARE(etag, expectedImageEtag(md5Hex(sample()), QStringLiteral("quality=61")));
        // Equal options spelled differently are one representation.
        QCOMPARE(get("/image?quality=61&width=100&height=100&fit=cover&format=jpeg").header("etag"),
                 etag);
        QVERIFY(get("/image?quality=62").header("etag") != etag);

        for (const QByteArray &condition : {etag, "W/" + etag, "\"nope\", " + etag}) {
            const HttpReply again = get("/image?quality=61", {{"If-None-Match", condition}});
            QCOMPARE(again.status, 304);
            QVERIFY(again.body.isEmpty());
            QCOMPARE(again.header("etag"), etag);
            QCOMPARE(again.header("cache-control"), QByteArray("public, max-age=3600"));
        }
        QCOMPARE(get("/image?quality=61", {{"If-None-Match", "\"other\""}}).status, 200);
    }

    void notModifiedWithoutDecoding()
    {
        // A truncated JPEG cannot be transformed (422); a client holding its ETag still gets 304,
        // which is only possible if the server never decodes for a conditional hit.
        const QByteArray truncated = sample().left(sample().size() * 2 / 5);
        QCOMPARE(put("cond-truncated.jpg", truncated, {{"Content-Type", "image/jpeg"}}).status,
                 200);
        const QByteArray etag =
            expectedImageEtag(md5Hex(truncated), QStringLiteral("width=90&quality=50"));
        const HttpReply conditional =
            get("/image?key=cond-truncated.jpg&width=90&quality=50", {{"If-None-Match", etag}});
        QCOMPARE(conditional.status, 304);
        QCOMPARE(conditional.header("etag"), etag);
        QCOMPARE(get("/image?key=cond-truncated.jpg&width=90&quality=50").status, 422);
    }

    void repeatIsACacheHit()
    {
        const HttpReply first = get("/image?quality=77&width=120");
        QCOMPARE(first.status, 200);
        QCOMPARE(first.header("x-edgedesk-image"), QByteArray("miss"));
        const HttpReply second = get("/image?quality=77&width=120");
        QCOMPARE(second.status, 200);
        QCOMPARE(second.header("x-edgedesk-image"), QByteArray("hit"));
        QCOMPARE(second.body, first.body);
        QCOMPARE(second.header("etag"), first.header("etag"));
        QCOMPARE(second.header("content-type"), first.header("content-type"));
        QVERIFY(!second.header("x-edgedesk-transform-ms").isEmpty());
    }

    void concurrentMissesAgree()
    {
        // Identical requests in flight together share one transform and get the same bytes.
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < 4; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, port());
            QVERIFY(socket->waitForConnected(5000));
            sockets.push_back(std::move(socket));
        }
        for (auto &socket : sockets)
            socket->write("GET /image?width=140&quality=66 HTTP/1.1\r\nHost: 127.0.0.1:" +
                          QByteArray::number(port()) + "\r\n\r\n");
        QList<SocketReply> replies;
        for (auto &socket : sockets)
            replies.append(readReply(*socket, false));
        for (const SocketReply &r : replies) {
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, replies.first().body);
            QCOMPARE(r.header("etag"), replies.first().header("etag"));
        }
        QCOMPARE(decodedSize(replies.first().body), QSize(140, 105));
    }

    void badParameters_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QString>("name");
        QTest::addRow("width 0") << QByteArray("width=0") << "width";
        QTest::addRow("width text") << QByteArray("width=abc") << "width";
        QTest::addRow("width negative") << QByteArray("width=-5") << "width";
        QTest::addRow("height too large") << QByteArray("height=5000") << "height";
        QTest::addRow("fit") << QByteArray("fit=stretch") << "fit";
        QTest::addRow("gravity") << QByteArray("gravity=up") << "gravity";
        QTest::addRow("format") << QByteArray("format=gif") << "format";
        QTest::addRow("quality") << QByteArray("quality=101") << "quality";
        QTest::addRow("background") << QByteArray("background=notacolor") << "background";
        QTest::addRow("dpr") << QByteArray("dpr=4") << "dpr";
        QTest::addRow("rotate") << QByteArray("rotate=45") << "rotate";
        QTest::addRow("sharpen") << QByteArray("sharpen=11") << "sharpen";
        QTest::addRow("blur") << QByteArray("blur=300") << "blur";
        QTest::addRow("empty key") << QByteArray("key=") << "key";
    }
    void badParameters()
    {
        QFETCH(QByteArray, query);
        QFETCH(QString, name);
        const HttpReply r = get("/image?" + query);
        QCOMPARE(r.status, 400);
        QVERIFY(isJsonError(r, QStringLiteral("bad_request")));
        QVERIFY2(errorMessage(r).startsWith(name), qPrintable(errorMessage(r)));
        QCOMPARE(r.header("cache-control"), QByteArray("no-store"));
    }

    void sourceErrors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addRow("text object")
            << QByteArray("just some notes, not an image\n") << 415 << "unsupported_media_type";
        QTest::addRow("large text object")
            << QByteArray(3 * 1024 * 1024, 'z') << 415 << "unsupported_media_type";
        QTest::addRow("PNG claiming 50000x50000")
            << craftedPng(50000, 50000) << 413 << "payload_too_large";
        QTest::addRow("large PNG claiming 50000x50000")
            << craftedPng(50000, 50000) + QByteArray(2 * 1024 * 1024, '\0') << 413
            << "payload_too_large";
        QTest::addRow("truncated JPEG")
            << sample().left(sample().size() * 2 / 5) << 422 << "unprocessable";
        QTest::addRow("JPEG magic then garbage")
            << QByteArray("\xff\xd8\xff\xe0garbage-garbage-garbage") << 422 << "unprocessable";
    }
    void sourceErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, status);
        QFETCH(QString, code);
        const QByteArray key = "hostile/" + QByteArray(QTest::currentDataTag()).replace(' ', '-');
        QCOMPARE(put(key, content).status, 200);
        // Refusals come from headers or a failed decode: well inside this bound.
        const HttpReply r = request(port(), "GET", "/image?key=" + key, {}, {}, 10000);
        QCOMPARE(r.status, status);
        QVERIFY2(isJsonError(r, code), r.body.constData());
        // And again: errors are not cached as images.
        QCOMPARE(get("/image?key=" + key).status, status);
    }

    void unknownKeyIs404()
    {
        const HttpReply r = get("/image?key=no/such/object.jpg");
        QCOMPARE(r.status, 404);
        QVERIFY(isJsonError(r, QStringLiteral("not_found")));
        QCOMPARE(get(kObjects + "/no/such/object.jpg").status, 404);
        QCOMPARE(headRequest(port(), kObjects + "/no/such/object.jpg").status, 404);
    }

    void onlyGetAndHeadOnImage_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addRow("POST") << QByteArray("POST");
        QTest::addRow("PUT") << QByteArray("PUT");
        QTest::addRow("DELETE") << QByteArray("DELETE");
        QTest::addRow("PATCH") << QByteArray("PATCH");
    }
    void onlyGetAndHeadOnImage()
    {
        QFETCH(QByteArray, method);
        const HttpReply r = request(port(), method, "/image", {}, QByteArray("x"));
        QCOMPARE(r.status, 405);
        QVERIFY(isJsonError(r, QStringLiteral("method_not_allowed")));
        QCOMPARE(r.header("allow"), QByteArray("GET, HEAD"));
    }

    void headOnImage()
    {
        const HttpReply full = get("/image?width=90");
        QCOMPARE(full.status, 200);
        const SocketReply head = headRequest(port(), "/image?width=90");
        QCOMPARE(head.status, 200);
        QVERIFY(head.body.isEmpty());
        QCOMPARE(head.header("content-type"), QByteArray("image/jpeg"));
        QCOMPARE(head.header("content-length").toLongLong(), full.body.size());
        QCOMPARE(head.header("etag"), full.header("etag"));
    }

    void traversalKeysAreRefused_data()
    {
        QTest::addColumn<QByteArray>("encodedKey"); // as it goes in the URL path
        QTest::addRow("../x") << QByteArray("../x");
        QTest::addRow("encoded ../x") << QByteArray("%2E%2E%2Fx");
        QTest::addRow("/etc/passwd") << QByteArray("/etc/passwd");
        QTest::addRow("encoded /etc/passwd") << QByteArray("%2Fetc%2Fpasswd");
        QTest::addRow("a/../../b") << QByteArray("a/../../b");
        QTest::addRow("a/..") << QByteArray("a/..");
        QTest::addRow("NUL") << QByteArray("a%00b");
        QTest::addRow("2000-byte key") << QByteArray(2000, 'k');
        QTest::addRow("invalid UTF-8") << QByteArray("bad%FF%FEkey");
        QTest::addRow("empty") << QByteArray("");
    }
    void traversalKeysAreRefused()
    {
        QFETCH(QByteArray, encodedKey);
        const QMap<QString, QString> objectsBefore = allObjects();
        const QMap<QString, qint64> filesBefore = dataFiles();
        const QByteArray path = kObjects + '/' + encodedKey;

        const HttpReply putReply = request(port(), "PUT", path, {}, QByteArray("owned"));
        QCOMPARE(putReply.status, 400);
        QVERIFY2(isJsonError(putReply, QStringLiteral("bad_request")), putReply.body.constData());
        QVERIFY(errorMessage(putReply).startsWith(QLatin1String("key")));
        for (const QByteArray &method : {QByteArray("GET"), QByteArray("DELETE")}) {
            const HttpReply r = request(port(), method, path);
            QCOMPARE(r.status, 400);
            QVERIFY(isJsonError(r, QStringLiteral("bad_request")));
        }
        QCOMPARE(headRequest(port(), path).status, 400);
        const HttpReply image = get("/image?key=" + encodedKey);
        QCOMPARE(image.status, 400);
        QVERIFY(isJsonError(image, QStringLiteral("bad_request")));

        QCOMPARE(allObjects(), objectsBefore);
        QCOMPARE(dataFiles(), filesBefore);
    }

    void keysMayArrivePercentEncoded()
    {
        const QByteArray body("spaced out");
        QCOMPARE(put("dir%2Fwith%20space%E2%82%AC.txt", body).status, 200);
        QVERIFY(allObjects().contains(QStringLiteral("dir/with space€.txt")));
        const HttpReply r = get(kObjects + "/dir/with%20space%E2%82%AC.txt");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, body);
        QCOMPARE(request(port(), "DELETE", kObjects + "/dir%2Fwith%20space%E2%82%AC.txt").status,
                 200);
    }

    void ranges_data()
    {
        QTest::addColumn<QByteArray>("range");
        QTest::addColumn<int>("status");
        QTest::addColumn<qint64>("first"); // -1: the whole object
        QTest::addColumn<qint64>("last");
        QTest::addRow("first ten") << QByteArray("bytes=0-9") << 206 << 0LL << 9LL;
        QTest::addRow("middle") << QByteArray("bytes=100-199") << 206 << 100LL << 199LL;
        QTest::addRow("open end") << QByteArray("bytes=990-") << 206 << 990LL << 999LL;
        QTest::addRow("suffix") << QByteArray("bytes=-10") << 206 << 990LL << 999LL;
        QTest::addRow("suffix longer than object")
            << QByteArray("bytes=-5000") << 206 << 0LL << 999LL;
        QTest::addRow("end clamped") << QByteArray("bytes=995-2000") << 206 << 995LL << 999LL;
        QTest::addRow("single last byte") << QByteArray("bytes=999-999") << 206 << 999LL << 999LL;
        QTest::addRow("past the end") << QByteArray("bytes=1000-") << 416 << 0LL << 0LL;
        QTest::addRow("far past the end") << QByteArray("bytes=5000-6000") << 416 << 0LL << 0LL;
        QTest::addRow("empty suffix") << QByteArray("bytes=-0") << 416 << 0LL << 0LL;
        QTest::addRow("reversed: ignored") << QByteArray("bytes=9-2") << 200 << -1LL << 0LL;
        QTest::addRow("other unit: ignored") << QByteArray("items=0-9") << 200 << -1LL << 0LL;
        QTest::addRow("several ranges: whole") << QByteArray("bytes=0-1,5-6") << 200 << -1LL << 0LL;
    }
    void ranges()
    {
        QFETCH(QByteArray, range);
        QFETCH(int, status);
        QFETCH(qint64, first);
        QFETCH(qint64, last);
        QByteArray content(1000, Qt::Uninitialized);
        for (int i = 0; i < content.size(); ++i)
            content[i] = char(i % 251);
        const HttpReply stored = put("range.bin", content);
        QCOMPARE(stored.status, 200);
        const HttpReply r = get(kObjects + "/range.bin", {{"Range", range}});
        QCOMPARE(r.status, status);
        if (status == 416) {
            QVERIFY(isJsonError(r, QStringLiteral("range_not_satisfiable")));
            QCOMPARE(r.header("content-range"), QByteArray("bytes */1000"));
            return;
        }
        QCOMPARE(r.header("etag"), quoted(md5Hex(content)));
        QCOMPARE(r.header("accept-ranges"), QByteArray("bytes"));
        if (first < 0) {
            QCOMPARE(r.body, content);
            QVERIFY(r.header("content-range").isEmpty());
            return;
        }
        QCOMPARE(r.body, content.mid(first, last - first + 1));
        QCOMPARE(r.header("content-length").toLongLong(), last - first + 1);
        QCOMPARE(r.header("content-range"),
                 "bytes " + QByteArray::number(first) + '-' + QByteArray::number(last) + "/1000");
        QCOMPARE(r.header("content-type"), QByteArray("application/octet-stream"));
    }

    void ifRange()
    {
        const QByteArray content = randomBytes(4096, 7);
        QCOMPARE(put("ifrange.bin", content).status, 200);
        const QByteArray etag = quoted(md5Hex(content));
        const HttpReply same =
            get(kObjects + "/ifrange.bin", {{"Range", "bytes=0-99"}, {"If-Range", etag}});
        QCOMPARE(same.status, 206);
        QCOMPARE(same.body, content.left(100));
        const HttpReply changed =
            get(kObjects + "/ifrange.bin", {{"Range", "bytes=0-99"}, {"If-Range", "\"older\""}});
        QCOMPARE(changed.status, 200);
        QCOMPARE(changed.body, content);
    }

    void objectHeadAndMetadata()
    {
        const QByteArray content("hello, bucket");
        const HttpReply stored = put("meta/hello.txt", content,
                                     {{"Content-Type", "text/plain; charset=utf-8"},
                                      {"X-EdgeDesk-Meta-Owner", "alice"},
                                      {"x-edgedesk-meta-purpose", "demo run"}});
        QCOMPARE(stored.status, 200);
        QCOMPARE(stored.header("etag"), quoted(md5Hex(content)));
        const QJsonObject json = stored.json();
        QCOMPARE(json.value(QStringLiteral("key")).toString(), QStringLiteral("meta/hello.txt"));
        QCOMPARE(json.value(QStringLiteral("size")).toInteger(), content.size());
        QCOMPARE(json.value(QStringLiteral("etag")).toString().toLatin1(), md5Hex(content));
        QCOMPARE(json.value(QStringLiteral("content_type")).toString(),
                 QStringLiteral("text/plain; charset=utf-8"));
        QCOMPARE(json.value(QStringLiteral("custom_metadata")).toObject(),
                 (QJsonObject{{"owner", "alice"}, {"purpose", "demo run"}}));

        const HttpReply r = get(kObjects + "/meta/hello.txt");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, content);
        QCOMPARE(r.header("content-type"), QByteArray("text/plain; charset=utf-8"));
        QCOMPARE(r.header("x-edgedesk-meta-owner"), QByteArray("alice"));
        QCOMPARE(r.header("x-edgedesk-meta-purpose"), QByteArray("demo run"));
        QVERIFY(r.header("content-security-policy").contains("sandbox"));
        // An IMF-fixdate (RFC 9110), in GMT.
        QDateTime modified =
            QLocale::c().toDateTime(QString::fromLatin1(r.header("last-modified")),
                                    QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
        modified.setTimeSpec(Qt::UTC);
        QVERIFY2(modified.isValid(), r.header("last-modified").constData());
        QVERIFY(qAbs(modified.secsTo(QDateTime::currentDateTimeUtc())) < 600);

        const SocketReply head = headRequest(port(), kObjects + "/meta/hello.txt");
        QCOMPARE(head.status, 200);
        QVERIFY(head.body.isEmpty());
        QCOMPARE(head.header("content-length").toLongLong(), content.size());
        QCOMPARE(head.header("etag"), quoted(md5Hex(content)));
        QCOMPARE(head.header("content-type"), QByteArray("text/plain; charset=utf-8"));
        QCOMPARE(head.header("x-edgedesk-meta-owner"), QByteArray("alice"));
    }

    void objectIfNoneMatch()
    {
        const QByteArray content = randomBytes(2048, 11);
        QCOMPARE(put("inm.bin", content).status, 200);
        const QByteArray etag = quoted(md5Hex(content));
        for (const QByteArray &condition : {etag, "W/" + etag, QByteArray("*")}) {
            const HttpReply r = get(kObjects + "/inm.bin", {{"If-None-Match", condition}});
            QCOMPARE(r.status, 304);
            QVERIFY(r.body.isEmpty());
            QCOMPARE(r.header("etag"), etag);
        }
        const HttpReply other = get(kObjects + "/inm.bin", {{"If-None-Match", "\"stale\""}});
        QCOMPARE(other.status, 200);
        QCOMPARE(other.body, content);
    }

    void contentMd5()
    {
        const QByteArray first = randomBytes(64 * 1024, 21);
        const QByteArray firstMd5 =
            QCryptographicHash::hash(first, QCryptographicHash::Md5).toBase64();
        const HttpReply good = put("md5.bin", first, {{"Content-MD5", firstMd5}});
        QCOMPARE(good.status, 200);
        QCOMPARE(good.json().value(QStringLiteral("etag")).toString().toLatin1(), md5Hex(first));

        const QByteArray second = randomBytes(64 * 1024, 22);
        const HttpReply wrong = put("md5.bin", second, {{"Content-MD5", firstMd5}});
        QCOMPARE(wrong.status, 400);
        QVERIFY(isJsonError(wrong, QStringLiteral("bad_request")));
        QVERIFY(errorMessage(wrong).contains(QLatin1String("Content-MD5")));
        const HttpReply malformed = put("md5.bin", second, {{"Content-MD5", "not-base64!"}});
        QCOMPARE(malformed.status, 400);

        const HttpReply kept = get(kObjects + "/md5.bin");
        QCOMPARE(kept.status, 200);
        QCOMPARE(kept.header("etag"), quoted(md5Hex(first)));
        QCOMPARE(kept.body, first);
    }

    void thirtyMebibytePut()
    {
        const QByteArray big = randomBytes(30LL * 1024 * 1024, 30);
        const HttpReply r =
            put("big/30mib.bin", big, {{"Content-Type", "application/x-test"}}, 120000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("etag")).toString().toLatin1(), md5Hex(big));
        QCOMPARE(r.json().value(QStringLiteral("size")).toInteger(), big.size());
        const HttpReply back = request(port(), "GET", kObjects + "/big/30mib.bin", {}, {}, 120000);
        QCOMPARE(back.status, 200);
        QCOMPARE(back.header("content-type"), QByteArray("application/x-test"));
        QVERIFY(back.body == big);
        QCOMPARE(request(port(), "DELETE", kObjects + "/big/30mib.bin").status, 200);
    }

    void uploadOverTheLimitIsRefusedBeforeTheBody_data()
    {
        QTest::addColumn<QByteArray>("extraHeaders");
        QTest::addRow("plain") << QByteArray();
        QTest::addRow("Expect: 100-continue") << QByteArray("Expect: 100-continue\r\n");
    }
    void uploadOverTheLimitIsRefusedBeforeTheBody()
    {
        QFETCH(QByteArray, extraHeaders);
        // Only the head goes out: the answer must come without a byte of the body.
        const QByteArray head =
            "PUT " + kObjects +
            "/too-big.bin HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port()) +
            "\r\nContent-Length: " + QByteArray::number(100LL * 1024 * 1024 + 1) + "\r\n" +
            extraHeaders + "\r\n";
        const HttpReply r = rawRequest(port(), head);
        QCOMPARE(r.status, 413);
        QVERIFY(isJsonError(r, QStringLiteral("payload_too_large")));
        QVERIFY(!allObjects().contains(QStringLiteral("too-big.bin")));
    }

    void listing()
    {
        const QStringList keys{"list/a.txt", "list/b/1.txt", "list/b/2.txt", "list/c.txt",
                               "list/d/x.txt"};
        for (const QString &key : keys)
            QCOMPARE(put(key.toUtf8(), key.toUtf8()).status, 200);

        const HttpReply grouped = get(kObjects + "?prefix=list/&delimiter=/");
        QCOMPARE(grouped.status, 200);
        QJsonObject body = grouped.json();
        QStringList names;
        for (const QJsonValue &o : body.value(QStringLiteral("objects")).toArray())
            names.append(o[QStringLiteral("key")].toString());
        QCOMPARE(names, (QStringList{"list/a.txt", "list/c.txt"}));
        QCOMPARE(body.value(QStringLiteral("delimited_prefixes")).toArray(),
                 (QJsonArray{"list/b/", "list/d/"}));
        QCOMPARE(body.value(QStringLiteral("truncated")).toBool(), false);
        QVERIFY(!body.contains(QStringLiteral("cursor")));

        // Pages of two, following the cursor, give every key once, in order.
        QStringList paged;
        QByteArray cursor;
        int pages = 0;
        for (;;) {
            const HttpReply page = get(kObjects + "?prefix=list%2F&limit=2" +
                                       (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            QCOMPARE(page.status, 200);
            body = page.json();
            const QJsonArray objects = body.value(QStringLiteral("objects")).toArray();
            QVERIFY(objects.size() <= 2);
            for (const QJsonValue &o : objects)
                paged.append(o[QStringLiteral("key")].toString());
            ++pages;
            if (!body.value(QStringLiteral("truncated")).toBool())
                break;
            QVERIFY(!body.value(QStringLiteral("cursor")).toString().isEmpty());
            cursor = QUrl::toPercentEncoding(body.value(QStringLiteral("cursor")).toString());
            QVERIFY(pages < 10);
        }
        QCOMPARE(paged, keys);
        QCOMPARE(pages, 3);

        for (const QByteArray &query :
             {QByteArray("limit=0"), QByteArray("limit=1001"), QByteArray("limit=ten")}) {
            const HttpReply bad = get(kObjects + '?' + query);
            QCOMPARE(bad.status, 400);
            QVERIFY(errorMessage(bad).startsWith(QLatin1String("limit")));
        }
        const HttpReply badCursor = get(kObjects + "?cursor=forged");
        QCOMPARE(badCursor.status, 400);
        QVERIFY(errorMessage(badCursor).contains(QLatin1String("cursor")));
    }

    void deleteThenNotFound()
    {
        QCOMPARE(put("gone.jpg", sample(), {{"Content-Type", "image/jpeg"}}).status, 200);
        QCOMPARE(get("/image?key=gone.jpg").status, 200);
        const HttpReply removed = request(port(), "DELETE", kObjects + "/gone.jpg");
        QCOMPARE(removed.status, 200);
        QCOMPARE(removed.json(), (QJsonObject{{"success", true}, {"key", "gone.jpg"}}));
        QCOMPARE(get(kObjects + "/gone.jpg").status, 404);
        // The transformed image is not served from the cache once its source is gone.
        const HttpReply image = get("/image?key=gone.jpg");
        QCOMPARE(image.status, 404);
        QVERIFY(isJsonError(image, QStringLiteral("not_found")));
        const HttpReply again = request(port(), "DELETE", kObjects + "/gone.jpg");
        QCOMPARE(again.status, 404);
        QVERIFY(isJsonError(again, QStringLiteral("not_found")));
        QVERIFY(!allObjects().contains(QStringLiteral("gone.jpg")));
    }

    void replacedSourceIsTransformedAgain()
    {
        QCOMPARE(put("swap.jpg", sample(), {{"Content-Type", "image/jpeg"}}).status, 200);
        const HttpReply before = get("/image?key=swap.jpg&format=json");
        QCOMPARE(before.status, 200);
        // A new version under the same key: a new source etag, so a new ETag and no stale hit.
        Magick::Image small(Magick::Geometry(40, 30), Magick::Color("green"));
        small.magick("PNG");
        Magick::Blob blob;
        small.write(&blob);
        const QByteArray png(static_cast<const char *>(blob.data()), qsizetype(blob.length()));
        QCOMPARE(put("swap.jpg", png, {{"Content-Type", "image/png"}}).status, 200);
        const HttpReply after = get("/image?key=swap.jpg&format=json");
        QCOMPARE(after.status, 200);
        QVERIFY(after.header("etag") != before.header("etag"));
        QCOMPARE(after.header("x-edgedesk-image"), QByteArray("miss"));
        QVERIFY(after.body.contains("\"format\":\"image/png\""));
        const HttpReply image = get("/image?key=swap.jpg&fit=scale-down");
        QCOMPARE(image.header("content-type"), QByteArray("image/jpeg"));
        QCOMPARE(decodedSize(image.body), QSize(40, 30));
    }
};

QTEST_GUILESS_MAIN(TestImageRoutes)
#include "test_imageroutes.moc"
