// Traffic: requests appear live in the table (newest first), the filter, "errors only", the
// control API toggle, pause/resume, per-route charts from the records, clear, and inputs that
// survive a restart — with requests sent over real sockets to the real server.
#include "opsguihelpers.h"
#include "traffic/trafficpanel.h"
#include "widgets/linechart.h"
#include "widgets/trafficfiltermodel.h"
#include "widgets/trafficmodel.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTableView>
#include <QToolButton>
#include <QTreeWidget>

#include <cmath>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

// Rows the table shows whose path is `path`.
QList<TrafficRecord> shown(const TrafficPanel *panel, const QString &path)
{
    QList<TrafficRecord> out;
    const TrafficFilterModel *filter = panel->filterModel();
    for (int row = 0; row < filter->rowCount(); ++row) {
        const TrafficRecord &r =
            panel->model()->record(filter->mapToSource(filter->index(row, 0)).row());
        if (r.path == path)
            out.append(r);
    }
    return out;
}

double sum(const QList<double> &values)
{
    double total = 0;
    for (double v : values) {
        if (std::isfinite(v))
            total += v;
    }
    return total;
}

} // namespace

class TestTrafficPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    TrafficPanel *m_panel = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        m_panel = m_gui->panel<TrafficPanel>(QStringLiteral("traffic"));
        QVERIFY(m_panel);
        QVERIFY(m_gui->show(QStringLiteral("traffic")));
        m_gui->window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_gui->window()));
    }
    void cleanupTestCase() { m_gui.reset(); }

    void showsRequestsLive()
    {
        QTRY_VERIFY(child<QLabel>(m_panel, "trafficEmpty")->isVisible() ||
                    m_panel->filterModel()->rowCount() > 0);
        QCOMPARE(httpGet(*m_gui, "/kv").status, 200);
        QCOMPARE(httpGet(*m_gui, "/no-such-page-xyz").status, 404);
        QTRY_COMPARE(shown(m_panel, QStringLiteral("/no-such-page-xyz")).size(), 1);
        const TrafficRecord r = shown(m_panel, QStringLiteral("/no-such-page-xyz")).first();
        QCOMPARE(r.method, QStringLiteral("GET"));
        QCOMPARE(r.status, 404);
        QVERIFY(r.durationUs > 0);
        QVERIFY(r.bytesOut > 0);
        QTRY_COMPARE(shown(m_panel, QStringLiteral("/kv")).size(), 1);
        // Newest first.
        const TrafficFilterModel *filter = m_panel->filterModel();
        const QModelIndex top = filter->index(0, TrafficModel::PathColumn);
        QCOMPARE(top.data().toString(), QStringLiteral("/no-such-page-xyz"));
        QCOMPARE(filter->index(0, TrafficModel::StatusColumn).data().toInt(), 404);
        static const QRegularExpression duration(QStringLiteral("^\\d+(\\.\\d+)? (µs|ms|s)$"));
        const QString shownDuration =
            filter->index(0, TrafficModel::DurationColumn).data().toString();
        QVERIFY2(duration.match(shownDuration).hasMatch(), qPrintable(shownDuration));
        QVERIFY(m_panel->table()->isVisible());
    }

    void hidesTheControlApiUnlessAsked()
    {
        QCOMPARE(httpGet(*m_gui, "/__edgedesk/v1/health").status, 200);
        QTRY_VERIFY(m_panel->model()->size() > 0 && [this] {
            for (int i = 0; i < m_panel->model()->size(); ++i) {
                if (m_panel->model()->record(i).path == QLatin1String("/__edgedesk/v1/health"))
                    return true;
            }
            return false;
        }());
        QCOMPARE(shown(m_panel, QStringLiteral("/__edgedesk/v1/health")).size(), 0);
        auto *control = child<QCheckBox>(m_panel, "trafficShowControl");
        click(control);
        QVERIFY(control->isChecked());
        QCOMPARE(shown(m_panel, QStringLiteral("/__edgedesk/v1/health")).size(), 1);
        click(control);
        QCOMPARE(shown(m_panel, QStringLiteral("/__edgedesk/v1/health")).size(), 0);
    }

    void filtersByTextAndErrors()
    {
        QCOMPARE(httpGet(*m_gui, "/ai?prompt=hi").status, 503); // no AI provider in tests
        QTRY_COMPARE(shown(m_panel, QStringLiteral("/ai?prompt=hi")).size(), 1);
        auto *text = child<QLineEdit>(m_panel, "trafficFilter");
        m_panel->table()->setFocus();
        QTest::keyClick(m_panel->table(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(text->hasFocus());
        QTest::keyClicks(text, QStringLiteral("no-such"));
        QCOMPARE(m_panel->filterModel()->rowCount(), 1);
        QVERIFY(child<QLabel>(m_panel, "trafficCount")->text().startsWith(QStringLiteral("1 of ")));
        text->clear();

        auto *errors = child<QCheckBox>(m_panel, "trafficErrorsOnly");
        click(errors);
        const TrafficFilterModel *filter = m_panel->filterModel();
        QVERIFY(filter->rowCount() >= 2);
        for (int row = 0; row < filter->rowCount(); ++row)
            QVERIFY(filter->index(row, TrafficModel::StatusColumn).data().toInt() >= 400);
        QCOMPARE(shown(m_panel, QStringLiteral("/kv")).size(), 0);
        QCOMPARE(shown(m_panel, QStringLiteral("/ai?prompt=hi")).size(), 1);
        click(errors);
        QCOMPARE(shown(m_panel, QStringLiteral("/kv")).size(), 1);
    }

    void pauseHoldsTheTable()
    {
        auto *pause = child<QToolButton>(m_panel, "trafficPause");
        click(pause);
        QVERIFY(m_panel->isPaused());
        QCOMPARE(pause->text(), QStringLiteral("Resume"));
        QVERIFY(httpGet(*m_gui, "/kv?key=while-paused").status > 0);
        QTRY_VERIFY(child<QLabel>(m_panel, "trafficMessage")
                        ->text()
                        .contains(QStringLiteral("new requests waiting")));
        QCOMPARE(shown(m_panel, QStringLiteral("/kv?key=while-paused")).size(), 0);
        m_panel->table()->setFocus();
        QTest::keyClick(m_panel->table(), Qt::Key_P, Qt::ControlModifier);
        QVERIFY(!m_panel->isPaused());
        QTRY_COMPARE(shown(m_panel, QStringLiteral("/kv?key=while-paused")).size(), 1);
    }

    void chartsPerRoute()
    {
        for (int i = 0; i < 5; ++i)
            QCOMPARE(httpGet(*m_gui, "/kv").status, 200);
        QTRY_COMPARE(shown(m_panel, QStringLiteral("/kv")).size(), 6);
        const QString route = shown(m_panel, QStringLiteral("/kv")).first().route;
        QVERIFY(!route.isEmpty());

        // The route table lists it once its seconds are complete; pick it with a click.
        QTreeWidget *routes = m_panel->routeTable();
        QTreeWidgetItem *item = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                m_panel->refreshCharts();
                const auto found = routes->findItems(route, Qt::MatchExactly);
                item = found.isEmpty() ? nullptr : found.first();
                return item && item->text(1).toInt() >= 6;
            }(),
            10000);
        QCOMPARE(routes->topLevelItem(0)->text(0), QStringLiteral("All routes"));
        QTest::mouseClick(routes->viewport(), Qt::LeftButton, {},
                          routes->visualItemRect(item).center());
        QCOMPARE(m_panel->selectedRoute(), route);
        QVERIFY(m_panel->rateChart()->title().endsWith(route));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                m_panel->refreshCharts();
                return sum(m_panel->rateChart()->series().at(0).values) >= 6;
            }(),
            5000);
        QCOMPARE(sum(m_panel->rateChart()->series().at(1).values), 0.0); // no 5xx on /kv
        QCOMPARE(m_panel->rateChart()->series().at(0).values.size(), TrafficPanel::kWindowSeconds);
        const QList<double> p99 = m_panel->latencyChart()->series().at(1).values;
        QVERIFY(sum(p99) > 0);
        QVERIFY(!m_panel->latencyChart()->isEmpty());
        m_gui->screenshot(QStringLiteral("traffic"));

        // Back to every route.
        QTest::mouseClick(routes->viewport(), Qt::LeftButton, {},
                          routes->visualItemRect(routes->topLevelItem(0)).center());
        QCOMPARE(m_panel->selectedRoute(), QString());
        QVERIFY(m_panel->rateChart()->title().endsWith(QStringLiteral("All routes")));
    }

    void clearEmptiesTableAndCharts()
    {
        m_panel->table()->setFocus();
        QTest::keyClick(m_panel->table(), Qt::Key_L, Qt::ControlModifier);
        QCOMPARE(m_panel->model()->size(), 0);
        QVERIFY(m_panel->rateChart()->isEmpty());
        QTRY_VERIFY(child<QLabel>(m_panel, "trafficEmpty")->isVisible());
        QVERIFY(
            child<QLabel>(m_panel, "trafficEmpty")
                ->text()
                .contains(QStringLiteral("curl http://127.0.0.1:%1/api/api1").arg(m_gui->port())));
        QCOMPARE(httpGet(*m_gui, "/kv").status, 200);
        QTRY_COMPARE(shown(m_panel, QStringLiteral("/kv")).size(), 1);
    }

    void inputsSurviveARestart()
    {
        QTest::keyClicks(child<QLineEdit>(m_panel, "trafficFilter"), QStringLiteral("/kv"));
        click(child<QCheckBox>(m_panel, "trafficErrorsOnly"));
        m_panel->saveState();
        TrafficPanel again(m_panel->context(), nullptr);
        QCOMPARE(child<QLineEdit>(&again, "trafficFilter")->text(), QStringLiteral("/kv"));
        QVERIFY(child<QCheckBox>(&again, "trafficErrorsOnly")->isChecked());
        QCOMPARE(again.filterModel()->text(), QStringLiteral("/kv"));
        QVERIFY(again.filterModel()->errorsOnly());
        child<QLineEdit>(m_panel, "trafficFilter")->clear();
        click(child<QCheckBox>(m_panel, "trafficErrorsOnly"));
    }
};

QTEST_MAIN(TestTrafficPanel)
#include "test_trafficpanel.moc"
