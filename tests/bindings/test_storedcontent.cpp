// Stored user data (KV values, bucket objects) is served with its stored type but never as an
// active document of EdgeDesk's origin: every such answer carries the sandbox policy and nosniff,
// whatever the type, while the frontend keeps its own policy and the demo's /kv its contract (a
// JSON answer, never the value's own type).
#include "bindings/kv/kvbinding.h"
#include "bindings/storedcontent.h"
#include "middleware/securityheaders.h"
#include "testsupport.h"

#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

const QByteArray kKv = "/__edgedesk/v1/kv/MY_KV/keys/";
const QByteArray kBucket = "/__edgedesk/v1/r2/PUBLIC/objects/";

// The script of the attack: run a command through /run and show its output.
const QByteArray kScript = R"(fetch("/run",{method:"POST",body:JSON.stringify({command:"id"})}))"
                           R"(.then(r=>r.text()).then(t=>document.title=t))";

QList<QByteArray> headerValues(const HttpReply &reply, const QByteArray &name)
{
    QList<QByteArray> values;
    for (const auto &h : reply.headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            values.append(h.second);
    }
    return values;
}

// Exactly one policy, and it is the sandbox: a browser that opens the answer gets an opaque
// origin where nothing loads or runs, so no second policy may loosen or repeat it.
bool isSandboxed(const HttpReply &reply, QByteArray *why)
{
    const QList<QByteArray> policies = headerValues(reply, "content-security-policy");
    const QList<QByteArray> nosniff = headerValues(reply, "x-content-type-options");
    if (policies != QList<QByteArray>{StoredContent::kContentSecurityPolicy}) {
        *why = "Content-Security-Policy: " + policies.join(" | ");
        return false;
    }
    if (nosniff != QList<QByteArray>{"nosniff"}) {
        *why = "X-Content-Type-Options: " + nosniff.join(" | ");
        return false;
    }
    return true;
}

} // namespace

