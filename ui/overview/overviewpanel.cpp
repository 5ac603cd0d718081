#include "overview/overviewpanel.h"

#include "apiclient.h"
#include "overview/bindingstatus.h"
#include "overview/containersummary.h"
#include "overview/errorlist.h"
#include "project/projectinfo.h"
#include "serverhost.h"
#include "widgets/logmodel.h"
#include "widgets/sectionheading.h"
#include "widgets/trafficfiltermodel.h"
#include "widgets/trafficmodel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QNetworkReply>
#include <QScrollArea>
#include <QVBoxLayout>

namespace edgedesk {

OverviewPanel::OverviewPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("overview"), tr("Overview"), QStringLiteral("overview"), context, parent)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("overviewScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    scroll->setWidget(content);
    outer->addWidget(scroll);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 4, 4);
    layout->setSpacing(12);

    auto *heading = new SectionHeading(tr("Overview"), QString(), content);
    m_intro = heading->descriptionLabel();
    m_intro->setObjectName(QStringLiteral("overviewIntro"));
    m_intro->setOpenExternalLinks(true);
    layout->addWidget(heading);
    m_activity = new ActivityCards(content);
    layout->addWidget(m_activity);
    auto *middle = new QHBoxLayout;
    m_bindings = new BindingStatus(this->context().api, content);
    m_containers = new ContainerSummary(content);
    middle->addWidget(m_bindings, 2);
    middle->addWidget(m_containers, 1);
    layout->addLayout(middle);
    m_errors = new ErrorList(content);
    layout->addWidget(m_errors, 1);

    addShortcut(QKeySequence::Refresh, [this] {
        refresh();
        refreshActivity();
    });
    connect(m_bindings, &BindingStatus::showSection, this, &Panel::showSection);
    connect(m_containers, &ContainerSummary::openRequested, this,
            [this] { Q_EMIT showSection(QStringLiteral("containers")); });

    ServerHost *host = this->context().host;
    connect(host, &ServerHost::trafficRecorded, this, &OverviewPanel::onRecord);
    connect(host, &ServerHost::logAppended, this, &OverviewPanel::onLog);
    connect(host, &ServerHost::stateChanged, this, [this] {
        if (!this->context().host->isServing())
            m_intro->setText(tr("The server is not running. Check the Settings section (port, "
                                "bind address) and the Logs section for the reason."));
    });
    connect(host, &ServerHost::containersChanged, this, &OverviewPanel::applyContainers);

    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        if (!isVisible())
            return;
        refreshActivity();
        // The probes again now and then, so a binding that breaks (or gets fixed) shows here.
        if (this->context().host->isServing() &&
            QDateTime::currentMSecsSinceEpoch() - m_lastRefreshMs > 10000)
            refresh();
    });
    m_tick.start();
    m_containerPoll.setInterval(2000);
    connect(&m_containerPoll, &QTimer::timeout, this, [this] {
        if (isVisible() && this->context().host->isServing() && !m_containerRequest)
            pollContainers();
    });
    m_containerPoll.start();

    m_intro->setText(tr("Starting the server…"));
    refreshActivity();
}

QString OverviewPanel::bindingState(const QString &name) const
{
    return m_bindings->state(name);
}

QString OverviewPanel::bindingDetail(const QString &name) const
{
    return m_bindings->detail(name);
}

QTreeWidget *OverviewPanel::errorList() const
{
    return m_errors->tree();
}

Sparkline *OverviewPanel::rateSparkline() const
{
    return m_activity->rateLine();
}

Sparkline *OverviewPanel::latencySparkline() const
{
    return m_activity->latencyLine();
}

QLabel *OverviewPanel::rateLabel() const
{
    return m_activity->rateValue();
}

QLabel *OverviewPanel::containerSummary() const
{
    return m_containers->label();
}

void OverviewPanel::activated()
{
    // Opening the section re-checks the bindings (at most every five seconds).
    if (context().host->isServing() && QDateTime::currentMSecsSinceEpoch() - m_lastRefreshMs > 5000)
        refresh();
    refreshActivity();
}

