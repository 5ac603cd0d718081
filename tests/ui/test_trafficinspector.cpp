// The Traffic section's request inspector over real requests: the headers of a known request
// (credentials hidden), where its time went, the instance and its log lines around that moment,
// "Open in API" and "Copy as curl"; and the route table and latency chart giving the same
// p50/p99 in the same words.
#include "api/apipanel.h"
#include "logging/loghub.h"
#include "opsguihelpers.h"
#include "sectiontest.h"
#include "traffic/requestinspector.h"
#include "traffic/trafficpanel.h"
#include "widgets/linechart.h"
#include "widgets/trafficfiltermodel.h"
#include "widgets/trafficmodel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTreeWidget>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

QString valueOf(const QTreeWidget *tree, const QString &name)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0).compare(name, Qt::CaseInsensitive) == 0)
            return tree->topLevelItem(i)->text(1);
    }
    return {};
}

} // namespace

class TestTrafficInspector final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    TrafficPanel *m_panel = nullptr;
    RequestInspector *m_inspector = nullptr;

    // The table row of the request to `path`, or an invalid index.
    QModelIndex rowOf(const QString &path) const
    {
        const TrafficFilterModel *filter = m_panel->filterModel();
        for (int row = 0; row < filter->rowCount(); ++row) {
            const QModelIndex index = filter->index(row, 0);
            if (m_panel->model()->record(filter->mapToSource(index).row()).path == path)
                return index;
        }
        return {};
    }

    bool select(const QString &path)
    {
        if (!QTest::qWaitFor([&] { return rowOf(path).isValid(); }, 10000))
            return false;
        QTableView *table = m_panel->table();
        const QModelIndex index = rowOf(path);
        table->scrollTo(index);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
        return m_inspector->hasRecord() && m_inspector->record().path == path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        applyPaletteFromEnvironment();
        m_gui = std::make_unique<GuiFixture>(sectionServerOptions());
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        applyWindowSize(*m_gui);
        QVERIFY(m_gui->show(QStringLiteral("traffic")));
        m_panel = m_gui->panel<TrafficPanel>(QStringLiteral("traffic"));
        QVERIFY(m_panel);
        m_inspector = m_panel->inspector();
        QVERIFY(m_inspector);
    }
    void cleanupTestCase() { m_gui.reset(); }

    void nothingSelectedSaysWhatToDo()
    {
        QVERIFY(!m_inspector->hasRecord());
        QVERIFY(child<QLabel>(m_inspector, "trafficInspectorEmpty")->isVisible());
    }

    void showsTheHeadersOfAKnownRequest()
    {
        const QString path = QStringLiteral("/worker/echo?inspect=1");
        const HttpReply reply = request(m_gui->port(), "GET", path.toUtf8(),
                                        {{"X-Inspect", "42"},
                                         {"Authorization", "Bearer s3cret-token"},
                                         {"Cookie", "session=abc"}});
        QCOMPARE(reply.status, 200);
        QVERIFY(select(path));

        QTreeWidget *req = m_inspector->requestHeaders();
        QCOMPARE(valueOf(req, QStringLiteral("X-Inspect")), QStringLiteral("42"));
        QCOMPARE(valueOf(req, QStringLiteral("Host")),
                 QStringLiteral("127.0.0.1:%1").arg(m_gui->port()));
        QCOMPARE(valueOf(req, QStringLiteral("Authorization")), QStringLiteral("(hidden)"));
        QCOMPARE(valueOf(req, QStringLiteral("Cookie")), QStringLiteral("(hidden)"));
        for (int i = 0; i < req->topLevelItemCount(); ++i)
            QVERIFY(!req->topLevelItem(i)->text(1).contains(QStringLiteral("s3cret")));

        QTreeWidget *resp = m_inspector->responseHeaders();
        QVERIFY(resp->topLevelItemCount() >= 1);
        QCOMPARE(resp->topLevelItem(0)->text(0), QStringLiteral("Content-Type"));
        QCOMPARE(resp->topLevelItem(0)->text(1), QString::fromLatin1(reply.header("content-type")));

        const TrafficRecord &r = m_inspector->record();
        QCOMPARE(r.queueUs, qint64(-1)); // the service binding answers in process
        QCOMPARE(m_inspector->timing()->text(), RequestInspector::timingText(r));
        QVERIFY(m_inspector->timing()->text().contains(QStringLiteral("answered by the server")));
        QVERIFY(!r.instance.isEmpty()); // the service binding names its service
        QCOMPARE(m_inspector->instance()->text(),
                 QStringLiteral("Served in process by %1 (%2)").arg(r.instance, r.binding));
        QVERIFY(!m_gui->screenshot(screenshotName(QStringLiteral("traffic-inspector-service")))
                     .isEmpty());

        // The control API gives the same record, credentials hidden there too.
        const HttpReply traffic = request(m_gui->port(), "GET", "/__edgedesk/v1/traffic?limit=50");
        QCOMPARE(traffic.status, 200);
        QJsonObject json;
        for (const QJsonValue &v : traffic.json().value(QStringLiteral("records")).toArray()) {
            if (v.toObject().value(QStringLiteral("path")).toString() == path)
                json = v.toObject();
        }
        QVERIFY(!json.isEmpty());
        QVERIFY(json.value(QStringLiteral("queue_ms")).isNull());
        QVERIFY(json.value(QStringLiteral("upstream_ms")).isNull());
        const QJsonArray headers = json.value(QStringLiteral("request_headers")).toArray();
        QVERIFY(headers.contains(QJsonArray{QStringLiteral("X-Inspect"), QStringLiteral("42")}));
        QVERIFY(headers.contains(
            QJsonArray{QStringLiteral("Authorization"), QStringLiteral("(hidden)")}));
        QVERIFY(!traffic.body.contains("s3cret"));
    }

    void openInApiFillsTheBuilder()
    {
        const QString path = QStringLiteral("/worker/echo?inspect=1");
        QVERIFY(select(path));
        click(m_inspector->openInApiButton());
        QTRY_COMPARE(m_gui->window()->currentSection(), QStringLiteral("api"));
        auto *api = m_gui->panel<ApiPanel>(QStringLiteral("api"));
        QCOMPARE(child<QComboBox>(api, "apiMethod")->currentText(), QStringLiteral("GET"));
        QCOMPARE(child<QLineEdit>(api, "apiPath")->text(), path);
        const QString headers = child<QPlainTextEdit>(api, "apiHeadersEdit")->toPlainText();
        QVERIFY2(headers.contains(QStringLiteral("X-Inspect: 42")), qPrintable(headers));
        QVERIFY2(!headers.contains(QStringLiteral("Authorization"), Qt::CaseInsensitive),
                 qPrintable(headers));
        QVERIFY2(!headers.contains(QStringLiteral("Host:"), Qt::CaseInsensitive),
                 qPrintable(headers));
        QVERIFY(m_gui->show(QStringLiteral("traffic")));
    }

    void copyAsCurlFromTheRow()
    {
        const QString path = QStringLiteral("/worker/echo?inspect=1");
        QVERIFY(select(path));
        click(m_inspector->copyCurlButton());
        const QString expected = m_gui->window()->api()->curlCommand(
            "GET", path, RequestInspector::replayHeaders(m_inspector->record().requestHeaders));
        QCOMPARE(QApplication::clipboard()->text(), expected);
        QVERIFY(expected.contains(QStringLiteral("-H 'X-Inspect: 42'")));
        QVERIFY(!expected.contains(QStringLiteral("(hidden)")));
    }

    void containerRequestShowsTimingInstanceAndLog()
    {
        const QString missing = containerRouteUnavailable(m_gui->port(), "GET", "/api/api1");
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        const QString path = QStringLiteral("/api/api1?inspect=2");
        const HttpReply reply = request(m_gui->port(), "GET", path.toUtf8(), {{"X-Inspect", "7"}});
        QCOMPARE(reply.status, 200);
        const QString instance = QString::fromLatin1(reply.header("x-edgedesk-instance"));
        QVERIFY(!instance.isEmpty());
        QVERIFY(select(path));
        const TrafficRecord r = m_inspector->record();
        QCOMPARE(r.instance, instance);
        QVERIFY(r.queueUs >= 0);
        QVERIFY(r.queueUs <= r.durationUs);
        QVERIFY2(m_inspector->timing()->text().startsWith(QStringLiteral("Queue ")),
                 qPrintable(m_inspector->timing()->text()));
        QCOMPARE(m_inspector->timing()->text(), RequestInspector::timingText(r));
        QVERIFY(m_inspector->instance()->text().contains(instance));
        QCOMPARE(valueOf(m_inspector->requestHeaders(), QStringLiteral("X-Inspect")),
                 QStringLiteral("7"));

        // The instance logs a line per request; once the hub has it, the inspector shows it.
        const QString source = r.binding + QLatin1Char('/') + r.instance;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const LogEntry &e : m_gui->host().logHub().tail(200, source)) {
                    if (e.message.contains(QStringLiteral("/api/api1")))
                        return true;
                }
                return false;
            }(),
            10000);
        m_inspector->showRecord(r, &m_gui->host().logHub());
        QVERIFY2(m_inspector->instanceLog()->toPlainText().contains(QStringLiteral("/api/api1")),
                 qPrintable(m_inspector->instanceLog()->toPlainText()));
        QVERIFY(!m_gui->screenshot(screenshotName(QStringLiteral("traffic-inspector"))).isEmpty());
    }

    void routeTableAndChartAgree()
    {
        for (int i = 0; i < 5; ++i)
            QCOMPARE(httpGet(*m_gui, "/kv").status, 200);
        QTreeWidget *routes = m_panel->routeTable();
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                m_panel->refreshCharts();
                return routes->topLevelItemCount() > 1;
            }(),
            10000);
        m_panel->refreshCharts();
        QTreeWidgetItem *all = routes->topLevelItem(0);
        const QString title = m_panel->latencyChart()->title();
        QVERIFY2(title.contains(QStringLiteral("p50 %1").arg(all->text(3))), qPrintable(title));
        QVERIFY2(title.contains(QStringLiteral("p99 %1").arg(all->text(4))), qPrintable(title));
        // The axis never reads "1.0k": past 1000 ms it is in seconds. The chart plots per-second
        // points, which may come a refresh after the table's rows.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                m_panel->refreshCharts();
                return !m_panel->latencyChart()->isEmpty();
            }(),
            10000);
        const QString top = LineChart::formatValue(m_panel->latencyChart()->axisMaximum());
        QVERIFY2(!top.contains(QLatin1Char('k')), qPrintable(top));
        QVERIFY(m_panel->latencyChart()->axisMaximum() < 1000.0);
    }
};

QTEST_MAIN(TestTrafficInspector)
#include "test_trafficinspector.moc"
