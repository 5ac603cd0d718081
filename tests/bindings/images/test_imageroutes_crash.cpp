// The bucket's crash safety over HTTP: a real `edgedesk --headless` is SIGKILLed during a large
// PUT that replaces an object; after a restart the previous object is whole (or, when the kill
// came after the last byte, exactly one of the two versions), and no partial upload is left.
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

const QByteArray kObject = "/__edgedesk/v1/r2/PUBLIC/objects/big.bin";
constexpr qint64 kMiB = 1024 * 1024;

QByteArray randomBytes(qint64 size, quint32 seed)
{
    QRandomGenerator generator(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    generator.fillRange(reinterpret_cast<quint32 *>(bytes.data()), size / 4);
    return bytes;
}

QByteArray md5Hex(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex();
}

} // namespace

class TestImageRoutesCrash final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedDuringUpload_data()
    {
        QTest::addColumn<int>("sendMiB");    // how much of the 60 MiB body goes out before the kill
        QTest::addColumn<int>("pauseMs");    // between 1 MiB chunks
        QTest::addColumn<bool>("mayCommit"); // the new version may have been committed
        QTest::addRow("60 MiB sent slowly, killed after 20 MiB") << 20 << 25 << false;
        QTest::addRow("60 MiB sent slowly, killed after 59 MiB") << 59 << 5 << false;
        QTest::addRow("killed right after the last byte") << 60 << 0 << true;
    }
    void killedDuringUpload()
    {
        QFETCH(int, sendMiB);
        QFETCH(int, pauseMs);
        QFETCH(bool, mayCommit);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray previous = randomBytes(4 * kMiB, 1);
        const QByteArray next = randomBytes(60 * kMiB, 2);
        {
            EdgedeskProcess edgedesk(dir.path());
            QVERIFY2(edgedesk.start(), edgedesk.output().constData());
            const HttpReply stored = request(edgedesk.port(), "PUT", kObject, {}, previous, 60000);
            QCOMPARE(stored.status, 200);

            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, edgedesk.port());
            QVERIFY(socket.waitForConnected(5000));
            socket.write("PUT " + kObject +
                         " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(edgedesk.port()) +
                         "\r\nContent-Type: application/x-test\r\nContent-Length: " +
                         QByteArray::number(next.size()) + "\r\n\r\n");
            for (int i = 0; i < sendMiB; ++i) {
                socket.write(next.mid(i * kMiB, kMiB));
                while (socket.bytesToWrite() > 0) {
                    if (!socket.waitForBytesWritten(10000))
                        break;
                }
                QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
                if (pauseMs > 0)
                    QThread::msleep(pauseMs);
            }
            edgedesk.kill9();
        }

        EdgedeskProcess restarted(dir.path());
        QVERIFY2(restarted.start(), restarted.output().constData());
        const HttpReply r = request(restarted.port(), "GET", kObject, {}, {}, 60000);
        QCOMPARE(r.status, 200);
        const QByteArray etag = r.header("etag");
        if (mayCommit && etag == '"' + md5Hex(next) + '"') {
            QVERIFY(r.body == next);
        } else {
            QCOMPARE(etag, '"' + md5Hex(previous) + '"');
            QVERIFY(r.body == previous);
        }
        QCOMPARE(md5Hex(r.body), etag.mid(1, etag.size() - 2));

        // The store's start-up sweep leaves no partial upload, and nothing else appeared.
        const QStringList leftovers = QDir(dir.path() + "/r2/PUBLIC/tmp")
                                          .entryList(QDir::Files | QDir::Hidden | QDir::System);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(u',')));
        const HttpReply listing =
            request(restarted.port(), "GET", "/__edgedesk/v1/r2/PUBLIC/objects");
        QStringList keys;
        for (const QJsonValue &o : listing.json().value(QStringLiteral("objects")).toArray())
            keys.append(o[QStringLiteral("key")].toString());
        QCOMPARE(keys, (QStringList{"big.bin", "pristine.jpg"}));

        // The bucket still takes writes.
        const QByteArray again = randomBytes(kMiB, 3);
        const HttpReply rewritten = request(restarted.port(), "PUT", kObject, {}, again, 60000);
        QCOMPARE(rewritten.status, 200);
        QCOMPARE(rewritten.header("etag"), '"' + md5Hex(again) + '"');
    }
};

QTEST_GUILESS_MAIN(TestImageRoutesCrash)
#include "test_imageroutes_crash.moc"
