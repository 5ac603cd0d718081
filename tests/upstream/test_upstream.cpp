#include "containertestkit.h"
#include "upstream/httpforwarder.h"
#include "upstream/upstreampool.h"
#include "testsupport.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

// The proxy's HTTP/1.1 client: keep-alive pool, response framing, failures and cancellation,
// against real sockets.
class TestUpstream_ final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void framing_data();
    void framing();
    void keepAliveReusesOneConnection();
    void concurrentRequestsEachGetAConnection();
    void refused();
    void timeout();
    void retriesWhenTheUpstreamClosedAnIdleConnection();
    void cancelClosesTheConnection();
    void closeAllFailsWhatIsInFlight();
    void headRequestHasNoBody();
    void unixSocketIsPreferred();
    void unreachableUnixSocketFallsBackToTcp();
};

namespace {

struct Outcome
{
    bool done = false;
    int status = 0;
    HeaderList headers;
    qint64 announced = -2;
    QByteArray body;
    std::optional<UpstreamFailure> failure;
    QString detail;
};

UpstreamCallbacks collect(const std::shared_ptr<Outcome> &o)
{
    UpstreamCallbacks c;
    c.head = [o](int status, const HeaderList &headers, qint64 length) {
        o->status = status;
        o->headers = headers;
        o->announced = length;
    };
    c.data = [o](const QByteArray &d) { o->body += d; };
    c.complete = [o] { o->done = true; };
    c.failed = [o](UpstreamFailure f, const QString &detail) {
        o->failure = f;
        o->detail = detail;
        o->done = true;
    };
    return c;
}

UpstreamRequest post(const QByteArray &body, int timeoutMs = 5000)
{
    UpstreamRequest r;
    r.method = "POST";
    r.target = "/echo?x=1";
    r.headers = {{"Content-Type", "application/test"}};
    r.body = body;
    r.timeoutMs = timeoutMs;
    return r;
}

QByteArray pattern(qsizetype size)
{
    QByteArray out(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        out[i] = char('a' + (i * 31) % 26);
    return out;
}

} // namespace

void TestUpstream_::framing_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<qsizetype>("size");
    QTest::addColumn<qint64>("announced");
    const QList<QPair<const char *, TestUpstream::Mode>> modes = {
        {"content-length", TestUpstream::Mode::Echo},
        {"chunked", TestUpstream::Mode::Chunked},
        {"close-delimited", TestUpstream::Mode::CloseDelimited}};
    for (const auto &[name, mode] : modes) {
        for (qsizetype size : {qsizetype(0), qsizetype(10), qsizetype(300 * 1024)}) {
            const qint64 announced = mode == TestUpstream::Mode::Echo ? size : -1;
            QTest::addRow("%s, %lld bytes", name, qlonglong(size))
                << int(mode) << size << announced;
        }
    }
}

void TestUpstream_::framing()
{
    QFETCH(int, mode);
    QFETCH(qsizetype, size);
    QFETCH(qint64, announced);
    TestUpstream upstream{TestUpstream::Mode(mode)};
    UpstreamPool pool(QStringLiteral("127.0.0.1"), upstream.port());
    // Twice: the second answer must parse on a reused (or, close-delimited, fresh) connection.
    for (int round = 0; round < 2; ++round) {
        auto o = std::make_shared<Outcome>();
        pool.send(post(pattern(size)), collect(o));
        QTRY_VERIFY_WITH_TIMEOUT(o->done, 10000);
        QVERIFY2(!o->failure, qPrintable(o->detail));
        QCOMPARE(o->status, 200);
        QCOMPARE(o->announced, announced);
        QCOMPARE(o->body.size(), size);
        QVERIFY(o->body == pattern(size));
    }
    const QByteArray head = upstream.lastHead();
    QVERIFY(head.startsWith("POST /echo?x=1 HTTP/1.1\r\n"));
    QVERIFY(head.contains("\r\nHost: 127.0.0.1:" + QByteArray::number(upstream.port())));
    QVERIFY(head.contains("\r\nContent-Length: " + QByteArray::number(size)));
    QCOMPARE(upstream.connectionsAccepted(),
             mode == int(TestUpstream::Mode::CloseDelimited) ? 2 : 1);
}

