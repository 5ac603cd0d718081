// Containers: one row per class and instance from GET /containers, instances started on demand
// by real requests, Start / Stop / Restart by the buttons, the selected instance's log (tail,
// then live), CPU/RSS figures, and the last request time from durable storage.
#include "containers/containerspanel.h"
#include "containers/instancecharts.h"
#include "opsguihelpers.h"
#include "widgets/linechart.h"
#include "widgets/logmodel.h"
#include "widgets/logview.h"
#include "widgets/sparkline.h"

#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>

#include <algorithm>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

enum Column
{
    ColInstance,
    ColState,
    ColPid,
    ColPort,
    ColUptime,
    ColRequests,
    ColLastRequest,
    ColCpu,
    ColMemory
};

QTreeWidgetItem *rowFor(QTreeWidget *tree, const QString &source)
{
    for (int c = 0; c < tree->topLevelItemCount(); ++c) {
        QTreeWidgetItem *cls = tree->topLevelItem(c);
        for (int i = 0; i < cls->childCount(); ++i) {
            if (cls->child(i)->data(ColInstance, Qt::UserRole).toString() == source)
                return cls->child(i);
        }
    }
    return nullptr;
}

bool isUp(const QString &state)
{
    return state == QLatin1String("running") || state == QLatin1String("healthy");
}

int linesContaining(const LogModel *model, const QString &text)
{
    int n = 0;
    for (int i = 0; i < model->size(); ++i)
        n += model->entry(i).message.contains(text) ? 1 : 0;
    return n;
}

} // namespace

class TestContainersPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    ContainersPanel *m_panel = nullptr;
    QString m_instance; // the BACKEND instance the first request started

    void requireManager()
    {
        if (!m_panel->isAvailable())
            QSKIP("no container manager in this build: GET /containers answered 404");
    }

    void selectByClick(const QString &source)
    {
        QTreeWidget *tree = m_panel->tree();
        QTreeWidgetItem *item = rowFor(tree, source);
        QVERIFY2(item, qPrintable(source));
        tree->scrollToItem(item);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {},
                          tree->visualItemRect(item).topLeft() + QPoint(8, 6));
        QCOMPARE(m_panel->selectedSource(), source);
    }

