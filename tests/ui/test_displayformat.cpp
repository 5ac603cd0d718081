// The one formatter every section writes sizes, durations, counts and times with: three
// significant digits for sizes and durations, so the same figure reads the same everywhere.
#include "widgets/displayformat.h"

#include <QDateTime>
#include <QLocale>
#include <QTest>

#include <limits>

using namespace edgedesk;

class TestDisplayFormat final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bytes_data()
    {
        QTest::addColumn<qint64>("bytes");
        QTest::addColumn<QString>("text");
        QTest::addRow("zero") << qint64(0) << QStringLiteral("0 B");
        QTest::addRow("negative is zero") << qint64(-3) << QStringLiteral("0 B");
        QTest::addRow("below a KiB") << qint64(1023) << QStringLiteral("1023 B");
        QTest::addRow("one KiB") << qint64(1024) << QStringLiteral("1.00 KiB");
        QTest::addRow("one and a half KiB") << qint64(1536) << QStringLiteral("1.50 KiB");
        QTest::addRow("two KiB") << qint64(2048) << QStringLiteral("2.00 KiB");
        QTest::addRow("tens of KiB") << qint64(12 * 1024 + 307) << QStringLiteral("12.3 KiB");
        QTest::addRow("hundreds of KiB") << qint64(700 * 1024) << QStringLiteral("700 KiB");
        QTest::addRow("MiB") << qint64(5 * 1024 * 1024 + 512 * 1024) << QStringLiteral("5.50 MiB");
        QTest::addRow("just below a GiB")
            << qint64(1023) * 1024 * 1024 << QStringLiteral("1023 MiB");
        QTest::addRow("GiB") << qint64(3) * 1024 * 1024 * 1024 << QStringLiteral("3.00 GiB");
        QTest::addRow("thousands of GiB")
            << qint64(2000) * 1024 * 1024 * 1024 << QStringLiteral("2000 GiB");
    }
    void bytes()
    {
        QFETCH(qint64, bytes);
        QFETCH(QString, text);
        QCOMPARE(DisplayFormat::bytes(bytes), text);
    }

    void duration_data()
    {
        QTest::addColumn<double>("ms");
        QTest::addColumn<QString>("text");
        QTest::addRow("zero") << 0.0 << QStringLiteral("0 µs");
        QTest::addRow("negative is zero") << -5.0 << QStringLiteral("0 µs");
        QTest::addRow("microseconds") << 0.42 << QStringLiteral("420 µs");
        QTest::addRow("most microseconds") << 0.999 << QStringLiteral("999 µs");
        QTest::addRow("one millisecond") << 1.0 << QStringLiteral("1.00 ms");
        QTest::addRow("milliseconds") << 1.5 << QStringLiteral("1.50 ms");
        QTest::addRow("tens of ms") << 12.345 << QStringLiteral("12.3 ms");
        QTest::addRow("hundreds of ms") << 850.0 << QStringLiteral("850 ms");
        QTest::addRow("seconds") << 1240.0 << QStringLiteral("1.24 s");
        QTest::addRow("tens of seconds") << 29500.0 << QStringLiteral("29.5 s");
        QTest::addRow("minutes") << 125000.0 << QStringLiteral("2 min 05 s");
        QTest::addRow("hours") << 12000000.0 << QStringLiteral("3 h 20 min");
        QTest::addRow("days") << 187200000.0 << QStringLiteral("2 d 04 h");
        QTest::addRow("not a number")
            << std::numeric_limits<double>::quiet_NaN() << QStringLiteral("—");
        QTest::addRow("infinite") << std::numeric_limits<double>::infinity() << QStringLiteral("—");
    }
    void duration()
    {
        QFETCH(double, ms);
        QFETCH(QString, text);
        QCOMPARE(DisplayFormat::duration(ms), text);
    }

    void count_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::addColumn<QString>("text");
        QTest::addRow("none") << qint64(0) << QStringLiteral("0 requests");
        QTest::addRow("one") << qint64(1) << QStringLiteral("1 request");
        QTest::addRow("several") << qint64(12) << QStringLiteral("12 requests");
        QTest::addRow("many") << qint64(1234)
                              << QStringLiteral("%1 requests").arg(QLocale().toString(1234));
    }
    void count()
    {
        QFETCH(qint64, n);
        QFETCH(QString, text);
        QCOMPARE(
            DisplayFormat::count(n, QStringLiteral("1 request"), QStringLiteral("%1 requests")),
            text);
    }

    void timestamp()
    {
        const QDateTime utc(QDate(2024, 12, 28), QTime(23, 59, 30), Qt::UTC);
        const QString shown = QLocale().toString(utc.toLocalTime(), QLocale::ShortFormat);
        QCOMPARE(DisplayFormat::timestamp(utc), shown);
        QCOMPARE(DisplayFormat::timestamp(QStringLiteral("2024-12-28T23:59:30.000Z")), shown);
        // Not a time: shown as the server wrote it.
        QCOMPARE(DisplayFormat::timestamp(QStringLiteral("yesterday")),
                 QStringLiteral("yesterday"));
    }

    void httpStatus_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("text");
        QTest::addRow("ok") << 200 << QStringLiteral("200 OK");
        QTest::addRow("not found") << 404 << QStringLiteral("404 Not Found");
        QTest::addRow("unavailable") << 503 << QStringLiteral("503 Service Unavailable");
        QTest::addRow("unknown code") << 599 << QStringLiteral("599");
        QTest::addRow("no answer") << 0 << QStringLiteral("no answer");
    }
    void httpStatus()
    {
        QFETCH(int, status);
        QFETCH(QString, text);
        QCOMPARE(DisplayFormat::httpStatus(status), text);
    }

    void rate()
    {
        QCOMPARE(DisplayFormat::rate(35.24, QStringLiteral("tokens")),
                 QStringLiteral("35.2 tokens/s"));
        QCOMPARE(DisplayFormat::rate(250.6, QStringLiteral("tokens")),
                 QStringLiteral("251 tokens/s"));
    }
};

QTEST_MAIN(TestDisplayFormat)
#include "test_displayformat.moc"