void TestUpstream_::keepAliveReusesOneConnection()
{
    TestUpstream upstream{TestUpstream::Mode::Echo};
    UpstreamPool pool(QStringLiteral("127.0.0.1"), upstream.port());
    for (int i = 0; i < 20; ++i) {
        auto o = std::make_shared<Outcome>();
        pool.send(post(QByteArray::number(i)), collect(o));
        QTRY_VERIFY(o->done);
        QCOMPARE(o->body, QByteArray::number(i));
    }
    QCOMPARE(upstream.requestsSeen(), 20);
    QCOMPARE(upstream.connectionsAccepted(), 1);
    QCOMPARE(pool.connectionCount(), 1);
    QCOMPARE(pool.idleCount(), 1);
}

void TestUpstream_::concurrentRequestsEachGetAConnection()
{
    TestUpstream upstream{TestUpstream::Mode::Echo};
    UpstreamPool pool(QStringLiteral("127.0.0.1"), upstream.port());
    QList<std::shared_ptr<Outcome>> outcomes;
    for (int i = 0; i < 12; ++i) {
        outcomes.append(std::make_shared<Outcome>());
        pool.send(post(QByteArray::number(i)), collect(outcomes.last()));
    }
    QTRY_VERIFY(std::all_of(outcomes.begin(), outcomes.end(), [](auto &o) { return o->done; }));
    for (int i = 0; i < 12; ++i)
        QCOMPARE(outcomes[i]->body, QByteArray::number(i));
    // More than QNetworkAccessManager's 6, and never more than were needed.
    QCOMPARE(upstream.connectionsAccepted(), 12);
    QCOMPARE(pool.idleCount(), 12);
}

void TestUpstream_::refused()
{
    const quint16 closed = freePort();
    UpstreamPool pool(QStringLiteral("127.0.0.1"), closed);
    auto o = std::make_shared<Outcome>();
    pool.send(post("x"), collect(o));
    QTRY_VERIFY(o->done);
    QCOMPARE(o->failure, std::optional(UpstreamFailure::Refused));
    QCOMPARE(o->status, 0);
    QCOMPARE(pool.connectionCount(), 0);
}

void TestUpstream_::timeout()
{
    TestUpstream upstream{TestUpstream::Mode::Silent};
    UpstreamPool pool(QStringLiteral("127.0.0.1"), upstream.port());
    auto o = std::make_shared<Outcome>();
    pool.send(post("x", 300), collect(o));
    QTRY_VERIFY_WITH_TIMEOUT(o->done, 5000);
    QCOMPARE(o->failure, std::optional(UpstreamFailure::Timeout));
    QVERIFY(o->detail.contains(QLatin1String("300 ms")));
    // The connection that timed out is closed, not reused.
    QTRY_COMPARE(upstream.openConnections(), 0);
    QCOMPARE(pool.connectionCount(), 0);
}

void TestUpstream_::retriesWhenTheUpstreamClosedAnIdleConnection()
{
    TestUpstream upstream{TestUpstream::Mode::Echo};
    UpstreamPool pool(QStringLiteral("127.0.0.1"), upstream.port());
    auto first = std::make_shared<Outcome>();
    pool.send(post("one"), collect(first));
    QTRY_VERIFY(first->done);
    upstream.closeIdleConnections();
    // Sent at once, before this thread saw the close: the pool still holds the dead connection.
    auto second = std::make_shared<Outcome>();
    pool.send(post("two"), collect(second));
    QTRY_VERIFY(second->done);
    QVERIFY2(!second->failure, qPrintable(second->detail));
    QCOMPARE(second->body, QByteArray("two"));
    QCOMPARE(upstream.requestsSeen(), 2);
    QCOMPARE(upstream.connectionsAccepted(), 2);
}

void TestUpstream_::cancelClosesTheConnection()
{
    TestUpstream upstream{TestUpstream::Mode::Silent};
    UpstreamPool pool(QStringLiteral("127.0.0.1"), upstream.port());
    auto o = std::make_shared<Outcome>();
    auto call = pool.send(post("x", 30000), collect(o));
    QTRY_COMPARE(upstream.requestsSeen(), 1);
    QCOMPARE(upstream.openConnections(), 1);
    pool.cancel(call);
    QTRY_COMPARE(upstream.openConnections(), 0);
    QVERIFY(deliverPostedEvents());
    QVERIFY(!o->done); // nothing is reported after a cancel
    QCOMPARE(pool.connectionCount(), 0);
}

