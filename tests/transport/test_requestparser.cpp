// The request parser on its own, table by table: what a byte stream yields (requests with their
// heads and bodies, or the refusal that ends the connection), the same whether the bytes come at
// once or one by one.
#include "transport/requestparser.h"

#include <QTest>

using namespace edgedesk;

namespace {

struct Parsed
{
    QByteArrayList requests; // "METHOD target [n headers] body"
    QString error;           // the refusal's code, empty when none
};

// Feeds `input` in pieces of `piece` bytes (all at once when 0), with `bodyLimit` per request.
Parsed parse(const QByteArray &input, qsizetype piece, qint64 bodyLimit = 1024)
{
    TransportLimits limits;
    RequestParser parser(limits);
    Parsed out;
    RequestHead head;
    QByteArray body;
    const qsizetype step = piece > 0 ? piece : qMax<qsizetype>(input.size(), 1);
    for (qsizetype at = 0; at < input.size() && out.error.isEmpty(); at += step) {
        const QByteArray chunk = input.mid(at, step);
        const char *p = chunk.constData();
        const char *end = p + chunk.size();
        for (bool more = true; more;) {
            QByteArrayView data;
            switch (parser.next(p, end, &data)) {
            case RequestParser::Step::More:
                more = false;
                break;
            case RequestParser::Step::Head:
                head = parser.takeHead();
                if (!parser.acceptBody(bodyLimit)) {
                    out.error = parser.error().code;
                    more = false;
                }
                break;
            case RequestParser::Step::Data:
                body += data;
                break;
            case RequestParser::Step::End:
                out.requests.append(head.method + ' ' + head.target + " [" +
                                    QByteArray::number(head.headers.size()) + "] " + body);
                body.clear();
                break;
            case RequestParser::Step::Failed:
                out.error = parser.error().code;
                more = false;
                break;
            }
        }
    }
    return out;
}

QByteArray fields(int count)
{
    QByteArray out;
    for (int i = 0; i < count; ++i)
        out += "X-H" + QByteArray::number(i) + ": v\r\n";
    return out;
}

} // namespace

