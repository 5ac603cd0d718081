// JsonWriter prints what QJsonDocument::toJson(Compact) prints for the same values.
#include "util/jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <limits>

using namespace edgedesk;

class TestJsonWriter final : public QObject
{
    Q_OBJECT

    static QByteArray qtJson(const QJsonValue &v)
    {
        const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
        return wrapped.mid(1, wrapped.size() - 2); // without the array brackets
    }

private Q_SLOTS:
    void stringsMatchQJsonDocument_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("ascii") << QStringLiteral("Hello from EdgeDesk");
        QTest::newRow("quotes and backslash") << QStringLiteral("say \"hi\" \\ bye");
        QTest::newRow("named escapes") << QStringLiteral("a\bb\fc\nd\re\tf");
        QTest::newRow("other controls") << QString::fromLatin1("\x01\x1f\x7f", 3);
        QTest::newRow("nul") << QString(QChar(u'\0'));
        QTest::newRow("slash kept") << QStringLiteral("</script>");
        QTest::newRow("latin1 and BMP") << QStringLiteral("caf\u00e9 \u2014 \u65e5\u672c");
        QTest::newRow("astral") << QString::fromUtf8("emoji \xf0\x9f\x98\x80 end");
        QTest::newRow("mixed runs") << QString::fromUtf8("a\xc3\xa9\"b\n\xe2\x82\xac");
    }
    void stringsMatchQJsonDocument()
    {
        QFETCH(QString, text);
        JsonWriter w;
        w.value(QStringView(text));
        QCOMPARE(w.take(), qtJson(text));
        JsonWriter utf8;
        utf8.valueUtf8(text.toUtf8());
        QCOMPARE(utf8.take(), qtJson(text));
    }

    void numbersMatchQJsonDocument_data()
    {
        QTest::addColumn<double>("number");
        QTest::newRow("zero") << 0.0;
        QTest::newRow("negative") << -1.0;
        QTest::newRow("fraction") << 1.5;
        QTest::newRow("tenth") << 0.1;
        QTest::newRow("epoch ms") << 1795693737498.0;
        QTest::newRow("uptime") << 12.345;
        QTest::newRow("huge") << 1e300;
        QTest::newRow("tiny") << 1e-7;
        QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("infinity") << std::numeric_limits<double>::infinity();
    }
    void numbersMatchQJsonDocument()
    {
        QFETCH(double, number);
        JsonWriter w;
        w.value(number);
        QCOMPARE(w.take(), qtJson(number));
    }

    void integersAndLiterals()
    {
        JsonWriter w;
        w.beginArray()
            .value(0)
            .value(qint64(-9007199254740991))
            .value(8787)
            .value(true)
            .value(false)
            .null()
            .endArray();
        QCOMPARE(w.take(), QJsonDocument(QJsonArray{0, qint64(-9007199254740991), 8787, true, false,
                                                    QJsonValue()})
                               .toJson(QJsonDocument::Compact));
    }

    // Written in QJsonObject's (sorted) key order, a nested document comes out byte for byte.
    void nestedDocument()
    {
        JsonWriter w;
        w.beginObject()
            .key(QLatin1StringView("a"))
            .beginArray()
            .endArray()
            .key(QLatin1StringView("b"))
            .beginObject()
            .endObject()
            .key(QStringView(u"c\u00e9"))
            .beginObject()
            .member("x", 1)
            .member("y", u"two")
            .key(QLatin1StringView("z"))
            .beginArray()
            .value(QLatin1StringView("caf\xe9"))
            .value(2.5)
            .endArray()
            .endObject()
            .member("d", QLatin1StringView("plain"))
            .endObject();
        const QJsonObject expected{
            {QStringLiteral("a"), QJsonArray()},
            {QStringLiteral("b"), QJsonObject()},
            {QStringLiteral("c\u00e9"),
             QJsonObject{{QStringLiteral("x"), 1},
                         {QStringLiteral("y"), QStringLiteral("two")},
                         {QStringLiteral("z"), QJsonArray{QStringLiteral("caf\u00e9"), 2.5}}}},
            {QStringLiteral("d"), QStringLiteral("plain")}};
        const QByteArray json = w.take();
        QCOMPARE(json, QJsonDocument(expected).toJson(QJsonDocument::Compact));
        QJsonParseError error;
        QJsonDocument::fromJson(json, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
    }
};

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "test_jsonwriter.moc"