void TestUpstream_::closeAllFailsWhatIsInFlight()
{
    TestUpstream upstream{TestUpstream::Mode::Silent};
    UpstreamPool pool(QStringLiteral("127.0.0.1"), upstream.port());
    auto a = std::make_shared<Outcome>();
    auto b = std::make_shared<Outcome>();
    pool.send(post("a", 30000), collect(a));
    pool.send(post("b", 30000), collect(b));
    QTRY_COMPARE(upstream.requestsSeen(), 2);
    pool.closeAll(QStringLiteral("instance-0 stopped"));
    QVERIFY(a->done && b->done);
    QCOMPARE(a->failure, std::optional(UpstreamFailure::Closed));
    QCOMPARE(b->detail, QStringLiteral("instance-0 stopped"));
    QTRY_COMPARE(upstream.openConnections(), 0);
}

void TestUpstream_::headRequestHasNoBody()
{
    TestUpstream upstream{TestUpstream::Mode::Echo};
    UpstreamPool pool(QStringLiteral("127.0.0.1"), upstream.port());
    // The echo server announces Content-Length: 5 for HEAD and sends no body; the request after
    // it on the same connection must still parse.
    UpstreamRequest head;
    head.method = "HEAD";
    head.target = "/";
    auto o = std::make_shared<Outcome>();
    pool.send(head, collect(o));
    QTRY_VERIFY(o->done);
    QCOMPARE(o->status, 200);
    QCOMPARE(o->announced, qint64(0));
    auto g = std::make_shared<Outcome>();
    pool.send(post("after"), collect(g));
    QTRY_VERIFY(g->done);
    QCOMPARE(g->body, QByteArray("after"));
    QCOMPARE(upstream.connectionsAccepted(), 1);
}

namespace {

// A minimal HTTP/1.1 server on a Unix-domain socket: "ok" to every request, kept alive.
class UnixOk final : public QObject
{
public:
    explicit UnixOk(const QString &path)
    {
        QObject::connect(&server, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *s = server.nextPendingConnection()) {
                ++accepted;
                QObject::connect(s, &QLocalSocket::readyRead, s, [this, s] {
                    buffer[s] += s->readAll();
                    for (qsizetype end; (end = buffer[s].indexOf("\r\n\r\n")) >= 0;) {
                        heads.append(buffer[s].left(end));
                        buffer[s].remove(0, end + 4);
                        s->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    }
                });
            }
        });
        listening = server.listen(path);
    }
    QLocalServer server;
    QHash<QLocalSocket *, QByteArray> buffer;
    QByteArrayList heads;
    int accepted = 0;
    bool listening = false;
};

} // namespace

void TestUpstream_::unixSocketIsPreferred()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("http.sock"));
    UnixOk upstream(path);
    QVERIFY(upstream.listening);
    // Nothing listens on the TCP port: every answer came over the Unix-domain socket.
    UpstreamPool pool(QStringLiteral("127.0.0.1"), freePort(), nullptr, path);
    for (int i = 0; i < 5; ++i) {
        auto o = std::make_shared<Outcome>();
        UpstreamRequest r;
        r.method = "GET";
        r.target = "/x";
        pool.send(r, collect(o));
        QTRY_VERIFY(o->done);
        QVERIFY2(!o->failure, qPrintable(o->detail));
        QCOMPARE(o->status, 200);
        QCOMPARE(o->body, QByteArray("ok"));
    }
    QCOMPARE(upstream.accepted, 1); // kept alive
    QCOMPARE(upstream.heads.size(), 5);
    // The Host header still names the TCP address.
    QVERIFY(upstream.heads.first().contains("\r\nHost: 127.0.0.1:"));
}

void TestUpstream_::unreachableUnixSocketFallsBackToTcp()
{
    TestUpstream upstream{TestUpstream::Mode::Echo};
    QTemporaryDir dir;
    UpstreamPool pool(QStringLiteral("127.0.0.1"), upstream.port(), nullptr,
                      dir.filePath(QStringLiteral("nobody-listens.sock")));
    auto o = std::make_shared<Outcome>();
    pool.send(post("over tcp"), collect(o));
    QTRY_VERIFY(o->done);
    QVERIFY2(!o->failure, qPrintable(o->detail));
    QCOMPARE(o->body, QByteArray("over tcp"));
    QCOMPARE(upstream.connectionsAccepted(), 1);
}

QTEST_GUILESS_MAIN(TestUpstream_)
#include "test_upstream.moc"
