// The request checks, table by table: Host allow-list, cross-site, access token.
#include "middleware/securitypolicy.h"

#include <QTest>

using namespace edgedesk;

class TestSecurityPolicy final : public QObject
{
    Q_OBJECT

private:
    static SecurityPolicy policy(QByteArray token = {}, QStringList extra = {},
                                 QHostAddress bind = QHostAddress::LocalHost)
    {
        SecurityPolicy::Config c;
        c.port = 8787;
        c.bindAddress = bind;
        c.extraHosts = extra;
        c.token = token;
        return SecurityPolicy(c);
    }

private Q_SLOTS:
    void host_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("code");
        QTest::addRow("127.0.0.1 with port") << QByteArray("127.0.0.1:8787") << true << QString();
        QTest::addRow("localhost with port") << QByteArray("localhost:8787") << true << QString();
        QTest::addRow("LOCALHOST upper case") << QByteArray("LOCALHOST:8787") << true << QString();
        QTest::addRow("[::1] with port") << QByteArray("[::1]:8787") << true << QString();
        QTest::addRow("configured name") << QByteArray("edgedesk.test:8787") << true << QString();
        QTest::addRow("configured name with its own port")
            << QByteArray("proxy.test:443") << true << QString();
        QTest::addRow("wrong port")
            << QByteArray("127.0.0.1:8788") << false << QStringLiteral("misdirected_request");
        QTest::addRow("no port") << QByteArray("localhost") << false
                                 << QStringLiteral("misdirected_request");
        QTest::addRow("rebinding name")
            << QByteArray("evil.example:8787") << false << QStringLiteral("misdirected_request");
        QTest::addRow("suffix trick") << QByteArray("localhost.evil.example:8787") << false
                                      << QStringLiteral("misdirected_request");
        QTest::addRow("0.0.0.0") << QByteArray("0.0.0.0:8787") << false
                                 << QStringLiteral("misdirected_request");
        QTest::addRow("configured name, other port")
            << QByteArray("proxy.test:8787") << false << QStringLiteral("misdirected_request");
        QTest::addRow("missing") << QByteArray() << false << QStringLiteral("bad_request");
    }
    void host()
    {
        QFETCH(QByteArray, host);
        QFETCH(bool, accepted);
        QFETCH(QString, code);
        const auto p =
            policy({}, {QStringLiteral("edgedesk.test"), QStringLiteral("proxy.test:443")});
        const auto error = p.checkHost(host);
        QCOMPARE(!error.has_value(), accepted);
        if (error) {
            QCOMPARE(error->code, code);
            QVERIFY(!error->message.isEmpty());
        }
    }

    void hostOfNonLoopbackBind()
    {
        const auto p = policy("secret", {}, QHostAddress(QStringLiteral("192.168.1.20")));
        QVERIFY(!p.checkHost("192.168.1.20:8787"));
        QVERIFY(p.checkHost("192.168.1.21:8787"));
    }

    // The bound address is always an allowed host, and a refusal names the URL that listens.
    void boundAddressIsAllowed_data()
    {
        QTest::addColumn<QString>("bind");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<QString>("url");
        QTest::addRow("127.0.0.1") << QStringLiteral("127.0.0.1") << QByteArray("127.0.0.1:8787")
                                   << QStringLiteral("http://127.0.0.1:8787");
        QTest::addRow("another loopback address")
            << QStringLiteral("127.0.0.2") << QByteArray("127.0.0.2:8787")
            << QStringLiteral("http://127.0.0.2:8787");
        QTest::addRow("IPv6 loopback") << QStringLiteral("::1") << QByteArray("[::1]:8787")
                                       << QStringLiteral("http://[::1]:8787");
        QTest::addRow("a LAN address")
            << QStringLiteral("192.168.1.20") << QByteArray("192.168.1.20:8787")
            << QStringLiteral("http://192.168.1.20:8787");
        QTest::addRow("every address") << QStringLiteral("0.0.0.0") << QByteArray("127.0.0.1:8787")
                                       << QStringLiteral("http://127.0.0.1:8787");
    }
    void boundAddressIsAllowed()
    {
        QFETCH(QString, bind);
        QFETCH(QByteArray, host);
        QFETCH(QString, url);
        const auto p = policy("secret", {}, QHostAddress(bind));
        QVERIFY(!p.checkHost(host));
        QCOMPARE(p.baseUrl(), url);
        const auto refused = p.checkHost("evil.example:8787");
        QVERIFY(refused);
        QVERIFY2(refused->message.contains(QStringLiteral("use %1 ").arg(url)),
                 qPrintable(refused->message));
    }

    void crossSite_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<QByteArray>("referer");
        QTest::addColumn<QByteArray>("fetchSite");
        QTest::addColumn<bool>("accepted");
        // Every method: a GET can cost (an inference, a heavy computation) or have effects.
        QTest::addRow("GET other origin") << QByteArray("GET") << QByteArray("http://evil.example")
                                          << QByteArray() << QByteArray("cross-site") << false;
        QTest::addRow("GET cross-site referer")
            << QByteArray("GET") << QByteArray() << QByteArray("http://evil.example/page")
            << QByteArray() << false;
        QTest::addRow("GET sec-fetch cross-site")
            << QByteArray("GET") << QByteArray() << QByteArray() << QByteArray("cross-site")
            << false;
        QTest::addRow("GET sec-fetch same-site")
            << QByteArray("GET") << QByteArray() << QByteArray() << QByteArray("same-site")
            << false;
        QTest::addRow("GET same-origin referer")
            << QByteArray("GET") << QByteArray() << QByteArray("http://localhost:8787/")
            << QByteArray("same-origin") << true;
        QTest::addRow("GET opened by the user")
            << QByteArray("GET") << QByteArray() << QByteArray() << QByteArray("none") << true;
        QTest::addRow("GET, no headers (curl)")
            << QByteArray("GET") << QByteArray() << QByteArray() << QByteArray() << true;
        QTest::addRow("POST sec-fetch none")
            << QByteArray("POST") << QByteArray() << QByteArray() << QByteArray("none") << false;
        QTest::addRow("POST, no headers (curl)")
            << QByteArray("POST") << QByteArray() << QByteArray() << QByteArray() << true;
        QTest::addRow("POST same origin")
            << QByteArray("POST") << QByteArray("http://127.0.0.1:8787") << QByteArray()
            << QByteArray() << true;
        QTest::addRow("POST same origin via localhost")
            << QByteArray("POST") << QByteArray("http://localhost:8787") << QByteArray()
            << QByteArray() << true;
        QTest::addRow("POST other origin")
            << QByteArray("POST") << QByteArray("http://evil.example") << QByteArray()
            << QByteArray() << false;
        QTest::addRow("POST other port")
            << QByteArray("POST") << QByteArray("http://127.0.0.1:9999") << QByteArray()
            << QByteArray() << false;
        QTest::addRow("POST https scheme")
            << QByteArray("POST") << QByteArray("https://127.0.0.1:8787") << QByteArray()
            << QByteArray() << false;
        QTest::addRow("POST null origin")
            << QByteArray("POST") << QByteArray("null") << QByteArray() << QByteArray() << false;
        QTest::addRow("origin wins over a good referer")
            << QByteArray("PUT") << QByteArray("http://evil.example")
            << QByteArray("http://127.0.0.1:8787/") << QByteArray() << false;
        QTest::addRow("PUT same-origin referer")
            << QByteArray("PUT") << QByteArray() << QByteArray("http://127.0.0.1:8787/page?x=1")
            << QByteArray() << true;
        QTest::addRow("DELETE cross-site referer")
            << QByteArray("DELETE") << QByteArray() << QByteArray("http://evil.example/")
            << QByteArray() << false;
        QTest::addRow("PATCH sec-fetch same-origin")
            << QByteArray("PATCH") << QByteArray() << QByteArray() << QByteArray("same-origin")
            << true;
        QTest::addRow("POST sec-fetch cross-site")
            << QByteArray("POST") << QByteArray() << QByteArray() << QByteArray("cross-site")
            << false;
        QTest::addRow("POST sec-fetch same-site")
            << QByteArray("POST") << QByteArray() << QByteArray() << QByteArray("same-site")
            << false;
    }
    void crossSite()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, origin);
        QFETCH(QByteArray, referer);
        QFETCH(QByteArray, fetchSite);
        QFETCH(bool, accepted);
        const auto error = policy().checkCrossSite(method, origin, referer, fetchSite);
        QCOMPARE(!error.has_value(), accepted);
        if (error)
            QCOMPARE(error->code, QStringLiteral("cross_site_request"));
    }

    void token_data()
    {
        QTest::addColumn<QByteArray>("configured");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<bool>("accepted");
        QTest::addRow("no token configured")
            << QByteArray() << QByteArray("POST") << QByteArray("/run") << QByteArray() << true;
        QTest::addRow("GET /kv needs none") << QByteArray("s3cret") << QByteArray("GET")
                                            << QByteArray("/kv") << QByteArray() << true;
        QTest::addRow("GET /run needs it") << QByteArray("s3cret") << QByteArray("GET")
                                           << QByteArray("/run") << QByteArray() << false;
        QTest::addRow("control API needs it")
            << QByteArray("s3cret") << QByteArray("GET") << QByteArray("/__edgedesk/v1/health")
            << QByteArray() << false;
        QTest::addRow("POST needs it") << QByteArray("s3cret") << QByteArray("POST")
                                       << QByteArray("/worker/echo") << QByteArray() << false;
        QTest::addRow("right token") << QByteArray("s3cret") << QByteArray("POST")
                                     << QByteArray("/run") << QByteArray("Bearer s3cret") << true;
        QTest::addRow("wrong token") << QByteArray("s3cret") << QByteArray("POST")
                                     << QByteArray("/run") << QByteArray("Bearer s3creT") << false;
        QTest::addRow("prefix of the token")
            << QByteArray("s3cret") << QByteArray("POST") << QByteArray("/run")
            << QByteArray("Bearer s3c") << false;
        QTest::addRow("token plus more")
            << QByteArray("s3cret") << QByteArray("POST") << QByteArray("/run")
            << QByteArray("Bearer s3cretX") << false;
        QTest::addRow("basic scheme") << QByteArray("s3cret") << QByteArray("POST")
                                      << QByteArray("/run") << QByteArray("Basic s3cret") << false;
        QTest::addRow("empty bearer") << QByteArray("s3cret") << QByteArray("DELETE")
                                      << QByteArray("/x") << QByteArray("Bearer ") << false;
    }
    void token()
    {
        QFETCH(QByteArray, configured);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, authorization);
        QFETCH(bool, accepted);
        const auto error = policy(configured).checkToken(method, path, authorization);
        QCOMPARE(!error.has_value(), accepted);
        if (error) {
            QCOMPARE(error->code, QStringLiteral("unauthorized"));
            QVERIFY(!error->message.contains(QStringLiteral("s3cret")));
        }
    }
};

QTEST_GUILESS_MAIN(TestSecurityPolicy)
#include "test_securitypolicy.moc"
