// The one table of error codes and statuses, and the JSON shape of every error.
#include "routing/httpresponse.h"

#include <QJsonDocument>
#include <QTest>

using namespace edgedesk;

class TestErrors final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void table_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("status");
        QTest::addRow("bad_request") << QStringLiteral("bad_request") << 400;
        QTest::addRow("unauthorized") << QStringLiteral("unauthorized") << 401;
        QTest::addRow("cross_site_request") << QStringLiteral("cross_site_request") << 403;
        QTest::addRow("not_found") << QStringLiteral("not_found") << 404;
        QTest::addRow("method_not_allowed") << QStringLiteral("method_not_allowed") << 405;
        QTest::addRow("payload_too_large") << QStringLiteral("payload_too_large") << 413;
        QTest::addRow("unsupported_media_type") << QStringLiteral("unsupported_media_type") << 415;
        QTest::addRow("misdirected_request") << QStringLiteral("misdirected_request") << 421;
        QTest::addRow("unprocessable") << QStringLiteral("unprocessable") << 422;
        QTest::addRow("too_many_requests") << QStringLiteral("too_many_requests") << 429;
        QTest::addRow("headers_too_large") << QStringLiteral("headers_too_large") << 431;
        QTest::addRow("storage_error") << QStringLiteral("storage_error") << 500;
        QTest::addRow("bad_gateway") << QStringLiteral("bad_gateway") << 502;
        QTest::addRow("binding_unavailable") << QStringLiteral("binding_unavailable") << 503;
        QTest::addRow("gateway_timeout") << QStringLiteral("gateway_timeout") << 504;
        QTest::addRow("unknown code is a server error") << QStringLiteral("no_such_code") << 500;
    }
    void table()
    {
        QFETCH(QString, code);
        QFETCH(int, status);
        QCOMPARE(HttpStatusTable::statusFor(code), status);
        const HttpResponse r = HttpResponse::error(code, QStringLiteral("a message"));
        QCOMPARE(r.status, status);
        QCOMPARE(r.contentType, QByteArray("application/json"));
        const QJsonObject body = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(body.keys(), QStringList{QStringLiteral("error")});
        const QJsonObject error = body.value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
        QCOMPARE(error.value(QStringLiteral("message")).toString(), QStringLiteral("a message"));
        QCOMPARE(error.keys().size(), 2);
    }

    void methodNotAllowedCarriesAllow()
    {
        const HttpResponse r = HttpResponse::methodNotAllowed({"GET", "PUT"});
        QCOMPARE(r.status, 405);
        QCOMPARE(r.headerValue("Allow"), QByteArray("GET, PUT"));
    }

    void reasonPhrases()
    {
        QCOMPARE(HttpStatusTable::reasonPhrase(200), QByteArray("OK"));
        QCOMPARE(HttpStatusTable::reasonPhrase(431), QByteArray("Request Header Fields Too Large"));
        QCOMPARE(HttpStatusTable::reasonPhrase(206), QByteArray("Partial Content"));
        QCOMPARE(HttpStatusTable::codeFor(413), QStringLiteral("payload_too_large"));
    }
};

QTEST_GUILESS_MAIN(TestErrors)
#include "test_errors.moc"
