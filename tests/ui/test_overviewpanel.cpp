// Overview: each binding's state from /config and live probes (with the "how to fix" link to
// Settings for an unconfigured AI), requests/s and p99 sparklines from live traffic, the
// container summary and the last errors (5xx responses and error log lines).
#include "logging/loghub.h"
#include "opsguihelpers.h"
#include "overview/overviewpanel.h"
#include "widgets/sparkline.h"

#include <QDateTime>
#include <QLabel>
#include <QRegularExpression>
#include <QTreeWidget>

#include <cmath>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

double sum(const QList<double> &values)
{
    double total = 0;
    for (double v : values)
        total += std::isfinite(v) ? v : 0;
    return total;
}

QTreeWidgetItem *findError(QTreeWidget *list, const QString &where, const QString &what)
{
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = list->topLevelItem(i);
        if (item->text(1).contains(where) && item->text(2).contains(what))
            return item;
    }
    return nullptr;
}

} // namespace

class TestOverviewPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    OverviewPanel *m_panel = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        m_panel = m_gui->panel<OverviewPanel>(QStringLiteral("overview"));
        QVERIFY(m_panel);
        QVERIFY(m_gui->show(QStringLiteral("overview")));
    }
    void cleanupTestCase() { m_gui.reset(); }

    void introNamesTheUrl()
    {
        auto *intro = child<QLabel>(m_panel, "overviewIntro");
        QTRY_VERIFY(
            intro->text().contains(QStringLiteral("http://127.0.0.1:%1").arg(m_gui->port())));
    }

    void bindingsShowTheirState()
    {
        QTRY_COMPARE(m_panel->bindingState(QStringLiteral("MY_KV")), QStringLiteral("ready"));
        QVERIFY(m_panel->bindingDetail(QStringLiteral("MY_KV"))
                    .contains(QStringLiteral("edgedesk-local")));
        // On screen the name never breaks at its hyphen (a narrow window wraps between words).
        QVERIFY(child<QLabel>(m_panel, "overviewDetail_MY_KV")
                    ->text()
                    .contains(QStringLiteral("edgedesk") + QChar(0x2011) + QStringLiteral("local")));
        QTRY_COMPARE(m_panel->bindingState(QStringLiteral("SECRET_STORE")),
                     QStringLiteral("ready"));
        QCOMPARE(m_panel->bindingState(QStringLiteral("ASSETS")), QStringLiteral("ready"));
        QCOMPARE(m_panel->bindingState(QStringLiteral("WORKER_SERVICE")), QStringLiteral("ready"));
        QTRY_VERIFY(!m_panel->bindingState(QStringLiteral("PUBLIC")).isEmpty() &&
                    m_panel->bindingState(QStringLiteral("PUBLIC")) != QStringLiteral("checking…"));
        for (const char *binding : {"BACKEND", "LINUX_COMMAND"})
            QVERIFY2(!m_panel->bindingState(QString::fromLatin1(binding)).isEmpty(), binding);
    }

    void unconfiguredAiLinksToSettings()
    {
        // The fixture starts without an AI provider and without the Ollama probe.
        QTRY_COMPARE(m_panel->bindingState(QStringLiteral("AI")), QStringLiteral("not configured"));
        QVERIFY(m_panel->bindingDetail(QStringLiteral("AI"))
                    .contains(QStringLiteral("href=\"settings\"")));
        auto *detail = child<QLabel>(m_panel, "overviewDetail_AI");
        QVERIFY(detail->isVisible());
        Q_EMIT detail->linkActivated(QStringLiteral("settings"));
        if (m_gui->window()->panel(QStringLiteral("settings")))
            QTRY_COMPARE(m_gui->window()->currentSection(), QStringLiteral("settings"));
        QVERIFY(m_gui->show(QStringLiteral("overview")));
    }

    void sparklinesFollowTraffic()
    {
        for (int i = 0; i < 10; ++i)
            QCOMPARE(httpGet(*m_gui, "/kv").status, 200);
        // The last complete second is drawn, so the requests show within about two seconds.
        QTRY_VERIFY_WITH_TIMEOUT(sum(m_panel->rateSparkline()->values()) >= 10, 5000);
        QCOMPARE(m_panel->rateSparkline()->values().size(), OverviewPanel::kWindowSeconds);
        QVERIFY(sum(m_panel->latencySparkline()->values()) > 0);
        static const QRegularExpression latency(QStringLiteral("^\\d+(\\.\\d+)? (µs|ms|s)$"));
        const QString p99 = child<QLabel>(m_panel, "overviewLatencyValue")->text();
        QVERIFY2(latency.match(p99).hasMatch(), qPrintable(p99));
        // The window's own polling of the control API is not counted. (Other sections may send
        // a few requests of their own meanwhile, hence the margin.)
        const double before = sum(m_panel->rateSparkline()->values());
        for (int i = 0; i < 60; ++i)
            QCOMPARE(httpGet(*m_gui, "/__edgedesk/v1/health").status, 200);
        // A counted request after them: connected after the panel, this slot runs after the
        // panel's for the same record, so once it saw the marker the panel saw every health record.
        qint64 markerMs = 0;
        const auto watch = connect(&m_gui->host(), &ServerHost::trafficRecorded, m_panel,
                                   [&markerMs](const TrafficRecord &record) {
                                       if (record.path == QLatin1String("/kv?key=overview-marker"))
                                           markerMs = record.timeMs;
                                   });
        httpGet(*m_gui, "/kv?key=overview-marker");
        QTRY_VERIFY(markerMs > 0);
        disconnect(watch);
        // The sparkline draws complete seconds only: wait until the marker's second is one.
        QTRY_VERIFY_WITH_TIMEOUT(
            QDateTime::currentMSecsSinceEpoch() >= (markerMs / 1000 + 1) * 1000, 5000);
        m_panel->refreshActivity();
        const double added = sum(m_panel->rateSparkline()->values()) - before;
        QVERIFY2(added >= 1 && added < 30, qPrintable(QString::number(added)));
    }

    void statusBarRateLeavesOutTheControlApiToo()
    {
        // As the Overview: the window's own control API calls are not the user's requests.
        QLabel *rate = m_gui->window()->requestsPerSecondLabel();
        static const QRegularExpression shape(QStringLiteral("^(\\d+) req/s$"));
        for (int i = 0; i < 60; ++i)
            QCOMPARE(httpGet(*m_gui, "/__edgedesk/v1/health").status, 200);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(httpGet(*m_gui, "/kv").status, 200);
        // The label counts the last second, refreshed every second: once it shows the three
        // requests, the sixty sent just before them would show too if they were counted.
        int shown = -1;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto m = shape.match(rate->text());
                shown = m.hasMatch() ? m.captured(1).toInt() : -1;
                return shown >= 3;
            }(),
            5000);
        QVERIFY2(shown < 30, qPrintable(rate->text()));
    }

    void lastErrorsCollect5xxAndErrorLines()
    {
        QTRY_VERIFY(child<QLabel>(m_panel, "overviewErrorsEmpty")->isVisible() ||
                    m_panel->errorList()->topLevelItemCount() > 0);
        QCOMPARE(httpGet(*m_gui, "/ai?prompt=overview").status, 503);
        QTRY_VERIFY(findError(m_panel->errorList(), QStringLiteral("GET /ai?prompt=overview"),
                              QStringLiteral("HTTP 503")));
        m_gui->host().logHub().append(QStringLiteral("BACKEND/instance-2"), QStringLiteral("error"),
                                      QStringLiteral("stderr"),
                                      QStringLiteral("panic: overview test failure"));
        QTRY_VERIFY(findError(m_panel->errorList(), QStringLiteral("BACKEND/instance-2"),
                              QStringLiteral("panic: overview test failure")));
        // Newest first.
        QVERIFY(m_panel->errorList()->topLevelItem(0)->text(2).contains(
            QStringLiteral("overview test failure")));
        QVERIFY(m_panel->errorList()->isVisible());
        // Not an error: a warning line and a 404.
        m_gui->host().logHub().append(QStringLiteral("server"), QStringLiteral("warning"),
                                      QStringLiteral("edgedesk.test"),
                                      QStringLiteral("just a warning"));
        QCOMPARE(httpGet(*m_gui, "/missing-page").status, 404);
        // Errors that follow them on the same two paths (traffic and log) show up; by then the
        // warning and the 404 have been handled too.
        QCOMPARE(httpGet(*m_gui, "/ai?prompt=after-404").status, 503);
        m_gui->host().logHub().append(QStringLiteral("server"), QStringLiteral("error"),
                                      QStringLiteral("edgedesk.test"),
                                      QStringLiteral("after the warning"));
        QTRY_VERIFY(findError(m_panel->errorList(), QStringLiteral("GET /ai?prompt=after-404"),
                              QStringLiteral("HTTP 503")));
        QTRY_VERIFY(
            findError(m_panel->errorList(), QString(), QStringLiteral("after the warning")));
        QVERIFY(!findError(m_panel->errorList(), QString(), QStringLiteral("just a warning")));
        QVERIFY(!findError(m_panel->errorList(), QStringLiteral("/missing-page"), QString()));
    }

    void containerSummary()
    {
        QLabel *summary = m_panel->containerSummary();
        QTRY_VERIFY(summary->text() != QStringLiteral("Waiting for the server…"));
        const HttpReply reply = httpGet(*m_gui, "/__edgedesk/v1/containers");
        if (reply.status == 404) {
            QVERIFY(summary->text().contains(QStringLiteral("unavailable")));
            QSKIP("no container manager in this build: GET /containers answered 404");
        }
        QCOMPARE(reply.status, 200);
        QTRY_VERIFY(summary->text().contains(QStringLiteral("BACKEND")));
        QVERIFY(summary->text().contains(QStringLiteral("LINUX_COMMAND")));
        QVERIFY(summary->text().contains(QStringLiteral("instance-0")));
    }

    void screenshot()
    {
        QVERIFY(m_gui->show(QStringLiteral("overview")));
        m_panel->refreshActivity();
        QVERIFY(!m_gui->screenshot(QStringLiteral("overview")).isEmpty());
    }
};

QTEST_MAIN(TestOverviewPanel)
#include "test_overviewpanel.moc"
