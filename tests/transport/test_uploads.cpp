// Large request bodies never sit in memory whole: they go to a temporary file in the data folder
// as they arrive. Eight 100 MiB bucket uploads in parallel raise the process's resident memory
// by a few tens of MB at most (measured in /proc/self/status), it comes back down afterwards,
// the objects stored are exact, and no temporary file is left behind.
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

constexpr qint64 kMiB = 1024 * 1024;

// A field of /proc/self/status in bytes, e.g. "VmRSS" (the resident set) or "VmHWM" (its peak).
qint64 statusBytes(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(QByteArray(field) + ':'))
            return line.mid(qstrlen(field) + 1).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

// Starts a new peak: VmHWM becomes the current VmRSS.
bool resetPeak()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    return clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
}

// One MiB whose bytes depend on `seed`; an upload sends it again and again.
QByteArray pattern(int seed)
{
    QByteArray chunk(kMiB, Qt::Uninitialized);
    for (qsizetype i = 0; i < chunk.size(); ++i)
        chunk[i] = char((i * 31 + seed * 7 + (i >> 12)) & 0xff);
    return chunk;
}

QString md5Of(const QByteArray &chunk, int times)
{
    QCryptographicHash md5(QCryptographicHash::Md5);
    for (int i = 0; i < times; ++i)
        md5.addData(chunk);
    return QString::fromLatin1(md5.result().toHex());
}

struct Answer
{
    int status = 0;
    QByteArray body;
};

bool sendAll(int fd, const char *data, qsizetype size)
{
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size_t(size), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        data += n;
        size -= n;
    }
    return true;
}

// PUTs `chunk` `times` times as one body over a blocking socket (the client holds one chunk, not
// the body), then reads the answer until the server closes the connection.
Answer put(quint16 port, const QByteArray &path, const QByteArray &chunk, int times)
{
    Answer answer;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return answer;
    timeval timeout{120, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0) {
        const QByteArray head =
            "PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
            "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
            QByteArray::number(chunk.size() * times) + "\r\nConnection: close\r\n\r\n";
        bool sent = sendAll(fd, head.constData(), head.size());
        for (int i = 0; sent && i < times; ++i)
            sent = sendAll(fd, chunk.constData(), chunk.size());
        QByteArray got;
        char buffer[16384];
        for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
            got.append(buffer, n);
        answer.status = got.mid(9, 3).toInt();
        answer.body = got.mid(got.indexOf("\r\n\r\n") + 4);
    }
    ::close(fd);
    return answer;
}

} // namespace

class TestUploads final : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }
    static QByteArray objectPath(const QByteArray &key)
    {
        return "/__edgedesk/v1/r2/PUBLIC/objects/" + key;
    }
    QString spoolDir() const { return m_server->dataDir() + QStringLiteral("/tmp/requests"); }
    QStringList spoolFiles() const { return QDir(spoolDir()).entryList(QDir::Files); }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
    }
    void cleanupTestCase() { m_server.reset(); }

    void parallelUploadsStayOutOfMemory()
    {
        constexpr int kUploads = 8;
        constexpr int kSizeMiB = 100;
        std::vector<QByteArray> chunks;
        for (int i = 0; i < kUploads; ++i)
            chunks.push_back(pattern(i));
        // One upload first, so that what every upload needs (threads, pools, caches) exists
        // before the measure starts.
        QCOMPARE(put(port(), objectPath("warm-up"), chunks[0], 4).status, 200);
        QTRY_VERIFY(spoolFiles().isEmpty());

        const qint64 before = statusBytes("VmRSS");
        QVERIFY(before > 0);
        QVERIFY(resetPeak());
        std::vector<Answer> answers(kUploads);
        std::vector<std::thread> clients;
        for (int i = 0; i < kUploads; ++i) {
            clients.emplace_back([&, i] {
                answers[size_t(i)] = put(port(), objectPath("big-" + QByteArray::number(i)),
                                         chunks[size_t(i)], kSizeMiB);
            });
        }
        for (std::thread &client : clients)
            client.join();
        const qint64 peak = statusBytes("VmHWM");
        QTRY_VERIFY(spoolFiles().isEmpty()); // each body's file goes with its request
        const qint64 after = statusBytes("VmRSS");
        qInfo("resident memory: %lld MiB before, %lld MiB at the peak, %lld MiB after "
              "%d parallel uploads of %d MiB",
              before / kMiB, peak / kMiB, after / kMiB, kUploads, kSizeMiB);

        for (int i = 0; i < kUploads; ++i) {
            const Answer &a = answers[size_t(i)];
            QVERIFY2(a.status == 200, a.body.constData());
            const QJsonObject object = QJsonDocument::fromJson(a.body).object();
            QCOMPARE(object.value(QStringLiteral("size")).toDouble(), double(kSizeMiB * kMiB));
            QCOMPARE(object.value(QStringLiteral("etag")).toString(),
                     md5Of(chunks[size_t(i)], kSizeMiB));
        }
        QVERIFY2(peak - before < 48 * kMiB, qPrintable(QString::number((peak - before) / kMiB)));
        QVERIFY2(after - before < 16 * kMiB, qPrintable(QString::number((after - before) / kMiB)));
    }

    // A small body stays in memory and never touches the folder; a body over the threshold sent
    // to a route that wants it whole (a KV value) is read back from its file intact.
    void bodiesOnEitherSideOfTheThreshold()
    {
        const QByteArray small(1000, 's');
        QCOMPARE(request(port(), "PUT", "/__edgedesk/v1/kv/MY_KV/keys/small", {}, small).status,
                 200);
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/small").body, small);
        const QByteArray large = pattern(9).left(3 * 1024 * 1024 / 2).repeated(2);
        QCOMPARE(request(port(), "PUT", "/__edgedesk/v1/kv/MY_KV/keys/large", {}, large).status,
                 200);
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/large").body, large);
        QTRY_VERIFY(spoolFiles().isEmpty());
    }

    // A client that leaves in the middle of a large body leaves no file behind.
    void abandonedUploadLeavesNoFile()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("PUT " + objectPath("abandoned") +
                     " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port()) +
                     "\r\nContent-Length: " + QByteArray::number(50 * kMiB) + "\r\n\r\n");
        const QByteArray chunk = pattern(3);
        for (int i = 0; i < 4; ++i)
            socket.write(chunk);
        QVERIFY(socket.waitForBytesWritten(5000));
        QTRY_VERIFY(!spoolFiles().isEmpty()); // the body has gone to a file
        socket.abort();
        QTRY_VERIFY(spoolFiles().isEmpty());
        QCOMPARE(request(port(), "GET", objectPath("abandoned")).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestUploads)
#include "test_uploads.moc"
