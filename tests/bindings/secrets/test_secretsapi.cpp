// The secrets store over HTTP (/__edgedesk/v1/secrets): list shape, PUT/DELETE, refusals, and
// the promise that a value, once stored, is never readable: not in any response (body or
// headers), not in any log line, not in any log file.
#include "airoutessupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

QJsonArray listed(quint16 port)
{
    const HttpReply r = request(port, "GET", "/__edgedesk/v1/secrets");
    return r.json().value("secrets").toArray();
}

QStringList names(const QJsonArray &secrets)
{
    QStringList out;
    for (const QJsonValue &s : secrets)
        out << s.toObject().value("name").toString();
    return out;
}

QDateTime isoTime(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

} // namespace

class TestSecretsApi final : public QObject
{
    Q_OBJECT

    AiUpstreamServer m_upstream;
    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

private Q_SLOTS:
    void initTestCase()
    {
        LogHub::installMessageHandler(QStringLiteral("debug"));
        QVERIFY(m_upstream.listen());
    }

    void init()
    {
        m_upstream.setSettings(AiUpstreamServer::Settings());
        m_upstream.clearRecords();
        QString error;
        m_server =
            startAiServer(openAiBlock(m_upstream, QStringLiteral("OPENAI_KEY")), false, &error);
        QVERIFY2(m_server, qPrintable(error));
    }

    void cleanup() { m_server.reset(); }

    void listShapeAndLifecycle()
    {
        const HttpReply empty = request(port(), "GET", "/__edgedesk/v1/secrets");
        QCOMPARE(empty.status, 200);
        QCOMPARE(empty.header("content-type"), QByteArray("application/json"));
        QCOMPARE(empty.json(),
                 (QJsonObject{{"binding", "SECRET_STORE"}, {"secrets", QJsonArray()}}));

        const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
        const HttpReply put = putSecret(port(), "ZETA_KEY", "v1");
        QCOMPARE(put.status, 200);
        QCOMPARE(put.json(), (QJsonObject{{"success", true}, {"name", "ZETA_KEY"}}));
        QCOMPARE(putSecret(port(), "ACCOUNT_API_KEY", "v2").status, 200);

        QJsonArray secrets = listed(port());
        QCOMPARE(names(secrets), (QStringList{"ACCOUNT_API_KEY", "ZETA_KEY"})); // sorted
        const QJsonObject zeta = secrets[1].toObject();
        QCOMPARE(zeta.keys(), (QStringList{"created", "name", "updated"}));
        const QDateTime created = isoTime(zeta.value("created"));
        QVERIFY(created.isValid());
        QCOMPARE(created.timeSpec(), Qt::UTC);
        QVERIFY(created >= before);
        QCOMPARE(isoTime(zeta.value("updated")), created);

        // Replacing keeps "created" and moves "updated".
        QTRY_VERIFY(QDateTime::currentDateTimeUtc() > created); // timestamps are in milliseconds
        QCOMPARE(putSecret(port(), "ZETA_KEY", "v1-rotated").status, 200);
        const QJsonObject rotated = listed(port())[1].toObject();
        QCOMPARE(isoTime(rotated.value("created")), created);
        QVERIFY(isoTime(rotated.value("updated")) > created);

        const HttpReply removed = request(port(), "DELETE", "/__edgedesk/v1/secrets/ZETA_KEY");
        QCOMPARE(removed.status, 200);
        QCOMPARE(removed.json(), (QJsonObject{{"success", true}, {"name", "ZETA_KEY"}}));
        QCOMPARE(names(listed(port())), QStringList{"ACCOUNT_API_KEY"});
        const HttpReply again = request(port(), "DELETE", "/__edgedesk/v1/secrets/ZETA_KEY");
        QCOMPARE(again.status, 404);
        QCOMPARE(errorCode(again), QStringLiteral("not_found"));
    }

