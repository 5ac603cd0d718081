// The models and widgets behind Overview, Containers, Logs, Traffic and Settings, on their own:
// per-second series and percentiles, chart scales, log and traffic rings and filters, and the
// managed configuration file.
#include "config/edgeconfig.h"
#include "widgets/linechart.h"
#include "widgets/logfiltermodel.h"
#include "widgets/logmodel.h"
#include "settings/managedconfig.h"
#include "widgets/persecondseries.h"
#include "widgets/sparkline.h"
#include "widgets/trafficfiltermodel.h"
#include "widgets/trafficmodel.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace edgedesk;

namespace {

LogEntry entry(quint64 seq, const QString &level, const QString &source, const QString &message)
{
    LogEntry e;
    e.seq = seq;
    e.timeMs = 1700000000000 + qint64(seq);
    e.level = level;
    e.source = source;
    e.category = QStringLiteral("stdout");
    e.message = message;
    return e;
}

TrafficRecord record(quint64 id, const QString &path, int status, qint64 timeMs = 1700000000000)
{
    TrafficRecord r;
    r.id = id;
    r.timeMs = timeMs;
    r.method = QStringLiteral("GET");
    r.path = path;
    r.route = path.startsWith(QLatin1String("/__edgedesk/")) ? QStringLiteral("control.x")
                                                             : QStringLiteral("kv");
    r.status = status;
    r.durationUs = 1500;
    r.bytesOut = 10;
    return r;
}

} // namespace