void OverviewPanel::serverReady()
{
    const QString url = context().host->displayUrl();
    const ProjectInfo project(*context().host);
    if (project.isBuiltIn())
        m_intro->setText(
            tr("EdgeDesk runs the whole demo stack on this machine at <a href=\"%1\">%1</a>: the "
               "router, two container classes, KV, a bucket with image transforms, AI, a service "
               "binding and a secrets store. Try a request in the <b>API</b> section (Ctrl+2) or "
               "open the web page; everything you do shows up below and in <b>Traffic</b>.")
                .arg(url.toHtmlEscaped()));
    else
        m_intro->setText(tr("Project <b>%1</b> from <code>%2</code>, served at <a "
                            "href=\"%3\">%3</a>. Open another with File → Open Project… "
                            "(Ctrl+O).")
                             .arg(project.name().toHtmlEscaped(),
                                  project.folder().toHtmlEscaped(), url.toHtmlEscaped()));
    refresh();
    if (!m_historyLoaded && !m_historyLoading)
        loadHistory();
}

void OverviewPanel::refresh()
{
    m_lastRefreshMs = QDateTime::currentMSecsSinceEpoch();
    context().api->get(QStringLiteral("/__edgedesk/v1/config"), this, [this](const ApiResponse &r) {
        if (!r.ok()) {
            m_bindings->showConfigError(r.describeError());
            return;
        }
        m_bindings->applyConfig(r.json());
        pollContainers();
    });
}

void OverviewPanel::pollContainers()
{
    m_containerRequest = context().api->get(
        QStringLiteral("/__edgedesk/v1/containers"), this, [this](const ApiResponse &r) {
            if (r.ok()) {
                applyContainers(r.json());
                return;
            }
            m_containers->showText(
                tr("Container status unavailable: %1").arg(r.describeError().toHtmlEscaped()));
            m_bindings->containersUnavailable(r.describeError());
        });
}

void OverviewPanel::applyContainers(const QJsonObject &status)
{
    m_containers->apply(status);
    m_bindings->applyContainers(status);
}

void OverviewPanel::refreshActivity()
{
    m_activity->refresh();
}

void OverviewPanel::loadHistory()
{
    m_historyLoading = true;
    context().api->get(
        QStringLiteral("/__edgedesk/v1/traffic?limit=5000"), this, [this](const ApiResponse &r) {
            m_historyLoading = false;
            m_historyLoaded = true;
            QList<TrafficRecord> records;
            if (r.ok()) {
                for (const QJsonValue &v : r.json().value(QStringLiteral("records")).toArray()) {
                    TrafficRecord record = TrafficModel::fromJson(v.toObject());
                    m_historyMaxId = qMax(m_historyMaxId, record.id);
                    records.append(std::move(record));
                }
            }
            for (const TrafficRecord &held : std::as_const(m_heldRecords)) {
                if (held.id > m_historyMaxId)
                    records.append(held);
            }
            m_heldRecords.clear();
            for (const TrafficRecord &record : std::as_const(records))
                onRecord(record);
            refreshActivity();
        });
    // Error lines written before the window opened.
    context().api->get(
        QStringLiteral("/__edgedesk/v1/logs?tail=1000"), this, [this](const ApiResponse &r) {
            if (!r.ok())
                return;
            for (const QJsonValue &v : r.json().value(QStringLiteral("lines")).toArray())
                onLog(LogModel::fromJson(v.toObject()));
        });
}

void OverviewPanel::onRecord(const TrafficRecord &record)
{
    if (m_historyLoading) {
        m_heldRecords.append(record);
        return;
    }
    if (TrafficFilterModel::isControlApi(record.path))
        return;
    const bool error = record.status >= 500 || record.status == 0;
    m_activity->add(record.timeMs, double(record.durationUs) / 1000.0, error);
    if (error)
        m_errors->add(record.timeMs, tr("%1 %2").arg(record.method, record.path),
                      tr("HTTP %1 from route %2%3")
                          .arg(record.status)
                          .arg(record.route.isEmpty() ? tr("(none)") : record.route,
                               record.instance.isEmpty()
                                   ? QString()
                                   : tr(" (instance %1)").arg(record.instance)),
                      QStringLiteral("t%1-%2").arg(record.id).arg(record.timeMs));
}

void OverviewPanel::onLog(const LogEntry &entry)
{
    if (LogModel::levelRank(entry.level) < 3)
        return;
    m_errors->add(entry.timeMs, entry.source, entry.message, QStringLiteral("l%1").arg(entry.seq));
}

} // namespace edgedesk