    void badNames_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("name");
        for (const char *verb : {"PUT", "DELETE"}) {
            const QByteArray method(verb);
            QTest::addRow("%s hyphen", verb) << method << QByteArray("MY-KEY");
            QTest::addRow("%s dot", verb) << method << QByteArray("a.b");
            QTest::addRow("%s space", verb) << method << QByteArray("MY%20KEY");
            QTest::addRow("%s non-ASCII", verb) << method << QByteArray("CL%C3%89");
            QTest::addRow("%s NUL", verb) << method << QByteArray("A%00B");
            QTest::addRow("%s 256 chars", verb) << method << QByteArray(256, 'K');
        }
    }
    void badNames()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, name);
        const HttpReply r = request(port(), method, "/__edgedesk/v1/secrets/" + name, {},
                                    method == "PUT" ? QByteArray("value") : QByteArray());
        QCOMPARE(r.status, 400);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(errorCode(r), QStringLiteral("bad_request"));
        QVERIFY(errorMessage(r).contains("A-Z, a-z, 0-9 and _"));
        QCOMPARE(listed(port()), QJsonArray());
    }

    void valueSizes()
    {
        QCOMPARE(putSecret(port(), "MAX", QByteArray(64 * 1024, 'x')).status, 200);
        const HttpReply tooLarge = putSecret(port(), "BIG", QByteArray(65 * 1024, 'x'));
        QCOMPARE(tooLarge.status, 413);
        QCOMPARE(errorCode(tooLarge), QStringLiteral("payload_too_large"));
        const HttpReply empty = putSecret(port(), "EMPTY", QByteArray());
        QCOMPARE(empty.status, 400);
        QCOMPARE(errorCode(empty), QStringLiteral("bad_request"));
        QCOMPARE(names(listed(port())), QStringList{"MAX"});
    }

    void valuesAreNeverReadable_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addRow("GET") << QByteArray("GET");
        QTest::addRow("POST") << QByteArray("POST");
    }
    void valuesAreNeverReadable()
    {
        QFETCH(QByteArray, method);
        QCOMPARE(putSecret(port(), "OPENAI_KEY", "sk-read-me-if-you-can").status, 200);
        const HttpReply r = request(port(), method, "/__edgedesk/v1/secrets/OPENAI_KEY");
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("allow"), QByteArray("PUT, DELETE"));
        QVERIFY(!r.raw.contains("sk-read-me-if-you-can"));
    }

    void noValueInAnyResponseOrLog()
    {
        const QByteArray value =
            "sk-NEVER-SHOWN-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        QList<HttpReply> replies;
        replies << putSecret(port(), "OPENAI_KEY", value);
        QCOMPARE(replies.last().status, 200);
        replies << putSecret(port(), "OPENAI_KEY", value); // replace
        replies << request(port(), "GET", "/__edgedesk/v1/secrets");
        replies << request(port(), "GET", "/__edgedesk/v1/secrets/OPENAI_KEY");
        replies << request(port(), "GET", "/ai?prompt=hi"); // uses it as the bearer token
        QCOMPARE(replies.last().status, 200);
        replies << request(port(), "GET", "/ai?prompt=hi&stream=1");
        QCOMPARE(replies.last().status, 200);
        m_upstream.setScenario(AiUpstreamServer::Scenario::Unauthorized); // echoes the key
        replies << request(port(), "GET", "/ai?prompt=hi");
        QCOMPARE(replies.last().status, 502);
        replies << request(port(), "GET", "/__edgedesk/v1/config");
        replies << request(port(), "GET", "/__edgedesk/v1/traffic");
        replies << request(port(), "GET", "/__edgedesk/v1/metrics");
        replies << request(port(), "GET", "/__edgedesk/v1/logs?tail=5000");
        replies << request(port(), "DELETE", "/__edgedesk/v1/secrets/OPENAI_KEY");
        QCOMPARE(replies.last().status, 200);

        // It did travel where it should: as the bearer token, three times.
        const auto upstreamRequests = m_upstream.requests();
        QCOMPARE(upstreamRequests.size(), 3);
        for (const auto &received : upstreamRequests)
            QCOMPARE(received.headers.value("authorization"), "Bearer " + value);

        for (const HttpReply &reply : std::as_const(replies)) {
            QVERIFY(reply.status != 0);
            QVERIFY2(!reply.raw.contains(value), reply.statusLine.constData());
        }
        // The logs hold plenty (so the search below means something), but never the value.
        QVERIFY(m_server->host().logHub().tail(5000).size() > 3);
        QVERIFY(QDir(m_server->dataDir() + "/logs").entryList(QDir::Files).size() > 0);
        const QStringList leaks = logLeaks(value, *m_server);
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join('\n')));

        // Nor is it in the clear anywhere under the data folder (the store encrypts it).
        QDirIterator files(m_server->dataDir(), QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile file(files.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains(value), qPrintable(file.fileName()));
        }
    }
};

QTEST_GUILESS_MAIN(TestSecretsApi)
#include "test_secretsapi.moc"