class TestOpsWidgets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void percentile_data()
    {
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<double>("q");
        QTest::addColumn<double>("expected");
        QList<double> hundred;
        for (int i = 100; i >= 1; --i)
            hundred.append(i);
        QTest::addRow("p50 of 1..100") << hundred << 0.5 << 50.0;
        QTest::addRow("p99 of 1..100") << hundred << 0.99 << 99.0;
        QTest::addRow("p100 of 1..100") << hundred << 1.0 << 100.0;
        QTest::addRow("p0 is the minimum") << hundred << 0.0 << 1.0;
        QTest::addRow("single value") << QList<double>{7.5} << 0.99 << 7.5;
        QTest::addRow("p50 of two") << QList<double>{10, 20} << 0.5 << 10.0;
        QTest::addRow("p99 of two") << QList<double>{10, 20} << 0.99 << 20.0;
    }
    void percentile()
    {
        QFETCH(QList<double>, values);
        QFETCH(double, q);
        QFETCH(double, expected);
        std::vector<float> v(values.begin(), values.end());
        QCOMPARE(PerSecondSeries::percentileOf(v, q), expected);
    }

    void percentileOfNothingIsNaN() { QVERIFY(std::isnan(PerSecondSeries::percentileOf({}, 0.5))); }

    void seriesBucketsPerSecond()
    {
        PerSecondSeries s(10);
        const qint64 t0 = 1700000000000; // a whole second
        for (int i = 0; i < 3; ++i)
            s.add(t0 + 100 * i, 10.0 * (i + 1), false); // second 0: 10, 20, 30 ms
        s.add(t0 + 2500, 5.0, true);                    // second 2: one error
        const qint64 end = t0 + 2999;
        const QList<double> counts = s.counts(end);
        QCOMPARE(counts.size(), 10);
        QCOMPARE(counts.mid(7), (QList<double>{3, 0, 1}));
        QCOMPARE(s.errors(end).mid(7), (QList<double>{0, 0, 1}));
        const QList<double> p50 = s.percentiles(0.5, end);
        QCOMPARE(p50.at(7), 20.0);
        QVERIFY(std::isnan(p50.at(8)));
        QCOMPARE(p50.at(9), 5.0);
        QCOMPARE(s.total(end), quint64(4));
        QCOMPARE(s.percentile(1.0, end), 30.0);
    }

    void seriesForgetsSecondsOutsideTheWindow()
    {
        PerSecondSeries s(10);
        const qint64 t0 = 1700000000000;
        s.add(t0, 1, false);
        s.add(t0 + 10000, 1, false); // same slot, ten seconds later: replaces it
        QCOMPARE(s.total(t0 + 10000), quint64(1));
        s.add(t0, 1, false); // a late record for a second already gone is dropped
        QCOMPARE(s.total(t0 + 10000), quint64(1));
        QCOMPARE(s.counts(t0 + 10000).constLast(), 1.0);
        QCOMPARE(s.total(t0 + 30000), quint64(0));
    }

    void seriesKeepsABoundedSample()
    {
        PerSecondSeries s(5, 100);
        const qint64 t0 = 1700000000000;
        for (int i = 0; i < 10000; ++i)
            s.add(t0 + i % 1000, i < 5000 ? 1.0 : 1000.0, false);
        QCOMPARE(s.counts(t0).constLast(), 10000.0);
        // Half the requests took 1000 ms: a uniform sample keeps p99 there.
        QCOMPARE(s.percentile(0.99, t0), 1000.0);
    }

    void niceCeiling_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("minimum");
        QTest::addColumn<double>("expected");
        QTest::addRow("zero") << 0.0 << 1.0 << 1.0;
        QTest::addRow("3 -> 5") << 3.0 << 1.0 << 5.0;
        QTest::addRow("7 -> 10") << 7.0 << 1.0 << 10.0;
        QTest::addRow("12 -> 20") << 12.0 << 1.0 << 20.0;
        QTest::addRow("22 -> 25") << 22.0 << 1.0 << 25.0;
        QTest::addRow("exact 50") << 50.0 << 1.0 << 50.0;
        QTest::addRow("small with floor") << 0.3 << 0.25 << 0.5;
        QTest::addRow("NaN") << std::nan("") << 1.0 << 1.0;
    }
    void niceCeiling()
    {
        QFETCH(double, value);
        QFETCH(double, minimum);
        QFETCH(double, expected);
        QCOMPARE(LineChart::niceCeiling(value, minimum), expected);
    }

    void chartAxisCoversTheData()
    {
        LineChart chart;
        QVERIFY(chart.isEmpty());
        chart.setSeries({{QStringLiteral("a"), Qt::blue, {0, 7, std::nan("")}},
                         {QStringLiteral("b"), Qt::red, {1, 2, 3}}});
        QVERIFY(!chart.isEmpty());
        QCOMPARE(chart.axisMaximum(), 8.0); // four steps of 2
        chart.setSeries({{QStringLiteral("a"), Qt::blue, {0.1, 0.2}}});
        QCOMPARE(chart.axisMaximum(), 1.0); // four steps of 0.25
    }

    void formatValue_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::addRow("integer") << 12.0 << QStringLiteral("12");
        QTest::addRow("one decimal") << 1.54 << QStringLiteral("1.5");
        QTest::addRow("two decimals") << 0.25 << QStringLiteral("0.25");
        QTest::addRow("thousands") << 1500.0 << QStringLiteral("1.5k");
        QTest::addRow("tens of thousands") << 25000.0 << QStringLiteral("25k");
        QTest::addRow("missing") << std::nan("") << QStringLiteral("–");
    }
    void formatValue()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        QCOMPARE(LineChart::formatValue(value), text);
    }

    void sparklineKeepsItsCapacity()
    {
        Sparkline line;
        line.setCapacity(5);
        line.setValues({1, 2, 3, 4, 5, 6, 7});
        QCOMPARE(line.values(), (QList<double>{3, 4, 5, 6, 7}));
        line.append(8);
        QCOMPARE(line.values(), (QList<double>{4, 5, 6, 7, 8}));
    }

    void logRingDropsTheOldest()
    {
        LogModel model;
        model.setCapacity(100);
        QList<LogEntry> batch;
        for (int i = 1; i <= 150; ++i)
            batch.append(entry(quint64(i), QStringLiteral("info"), QStringLiteral("server"),
                               QStringLiteral("line %1").arg(i)));
        model.append(batch.mid(0, 60));
        model.append(batch.mid(60));
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.entry(0).seq, quint64(51));
        QCOMPARE(model.lastSeq(), quint64(150));
        QCOMPARE(model.data(model.index(0), LogModel::MessageRole).toString(),
                 QStringLiteral("line 51"));
    }

    void logLineFromJson()
    {
        const QJsonObject json{{QStringLiteral("seq"), 42},
                               {QStringLiteral("time"), QStringLiteral("2024-01-02T03:04:05.678Z")},
                               {QStringLiteral("level"), QStringLiteral("warning")},
                               {QStringLiteral("source"), QStringLiteral("BACKEND/instance-1")},
                               {QStringLiteral("category"), QStringLiteral("stderr")},
                               {QStringLiteral("message"), QStringLiteral("slow")}};
        const LogEntry e = LogModel::fromJson(json);
        QCOMPARE(e.seq, quint64(42));
        QCOMPARE(e.timeMs, qint64(1704164645678));
        QCOMPARE(e.level, QStringLiteral("warning"));
        QCOMPARE(e.source, QStringLiteral("BACKEND/instance-1"));
        QCOMPARE(e.category, QStringLiteral("stderr"));
        QCOMPARE(e.message, QStringLiteral("slow"));
        QVERIFY(LogModel::formatLine(e).endsWith(QStringLiteral("[stderr]  slow")));
    }

    void logFilters_data()
    {
        QTest::addColumn<int>("minLevel");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("search");
        QTest::addColumn<int>("rows");
        // 20,000 lines: levels cycle debug/info/warning/error, sources alternate.
        QTest::addRow("everything") << 0 << QString() << QString() << 20000;
        QTest::addRow("info and above") << 1 << QString() << QString() << 15000;
        QTest::addRow("warnings and errors") << 2 << QString() << QString() << 10000;
        QTest::addRow("errors only") << 3 << QString() << QString() << 5000;
        QTest::addRow("one source")
            << 0 << QStringLiteral("BACKEND/instance-0") << QString() << 10000;
        QTest::addRow("errors of one source") << 3 << QStringLiteral("server") << QString() << 5000;
        QTest::addRow("search, any case") << 0 << QString() << QStringLiteral("REQUEST 1234;") << 1;
        QTest::addRow("search matches the source")
            << 0 << QString() << QStringLiteral("instance-0") << 10000;
        QTest::addRow("search and level") << 3 << QString() << QStringLiteral("request 1234;") << 0;
        QTest::addRow("no match") << 0 << QString() << QStringLiteral("zzz") << 0;
    }
    void logFilters()
    {
        QFETCH(int, minLevel);
        QFETCH(QString, source);
        QFETCH(QString, search);
        QFETCH(int, rows);
        static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                                        QStringLiteral("warning"), QStringLiteral("error")};
        LogModel model;
        model.setCapacity(30000);
        QList<LogEntry> batch;
        for (int i = 0; i < 20000; ++i)
            batch.append(
                entry(quint64(i + 1), levels[i % 4],
                      i % 2 ? QStringLiteral("server") : QStringLiteral("BACKEND/instance-0"),
                      QStringLiteral("request %1; done").arg(i)));
        model.append(batch);
        LogFilterModel filter;
        filter.setLogModel(&model);
        filter.setMinimumLevel(minLevel);
        filter.setSource(source);
        filter.setSearch(search);
        QCOMPARE(filter.rowCount(), rows);
        // New lines are filtered as they arrive.
        model.append({entry(30000, QStringLiteral("error"), QStringLiteral("server"),
                            QStringLiteral("request 1234; again"))});
        const bool accepted =
            minLevel <= 3 && (source.isEmpty() || source == QLatin1String("server")) &&
            (search.isEmpty() ||
             search.compare(QStringLiteral("request 1234;"), Qt::CaseInsensitive) == 0);
        QCOMPARE(filter.rowCount(), rows + (accepted ? 1 : 0));
    }

    void trafficRingKeeps5000()
    {
        TrafficModel model;
        QCOMPARE(model.capacity(), 5000);
        QList<TrafficRecord> batch;
        for (int i = 1; i <= 6000; ++i)
            batch.append(record(quint64(i), QStringLiteral("/kv"), 200));
        model.append(batch.mid(0, 4000));
        model.append(batch.mid(4000));
        QCOMPARE(model.rowCount(), 5000);
        QCOMPARE(model.record(0).id, quint64(1001));
        QCOMPARE(model.record(4999).id, quint64(6000));
    }

    void trafficRecordFromJson()
    {
        const QJsonObject json{{QStringLiteral("id"), 7},
                               {QStringLiteral("time"), QStringLiteral("2024-01-02T03:04:05.678Z")},
                               {QStringLiteral("method"), QStringLiteral("POST")},
                               {QStringLiteral("path"), QStringLiteral("/run")},
                               {QStringLiteral("route"), QStringLiteral("run")},
                               {QStringLiteral("binding"), QStringLiteral("LINUX_COMMAND")},
                               {QStringLiteral("status"), 200},
                               {QStringLiteral("duration_ms"), 12.345},
                               {QStringLiteral("bytes_in"), 20},
                               {QStringLiteral("bytes_out"), 2048},
                               {QStringLiteral("instance"), QStringLiteral("instance-1")}};
        const TrafficRecord r = TrafficModel::fromJson(json);
        QCOMPARE(r.id, quint64(7));
        QCOMPARE(r.timeMs, qint64(1704164645678));
        QCOMPARE(r.method, QStringLiteral("POST"));
        QCOMPARE(r.durationUs, qint64(12345));
        QCOMPARE(r.bytesOut, qint64(2048));
        QCOMPARE(r.instance, QStringLiteral("instance-1"));
        TrafficModel model;
        model.append({r});
        QCOMPARE(model.data(model.index(0, TrafficModel::BytesColumn), Qt::DisplayRole).toString(),
                 QStringLiteral("2.00 KiB"));
        QCOMPARE(
            model.data(model.index(0, TrafficModel::DurationColumn), Qt::DisplayRole).toString(),
            QStringLiteral("12.3 ms"));
    }

    void trafficFilters()
    {
        TrafficModel model;
        model.append({record(1, QStringLiteral("/kv"), 200, 1000),
                      record(2, QStringLiteral("/__edgedesk/v1/containers"), 200, 1000),
                      record(3, QStringLiteral("/missing"), 404, 2000),
                      record(4, QStringLiteral("/ai"), 503, 2000)});
        TrafficFilterModel filter;
        filter.setTrafficModel(&model);
        QCOMPARE(filter.rowCount(), 3); // the control API is hidden by default
        filter.setShowControlApi(true);
        QCOMPARE(filter.rowCount(), 4);
        filter.setErrorsOnly(true);
        QCOMPARE(filter.rowCount(), 2);
        filter.setErrorsOnly(false);
        filter.setText(QStringLiteral("503"));
        QCOMPARE(filter.rowCount(), 1);
        filter.setText(QStringLiteral("MISS"));
        QCOMPARE(filter.rowCount(), 1);
        filter.setText(QString());
        // Newest first, arrival order breaking ties.
        filter.sort(TrafficModel::TimeColumn, Qt::DescendingOrder);
        QList<quint64> ids;
        for (int row = 0; row < filter.rowCount(); ++row)
            ids.append(model.record(filter.mapToSource(filter.index(row, 0)).row()).id);
        QCOMPARE(ids, (QList<quint64>{4, 3, 2, 1}));
    }

    void managedConfigPatchesAndValidates()
    {
        auto config = ManagedConfig::load(QString());
        QVERIFY2(config, config ? "" : qPrintable(config.error().message));
        QCOMPARE(config->ai().provider, QString());
        const auto containers = config->containers();
        QCOMPARE(containers.size(), 2);
        QCOMPARE(containers[0].className, QStringLiteral("GoBackend"));
        QCOMPARE(containers[0].binding, QStringLiteral("BACKEND"));
        QCOMPARE(containers[0].sleepAfter, QStringLiteral("10m"));
        QVERIFY(!containers[0].runsCommands);
        QVERIFY(containers[1].runsCommands);
        QCOMPARE(containers[1].commandNetwork, QStringLiteral("none"));

        ManagedConfig::Ai ai;
        ai.provider = QStringLiteral("openai");
        ai.baseUrl = QStringLiteral("http://127.0.0.1:11434/v1");
        config->setAi(ai);
        QVERIFY(!config->validate()); // a model is required
        QVERIFY(config->validate().error().message.contains(QStringLiteral("ai.model")));
        ai.model = QStringLiteral("llama3.2");
        ai.apiKeySecret = QStringLiteral("OPENAI_KEY");
        config->setAi(ai);
        QVERIFY(config->validate());
        ManagedConfig::Container c = containers[1];
        c.sleepAfter = QStringLiteral("30s");
        c.commandNetwork = QStringLiteral("host");
        config->setContainer(c);
        c.sleepAfter = QStringLiteral("soon");
        ManagedConfig broken = *config;
        broken.setContainer(c);
        QVERIFY(!broken.validate());

        QTemporaryDir dir;
        const QString path = ManagedConfig::managedPath(dir.filePath(QStringLiteral("data")));
        QCOMPARE(path, dir.filePath(QStringLiteral("data/edgedesk.jsonc")));
        QVERIFY(config->save(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readLine().startsWith("// Written by EdgeDesk's Settings section"));
        auto loaded = ConfigLoader::load(path);
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error().message));
        QCOMPARE(loaded->ai.value(QStringLiteral("provider")).toString(), QStringLiteral("openai"));
        QCOMPARE(loaded->ai.value(QStringLiteral("model")).toString(), QStringLiteral("llama3.2"));
        QCOMPARE(loaded->ai.value(QStringLiteral("binding")).toString(), QStringLiteral("AI"));
        QCOMPARE(loaded->containers.size(), 2);
        QCOMPARE(loaded->containers[0].sleepAfterMs, qint64(600000));
        QCOMPARE(loaded->containers[1].sleepAfterMs, qint64(30000));
        QCOMPARE(loaded->containers[1].commandNetwork, QStringLiteral("host"));
        QCOMPARE(loaded->kvNamespaces.size(), 1);

        // Back to no provider: the provider keys go, the binding stays.
        config->setAi({});
        const QJsonObject none = config->root().value(QStringLiteral("ai")).toObject();
        QCOMPARE(none, (QJsonObject{{QStringLiteral("binding"), QStringLiteral("AI")}}));
    }

    void managedConfigKeepsRelativeProgramsWorking()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("mine.jsonc"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({
  // a comment
  "containers": [{"class_name": "Mine", "image": "./bin/prog", "max_instances": 1,},],
  "durable_objects": {"bindings": [{"name": "MINE", "class_name": "Mine"}]},
})");
        file.close();
        auto config = ManagedConfig::load(path);
        QVERIFY2(config, config ? "" : qPrintable(config.error().message));
        QCOMPARE(config->containers().at(0).image, dir.filePath(QStringLiteral("bin/prog")));
        QCOMPARE(config->containers().at(0).binding, QStringLiteral("MINE"));
        QVERIFY(!ManagedConfig::load(dir.filePath(QStringLiteral("missing.jsonc"))));
    }
};

QTEST_MAIN(TestOpsWidgets)
#include "test_opswidgets.moc"
