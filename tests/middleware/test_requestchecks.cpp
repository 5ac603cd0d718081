// The request checks over HTTP, on a running server: the cross-site check on every route but
// the static assets.
#include "testsupport.h"

#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

using Headers = QList<QPair<QByteArray, QByteArray>>;

class TestRequestChecks final : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }
    QByteArray self() const { return "http://127.0.0.1:" + QByteArray::number(port()); }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
    }
    void cleanupTestCase() { m_server.reset(); }

    // A page on another site cannot make the browser fire requests that cost or have effects
    // (an inference, a heavy computation, the control API), GETs included; it may still link to
    // the app's pages. curl and the app's own pages keep working.
    void crossSiteOnEveryDynamicRoute_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("status");
        QTest::addRow("KV, cross-site fetch")
            << QByteArray("/kv") << QByteArray("Sec-Fetch-Site") << QByteArray("cross-site") << 403;
        QTest::addRow("AI from another origin")
            << QByteArray("/ai?prompt=hello") << QByteArray("Origin")
            << QByteArray("http://evil.example") << 403;
        QTest::addRow("heavy computation from an <img>")
            << QByteArray("/api/heavycompute?n=45") << QByteArray("Referer")
            << QByteArray("http://evil.example/page.html") << 403;
        QTest::addRow("image transform") << QByteArray("/image") << QByteArray("Sec-Fetch-Site")
                                         << QByteArray("same-site") << 403;
        QTest::addRow("control API")
            << QByteArray("/__edgedesk/v1/health") << QByteArray("Sec-Fetch-Site")
            << QByteArray("cross-site") << 403;
        QTest::addRow("page, linked from another site")
            << QByteArray("/") << QByteArray("Sec-Fetch-Site") << QByteArray("cross-site") << 200;
        QTest::addRow("script asset from another site")
            << QByteArray("/app.js") << QByteArray("Referer") << QByteArray("http://evil.example/")
            << 200;
        QTest::addRow("curl") << QByteArray("/kv") << QByteArray() << QByteArray() << 200;
        QTest::addRow("own page's fetch") << QByteArray("/kv") << QByteArray("Sec-Fetch-Site")
                                          << QByteArray("same-origin") << 200;
        QTest::addRow("own page's referer")
            << QByteArray("/kv") << QByteArray("Referer") << QByteArray("SELF/index.html") << 200;
        QTest::addRow("typed in the address bar")
            << QByteArray("/kv") << QByteArray("Sec-Fetch-Site") << QByteArray("none") << 200;
    }
    void crossSiteOnEveryDynamicRoute()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        QFETCH(int, status);
        Headers headers;
        if (!header.isEmpty())
            headers.append({header, QByteArray(value).replace("SELF", self())});
        const HttpReply r = request(port(), "GET", path, headers);
        QCOMPARE(r.status, status);
        if (status == 403) {
            const QJsonObject error = r.json().value(QStringLiteral("error")).toObject();
            QCOMPARE(error.value(QStringLiteral("code")).toString(),
                     QStringLiteral("cross_site_request"));
            QVERIFY(error.value(QStringLiteral("message"))
                        .toString()
                        .startsWith(QStringLiteral("cross-site request refused")));
        }
    }
};

QTEST_GUILESS_MAIN(TestRequestChecks)
#include "test_requestchecks.moc"