class TestRequestParser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void streams_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArrayList>("requests");
        QTest::addColumn<QString>("error");
        const QByteArray host = "Host: h\r\n";
        QTest::addRow("GET") << QByteArray("GET /kv?a=1 HTTP/1.1\r\n" + host + "\r\n")
                             << QByteArrayList{"GET /kv?a=1 [1] "} << QString();
        QTest::addRow("empty lines before a request")
            << QByteArray("\r\n\r\nGET / HTTP/1.1\r\n" + host + "\r\n")
            << QByteArrayList{"GET / [1] "} << QString();
        QTest::addRow("Content-Length body, pipelined")
            << QByteArray("POST /a HTTP/1.1\r\n" + host + "Content-Length: 5\r\n\r\nhello" +
                          "GET /b HTTP/1.1\r\n" + host + "\r\n")
            << QByteArrayList{"POST /a [2] hello", "GET /b [1] "} << QString();
        QTest::addRow("chunked body with extension")
            << QByteArray(
                   "POST /a HTTP/1.1\r\n" + host +
                   "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=1\r\n world\r\n0\r\n\r\n")
            << QByteArrayList{"POST /a [2] hello world"} << QString();
        QTest::addRow("bare LF head") << QByteArray("GET / HTTP/1.1\nHost: h\n\n")
                                      << QByteArrayList{"GET / [1] "} << QString();
        QTest::addRow("body over the limit")
            << QByteArray("POST /a HTTP/1.1\r\n" + host + "Content-Length: 2000\r\n\r\n")
            << QByteArrayList{} << QStringLiteral("payload_too_large");
        QTest::addRow("chunks over the limit")
            << QByteArray("POST /a HTTP/1.1\r\n" + host +
                          "Transfer-Encoding: chunked\r\n\r\n400\r\n" + QByteArray(1024, 'x') +
                          "\r\n1\r\n")
            << QByteArrayList{} << QStringLiteral("payload_too_large");
        QTest::addRow("both framings")
            << QByteArray("POST /a HTTP/1.1\r\n" + host +
                          "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
            << QByteArrayList{} << QStringLiteral("bad_request");
        QTest::addRow("folded header")
            << QByteArray("GET / HTTP/1.1\r\n" + host + "X-A: 1\r\n  2\r\n\r\n") << QByteArrayList{}
            << QStringLiteral("bad_request");
        QTest::addRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n" + host + "\r\n")
                                  << QByteArrayList{}
                                  << QStringLiteral("http_version_not_supported");
        QTest::addRow("head over 16 KiB")
            << QByteArray("GET / HTTP/1.1\r\nX-Fill: " + QByteArray(17 * 1024, 'a') + "\r\n\r\n")
            << QByteArrayList{} << QStringLiteral("headers_too_large");
        // RFC 9112 framing: trailers are consumed, bare LF is accepted in chunk framing, chunk
        // sizes are hex digits only, and what two parsers could read differently is refused.
        QTest::addRow("trailer, then a pipelined request")
            << QByteArray("POST /a HTTP/1.1\r\n" + host +
                          "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\n"
                          "X-Other: 2\r\n\r\nGET /b HTTP/1.1\r\n" +
                          host + "\r\n")
            << QByteArrayList{"POST /a [2] hello", "GET /b [1] "} << QString();
        QTest::addRow("bare LF chunk framing")
            << QByteArray(
                   "POST /a HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n5\nhello\n0\n\n")
            << QByteArrayList{"POST /a [2] hello"} << QString();
        QTest::addRow("chunk size with whitespace and extension")
            << QByteArray("POST /a HTTP/1.1\r\n" + host +
                          "Transfer-Encoding: chunked\r\n\r\n5 ;a=b\r\nhello\r\n0\r\n\r\n")
            << QByteArrayList{"POST /a [2] hello"} << QString();
        for (const char *size : {"0x5", "+5", " 5", "5x", "-1", "", "fffffffffffffffffff"}) {
            QTest::addRow("chunk size '%s'", size)
                << QByteArray("POST /a HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n" +
                              size + "\r\nhello\r\n0\r\n\r\n")
                << QByteArrayList{} << QStringLiteral("bad_request");
        }
        QTest::addRow("no CRLF after chunk data")
            << QByteArray("POST /a HTTP/1.1\r\n" + host +
                          "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloX")
            << QByteArrayList{} << QStringLiteral("bad_request");
        QTest::addRow("trailer without a colon")
            << QByteArray("POST /a HTTP/1.1\r\n" + host +
                          "Transfer-Encoding: chunked\r\n\r\n0\r\nbroken\r\n\r\n")
            << QByteArrayList{} << QStringLiteral("bad_request");
        QTest::addRow("trailers over the field limit")
            << QByteArray("POST /a HTTP/1.1\r\n" + host +
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n" + fields(99) + "\r\n")
            << QByteArrayList{} << QStringLiteral("headers_too_large");
        QTest::addRow("bare CR in a header value")
            << QByteArray("GET / HTTP/1.1\r\n" + host + "X-A: 1\r2\r\n\r\n") << QByteArrayList{}
            << QStringLiteral("bad_request");
        QTest::addRow("control byte in a header value")
            << QByteArray("GET / HTTP/1.1\r\n" + host + "X-A: 1\x01\r\n\r\n") << QByteArrayList{}
            << QStringLiteral("bad_request");
        QTest::addRow("space before the colon")
            << QByteArray("GET / HTTP/1.1\r\nHost : h\r\n\r\n") << QByteArrayList{}
            << QStringLiteral("bad_request");
        QTest::addRow("two Host headers")
            << QByteArray("GET / HTTP/1.1\r\n" + host + "Host: other\r\n\r\n") << QByteArrayList{}
            << QStringLiteral("bad_request");
        QTest::addRow("Transfer-Encoding in HTTP/1.0")
            << QByteArray("POST /a HTTP/1.0\r\n" + host +
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            << QByteArrayList{} << QStringLiteral("bad_request");
        QTest::addRow("control byte in the target")
            << QByteArray("GET /a\x01 HTTP/1.1\r\n" + host + "\r\n") << QByteArrayList{}
            << QStringLiteral("bad_request");
        QTest::addRow("100 header fields")
            << QByteArray("GET / HTTP/1.1\r\n" + fields(100) + "\r\n")
            << QByteArrayList{"GET / [100] "} << QString();
        // The refused request's body is another request: it is never parsed.
        QTest::addRow("101 header fields")
            << QByteArray("POST / HTTP/1.1\r\n" + fields(101) + "Content-Length: 18\r\n\r\n" +
                          "GET /x HTTP/1.1\r\n\r\n")
            << QByteArrayList{} << QStringLiteral("headers_too_large");
    }
    void streams()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArrayList, requests);
        QFETCH(QString, error);
        for (const qsizetype piece : {qsizetype(0), qsizetype(1), qsizetype(7)}) {
            const Parsed parsed = parse(input, piece);
            QCOMPARE(parsed.requests, requests);
            QCOMPARE(parsed.error, error);
        }
    }

    // Nothing is parsed once the parser failed, whatever comes next.
    void failedStaysFailed()
    {
        TransportLimits limits;
        RequestParser parser(limits);
        const QByteArray bad = "get / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
        const char *p = bad.constData();
        QByteArrayView data;
        QCOMPARE(parser.next(p, p + bad.size(), &data), RequestParser::Step::Failed);
        QVERIFY(parser.hasFailed());
        const char *q = bad.constData() + bad.indexOf("GET");
        QCOMPARE(parser.next(q, bad.constData() + bad.size(), &data), RequestParser::Step::Failed);
    }
};

QTEST_GUILESS_MAIN(TestRequestParser)
#include "test_requestparser.moc"