class TestStoredContent final : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

    HttpReply put(const QByteArray &path, const QByteArray &type, const QByteArray &body)
    {
        return request(port(), "PUT", path, {{"Content-Type", type}}, body);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->lastError()));
    }
    void cleanupTestCase() { m_server.reset(); }

    // The attack: a text/html value that loads another value as a script, opened where values
    // are served with their own type.
    void kvPageLoadingKvScriptIsInert()
    {
        const QByteArray page = "<script src=\"" + kKv + "p.js\"></script>";
        QCOMPARE(put(kKv + "p.js", "application/javascript", kScript).status, 200);
        QCOMPARE(put(kKv + "p.html", "text/html", page).status, 200);

        QByteArray why;
        const HttpReply html = request(port(), "GET", kKv + "p.html");
        QCOMPARE(html.status, 200);
        QCOMPARE(html.header("content-type"), QByteArray("text/html"));
        QCOMPARE(html.body, page);
        QVERIFY2(isSandboxed(html, &why), why.constData());

        // The demo's /kv never answers with the value's type: the page is a JSON string there.
        const HttpReply viaDemo = request(port(), "GET", "/kv?key=p.html");
        QCOMPARE(viaDemo.status, 200);
        QCOMPARE(viaDemo.header("content-type"), QByteArray("application/json"));
        QCOMPARE(viaDemo.json().value(QStringLiteral("value")).toString(), QString::fromUtf8(page));
        QVERIFY2(isSandboxed(viaDemo, &why), why.constData());

        const HttpReply script = request(port(), "GET", kKv + "p.js");
        QCOMPARE(script.status, 200);
        QCOMPARE(script.header("content-type"), QByteArray("application/javascript"));
        QCOMPARE(script.body, kScript);
        QVERIFY2(isSandboxed(script, &why), why.constData());
    }

    void kvValuesAreSandboxed_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("type");
        const QList<QByteArray> types{
            "text/html; charset=utf-8", "image/svg+xml", "application/xhtml+xml",
            "text/javascript",          "TEXT/HTML",     "application/octet-stream"};
        for (const QByteArray &type : types) {
            const QByteArray key = "active-" + QByteArray::number(qHash(type));
            QTest::addRow("control GET %s", type.constData())
                << QByteArray("GET") << kKv + key << type;
            QTest::addRow("control HEAD %s", type.constData())
                << QByteArray("HEAD") << kKv + key << type;
        }
    }
    void kvValuesAreSandboxed()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, type);
        const QByteArray key = "active-" + QByteArray::number(qHash(type));
        const QByteArray value = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
        QCOMPARE(put(kKv + key, type, value).status, 200);

        const HttpReply r =
            method == "HEAD" ? rawRequest(port(), "HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                                                      QByteArray::number(port()) +
                                                      "\r\nConnection: close\r\n\r\n")
                             : request(port(), method, path);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), type);
        QCOMPARE(r.body, method == "HEAD" ? QByteArray() : value);
        QByteArray why;
        QVERIFY2(isSandboxed(r, &why), why.constData());
    }

    void bucketObjectsAreSandboxed_data()
    {
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<QByteArray>("range");
        QTest::addColumn<int>("status");
        for (const QByteArray type : {"text/html", "image/svg+xml", "application/xhtml+xml",
                                      "text/javascript", "text/xml"}) {
            QTest::addRow("%s whole", type.constData()) << type << QByteArray() << 200;
            QTest::addRow("%s range", type.constData()) << type << QByteArray("bytes=0-9") << 206;
        }
    }
    void bucketObjectsAreSandboxed()
    {
        QFETCH(QByteArray, type);
        QFETCH(QByteArray, range);
        QFETCH(int, status);
        const QByteArray key = "active/" + QByteArray::number(qHash(type)) + ".html";
        const QByteArray body = "<html><script>" + kScript + "</script></html>";
        QCOMPARE(put(kBucket + key, type, body).status, 200);

        const HttpReply r =
            request(port(), "GET", kBucket + key,
                    range.isEmpty() ? QList<QPair<QByteArray, QByteArray>>()
                                    : QList<QPair<QByteArray, QByteArray>>{{"Range", range}});
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("content-type"), type);
        QCOMPARE(r.body, range.isEmpty() ? body : body.left(10));
        QByteArray why;
        QVERIFY2(isSandboxed(r, &why), why.constData());
    }

    // The demo's /kv answers as the demo's Worker does: the key and its value as text.
    void demoKvValueKeepsItsContract()
    {
        const HttpReply r = request(port(), "GET", "/kv");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(r.json().value(QStringLiteral("key")).toString(), QStringLiteral("demo-key"));
        QCOMPARE(r.json().value(QStringLiteral("value")).toString().toUtf8(),
                 KvBinding::demoValue());
        QByteArray why;
        QVERIFY2(isSandboxed(r, &why), why.constData());
    }

    // The app's own pages are not stored content: they keep the frontend's policy, once.
    void frontendKeepsItsPolicy()
    {
        const HttpReply r = request(port(), "GET", "/");
        QCOMPARE(r.status, 200);
        QCOMPARE(headerValues(r, "content-security-policy"),
                 QList<QByteArray>{SecurityHeaders::contentSecurityPolicy()});
    }

    // A missing value is a JSON error (null at the demo's /kv), not stored content, and nothing
    // else changed.
    void missingValueIsAJsonError()
    {
        const HttpReply r = request(port(), "GET", kKv + "no-such-key");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(r.json().value("error").toObject().value("code").toString(),
                 QStringLiteral("not_found"));
        QCOMPARE(request(port(), "GET", "/kv?key=no-such-key").json().value(QStringLiteral("value")),
                 QJsonValue(QJsonValue::Null));
        QCOMPARE(request(port(), "GET", "/kv").json().value(QStringLiteral("value")).toString().toUtf8(),
                 KvBinding::demoValue());
    }
};

QTEST_GUILESS_MAIN(TestStoredContent)
#include "test_storedcontent.moc"