private Q_SLOTS:
    void initTestCase()
    {
        ServerOptions options;
        options.programDir = binDir(); // api-backend and command-runner from this build
        m_gui = std::make_unique<GuiFixture>(options);
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        m_panel = m_gui->panel<ContainersPanel>(QStringLiteral("containers"));
        QVERIFY(m_panel);
        QVERIFY(m_gui->show(QStringLiteral("containers")));
    }
    void cleanupTestCase() { m_gui.reset(); }

    void listsEveryClassAndInstance()
    {
        QTRY_VERIFY(m_panel->hasStatus());
        if (!m_panel->isAvailable()) {
            QVERIFY(
                child<QLabel>(m_panel, "containersEmpty")->text().contains(QStringLiteral("404")));
            QSKIP("no container manager in this build: GET /containers answered 404");
        }
        const HttpReply reply = httpGet(*m_gui, "/__edgedesk/v1/containers");
        QCOMPARE(reply.status, 200);
        const QJsonArray classes = reply.json().value(QStringLiteral("classes")).toArray();
        QCOMPARE(classes.size(), 2);
        QTreeWidget *tree = m_panel->tree();
        QTRY_COMPARE(tree->topLevelItemCount(), int(classes.size()));
        for (int c = 0; c < classes.size(); ++c) {
            const QJsonObject cls = classes[c].toObject();
            QTreeWidgetItem *item = tree->topLevelItem(c);
            QVERIFY(item->text(ColInstance)
                        .contains(cls.value(QStringLiteral("class_name")).toString()));
            QVERIFY(
                item->text(ColInstance).contains(cls.value(QStringLiteral("binding")).toString()));
            const QJsonArray instances = cls.value(QStringLiteral("instances")).toArray();
            QCOMPARE(item->childCount(), int(instances.size()));
            for (int i = 0; i < instances.size(); ++i)
                QCOMPARE(item->child(i)->text(ColInstance),
                         instances[i].toObject().value(QStringLiteral("id")).toString());
        }
        QVERIFY(rowFor(tree, QStringLiteral("BACKEND/instance-2")));
        QVERIFY(rowFor(tree, QStringLiteral("LINUX_COMMAND/instance-1")));
        // Nothing selected yet: the actions say why they are disabled.
        QVERIFY(!child<QPushButton>(m_panel, "containersStart")->isEnabled() ||
                !m_panel->selectedSource().isEmpty());
    }

    void startsOnDemandAndShowsItsLog()
    {
        requireManager();
        const HttpReply reply = httpGet(*m_gui, "/api/api1");
        QCOMPARE(reply.status, 200);
        m_instance = QString::fromLatin1(reply.header("X-EdgeDesk-Instance"));
        QVERIFY(m_instance.startsWith(QStringLiteral("instance-")));
        QTRY_VERIFY_WITH_TIMEOUT(
            isUp(m_panel->instanceState(QStringLiteral("BACKEND"), m_instance)), 10000);
        const QString source = QStringLiteral("BACKEND/") + m_instance;
        selectByClick(source);
        QVERIFY(child<QLabel>(m_panel, "containersLogTitle")->text().endsWith(source));
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->logView()->logModel()->size() > 0, 10000);
        QTRY_VERIFY(m_panel->logView()->isVisible());
        for (int i = 0; i < m_panel->logView()->logModel()->size(); ++i)
            QCOMPARE(m_panel->logView()->logModel()->entry(i).source, source);

        QTreeWidgetItem *row = rowFor(m_panel->tree(), source);
        QTRY_VERIFY(row->text(ColPid).toInt() > 0);
        QVERIFY(row->text(ColPort).toInt() > 0);
        QTRY_VERIFY(row->text(ColRequests).toInt() >= 1);
        QVERIFY(row->text(ColUptime) != QStringLiteral("—"));
        auto *memory = m_panel->tree()->itemWidget(row, ColMemory);
        QVERIFY(memory);
        QTRY_VERIFY(memory->findChild<QLabel *>()->text().endsWith(QStringLiteral("iB")));
        QVERIFY(child<QPushButton>(m_panel, "containersStop")->isEnabled());
        QVERIFY(!child<QPushButton>(m_panel, "containersStart")->isEnabled());

        // The row's sparklines are drawn while it runs; the larger charts show the selected
        // instance with its instance type's memory limit.
        QVERIFY(memory->findChild<Sparkline *>()->isVisible());
        LineChart *cpuChart = m_panel->charts()->cpuChart();
        LineChart *memoryChart = m_panel->charts()->memoryChart();
        QTRY_VERIFY(memoryChart->isVisible());
        QCOMPARE(memoryChart->title(), QStringLiteral("Memory — %1").arg(m_instance));
        QCOMPARE(cpuChart->title(), QStringLiteral("CPU — %1").arg(m_instance));
        double limitBytes = 0;
        for (const QJsonValue &c : httpGet(*m_gui, "/__edgedesk/v1/containers")
                                       .json()
                                       .value(QStringLiteral("classes"))
                                       .toArray()) {
            if (c.toObject().value(QStringLiteral("binding")).toString() ==
                QLatin1String("BACKEND"))
                limitBytes = c.toObject()
                                 .value(QStringLiteral("limits"))
                                 .toObject()
                                 .value(QStringLiteral("memory_bytes"))
                                 .toDouble();
        }
        QVERIFY(limitBytes > 0);
        QCOMPARE(memoryChart->limit(), limitBytes / (1024.0 * 1024.0));
        QTRY_VERIFY_WITH_TIMEOUT(memoryChart->series().value(0).values.size() >= 2, 10000);
        const QList<double> mib = memoryChart->series().value(0).values;
        QVERIFY(mib.constLast() > 0);
        // The scale fits the values; a limit many times larger is noted, not drawn to scale.
        const double largest = *std::max_element(mib.cbegin(), mib.cend());
        QVERIFY(memoryChart->axisMaximum() >= largest);
        if (memoryChart->limit() > 4 * largest)
            QVERIFY(memoryChart->axisMaximum() < memoryChart->limit());
        else
            QVERIFY(memoryChart->axisMaximum() >= memoryChart->limit());
        m_gui->screenshot(QStringLiteral("containers-charts"));
    }

    void stopStartAndRestartByButtons()
    {
        requireManager();
        QVERIFY(!m_instance.isEmpty());
        const QString source = QStringLiteral("BACKEND/") + m_instance;
        selectByClick(source);
        click(child<QPushButton>(m_panel, "containersStop"));
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->instanceState(QStringLiteral("BACKEND"), m_instance)
                                     .startsWith(QStringLiteral("stopped")),
                                 10000);
        QTRY_VERIFY(child<QLabel>(m_panel, "containersMessage")
                        ->text()
                        .startsWith(QStringLiteral("Stopped")));
        QTreeWidgetItem *row = rowFor(m_panel->tree(), source);
        QCOMPARE(row->text(ColPid), QStringLiteral("—"));
        // A stopped instance's old figures are not drawn as if current.
        QTRY_VERIFY(!m_panel->tree()->itemWidget(row, ColCpu)->findChild<Sparkline *>()->isVisible());
        QTRY_VERIFY(!m_panel->tree()->itemWidget(row, ColMemory)->findChild<Sparkline *>()->isVisible());

        QTRY_VERIFY(child<QPushButton>(m_panel, "containersStart")->isEnabled());
        click(child<QPushButton>(m_panel, "containersStart"));
        QTRY_VERIFY_WITH_TIMEOUT(
            isUp(m_panel->instanceState(QStringLiteral("BACKEND"), m_instance)), 10000);
        row = rowFor(m_panel->tree(), source);
        QTRY_VERIFY(row->text(ColPid).toInt() > 0);
        const int pid = row->text(ColPid).toInt();
        const int listening =
            linesContaining(m_panel->logView()->logModel(), QStringLiteral("listening"));

        QTRY_VERIFY(child<QPushButton>(m_panel, "containersRestart")->isEnabled());
        click(child<QPushButton>(m_panel, "containersRestart"));
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(m_panel, "containersMessage")
                                     ->text()
                                     .startsWith(QStringLiteral("Restarted")),
                                 15000);
        QTRY_VERIFY_WITH_TIMEOUT(
            isUp(m_panel->instanceState(QStringLiteral("BACKEND"), m_instance)) &&
                rowFor(m_panel->tree(), source)->text(ColPid).toInt() > 0 &&
                rowFor(m_panel->tree(), source)->text(ColPid).toInt() != pid,
            10000);
        // The new process's start-up line arrives live in the selected instance's log.
        QTRY_VERIFY_WITH_TIMEOUT(linesContaining(m_panel->logView()->logModel(),
                                                 QStringLiteral("listening")) > listening,
                                 10000);
    }

    void followsContainersChanged()
    {
        requireManager();
        // A state pushed by ServerHost::containersChanged shows at once, without a poll.
        QJsonObject status = httpGet(*m_gui, "/__edgedesk/v1/containers").json();
        QJsonArray classes = status.value(QStringLiteral("classes")).toArray();
        QJsonObject backend = classes.at(0).toObject();
        QJsonArray instances = backend.value(QStringLiteral("instances")).toArray();
        QJsonObject last = instances.last().toObject();
        last.insert(QStringLiteral("state"), QStringLiteral("stopping"));
        instances.replace(instances.size() - 1, last);
        backend.insert(QStringLiteral("instances"), instances);
        classes.replace(0, backend);
        status.insert(QStringLiteral("classes"), classes);
        Q_EMIT m_gui->host().containersChanged(status);
        QCOMPARE(m_panel->instanceState(backend.value(QStringLiteral("binding")).toString(),
                                        last.value(QStringLiteral("id")).toString()),
                 QStringLiteral("stopping"));
        m_panel->refresh();
    }

    void lastRequestComesFromDurableStorage()
    {
        requireManager();
        const HttpReply reply =
            request(m_gui->port(), "POST", "/run", {{"Content-Type", "application/json"}},
                    R"({"command":"echo hi"})", 40000);
        QCOMPARE(reply.status, 200);
        const QString instance = QString::fromLatin1(reply.header("X-EdgeDesk-Instance"));
        QVERIFY(!instance.isEmpty());
        const QString source = QStringLiteral("LINUX_COMMAND/") + instance;
        QTRY_VERIFY_WITH_TIMEOUT(rowFor(m_panel->tree(), source)->text(ColLastRequest) !=
                                     QStringLiteral("never"),
                                 10000);
        QTreeWidgetItem *row = rowFor(m_panel->tree(), source);
        QVERIFY(row->toolTip(ColLastRequest).contains(QStringLiteral("lastRequestTimestamp")));
        selectByClick(source);
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->logView()->logModel()->size() > 0, 10000);
        m_gui->screenshot(QStringLiteral("containers"));
    }

    void selectionSurvivesARestart()
    {
        requireManager();
        const QString selected = m_panel->selectedSource();
        QVERIFY(!selected.isEmpty());
        m_panel->saveState();
        QCOMPARE(m_gui->settings()
                     .panelValue(QStringLiteral("containers"), QStringLiteral("selected"))
                     .toString(),
                 selected);
        ContainersPanel again(m_panel->context(), nullptr);
        again.refresh();
        QTRY_VERIFY(again.hasStatus());
        QTRY_COMPARE(again.selectedSource(), selected);
    }
};

QTEST_MAIN(TestContainersPanel)
#include "test_containerspanel.moc"
