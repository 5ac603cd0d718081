#include "traffic/trafficpanel.h"

#include "api/apipanel.h"
#include "apiclient.h"
#include "appsettings.h"
#include "serverhost.h"
#include "traffic/requestinspector.h"
#include "widgets/displayformat.h"
#include "widgets/linechart.h"
#include "widgets/sectionheading.h"
#include "widgets/trafficfiltermodel.h"
#include "widgets/trafficmodel.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("traffic");

enum RouteColumn
{
    RouteName,
    RouteRequests,
    RouteRate,
    RouteP50,
    RouteP99,
    RouteErrors,
    RouteColumnCount
};

} // namespace

TrafficPanel::TrafficPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("traffic"), tr("Traffic"), QStringLiteral("traffic"), context, parent),
      m_all(kWindowSeconds)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new SectionHeading(
        tr("Traffic"),
        tr("Every request the server answers, newest first, and per route the requests per "
           "second and p50/p99 latency of the last five minutes."),
        this));

    auto *bar = new QHBoxLayout;
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("trafficFilter"));
    m_text->setPlaceholderText(tr("Filter by path, route, method, status or instance (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);
    m_text->addAction(themedIcon(QStringLiteral("search")), QLineEdit::LeadingPosition);
    m_errorsOnly = new QCheckBox(tr("Errors only"), this);
    m_errorsOnly->setObjectName(QStringLiteral("trafficErrorsOnly"));
    m_errorsOnly->setToolTip(tr("Only requests answered with status 400 or above"));
    m_showControl = new QCheckBox(tr("Control API"), this);
    m_showControl->setObjectName(QStringLiteral("trafficShowControl"));
    m_showControl->setToolTip(
        tr("Also list requests to /__edgedesk/v1 (this window's own status polling)"));
    m_pause = new QToolButton(this);
    m_pause->setObjectName(QStringLiteral("trafficPause"));
    m_pause->setCheckable(true);
    m_pause->setText(tr("Pause"));
    m_pause->setIcon(themedIcon(QStringLiteral("stop")));
    m_pause->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_pause->setToolTip(tr("Freeze the table; charts keep counting (Ctrl+P)"));
    m_clear = new QToolButton(this);
    m_clear->setObjectName(QStringLiteral("trafficClear"));
    m_clear->setText(tr("Clear"));
    m_clear->setIcon(themedIcon(QStringLiteral("trash")));
    m_clear->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_clear->setToolTip(tr("Empty the table and the charts (Ctrl+L)"));
    bar->addWidget(m_text, 1);
    bar->addWidget(m_errorsOnly);
    bar->addWidget(m_showControl);
    bar->addWidget(m_pause);
    bar->addWidget(m_clear);
    layout->addLayout(bar);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("trafficSplitter"));
    splitter->setChildrenCollapsible(false);

    m_model = new TrafficModel(this);
    m_filter = new TrafficFilterModel(this);
    m_filter->setTrafficModel(m_model);
    // The table and, beside it, the inspector of the selected request.
    auto *top = new QSplitter(Qt::Horizontal, splitter);
    top->setObjectName(QStringLiteral("trafficInspectorSplitter"));
    top->setChildrenCollapsible(false);
    m_tableStack = new QStackedWidget(top);
    m_table = new QTableView(m_tableStack);
    m_table->setObjectName(QStringLiteral("trafficTable"));
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(TrafficModel::TimeColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView *header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    const int ch = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    header->resizeSection(TrafficModel::TimeColumn, ch * 15);
    header->resizeSection(TrafficModel::MethodColumn, ch * 9);
    header->resizeSection(TrafficModel::RouteColumn, ch * 18);
    header->resizeSection(TrafficModel::StatusColumn, ch * 8);
    header->resizeSection(TrafficModel::DurationColumn, ch * 12);
    header->resizeSection(TrafficModel::BytesColumn, ch * 11);
    header->resizeSection(TrafficModel::InstanceColumn, ch * 13);
    header->setSectionResizeMode(TrafficModel::PathColumn, QHeaderView::Stretch);
    m_empty = new QLabel(m_tableStack);
    m_empty->setObjectName(QStringLiteral("trafficEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_tableStack->addWidget(m_table);
    m_tableStack->addWidget(m_empty);
    m_inspector = new RequestInspector(top);
    m_inspector->setObjectName(QStringLiteral("trafficInspector"));
    top->addWidget(m_tableStack);
    top->addWidget(m_inspector);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    top->setSizes({ch * 120, ch * 60});
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);

    auto *charts = new QWidget(splitter);
    auto *chartsLayout = new QHBoxLayout(charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    m_routes = new QTreeWidget(charts);
    m_routes->setObjectName(QStringLiteral("trafficRoutes"));
    m_routes->setRootIsDecorated(false);
    m_routes->setColumnCount(RouteColumnCount);
    m_routes->setHeaderLabels(
        {tr("Route"), tr("Requests"), tr("req/s"), tr("p50"), tr("p99"), tr("Errors")});
    m_routes->setToolTip(tr("The last five minutes per route; pick one to chart it"));
    m_routes->header()->setStretchLastSection(false);
    m_routes->header()->setSectionResizeMode(RouteName, QHeaderView::Stretch);
    for (int c = RouteRequests; c < RouteColumnCount; ++c)
        m_routes->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_routes->setMinimumWidth(ch * 58);
    m_rateChart = new LineChart(charts);
    m_rateChart->setObjectName(QStringLiteral("trafficRateChart"));
    m_rateChart->setUnit(tr("req/s"));
    m_rateChart->setEmptyText(tr("No requests in the last five minutes"));
    m_latencyChart = new LineChart(charts);
    m_latencyChart->setObjectName(QStringLiteral("trafficLatencyChart"));
    m_latencyChart->setUnit(tr("ms"));
    m_latencyChart->setEmptyText(tr("Latency appears with the first request"));
    m_latencyChart->setToolTip(tr("The title gives the five-minute p50 and p99 of the route "
                                  "table; the legend, those of the latest second with requests"));
    chartsLayout->addWidget(m_routes, 3);
    chartsLayout->addWidget(m_rateChart, 4);
    chartsLayout->addWidget(m_latencyChart, 4);

    splitter->addWidget(top);
    splitter->addWidget(charts);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    auto *footer = new QHBoxLayout;
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("trafficMessage"));
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("trafficCount"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    footer->addWidget(m_message, 1);
    footer->addWidget(m_count);
    layout->addLayout(footer);

    AppSettings *settings = this->context().settings;
    m_text->setText(settings->panelValue(kPanel, QStringLiteral("filter")).toString());
    m_errorsOnly->setChecked(
        settings->panelValue(kPanel, QStringLiteral("errorsOnly"), false).toBool());
    m_showControl->setChecked(
        settings->panelValue(kPanel, QStringLiteral("showControl"), false).toBool());
    m_route = settings->panelValue(kPanel, QStringLiteral("route")).toString();
    if (!splitter->restoreState(
            settings->panelValue(kPanel, QStringLiteral("splitter")).toByteArray()))
        splitter->setSizes({620, 380}); // the table first; charts below at a readable height
    m_filter->setText(m_text->text());
    m_filter->setErrorsOnly(m_errorsOnly->isChecked());
    m_filter->setShowControlApi(m_showControl->isChecked());

    connect(m_text, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filter->setText(text.trimmed());
        updateState();
    });
    connect(m_errorsOnly, &QCheckBox::toggled, this, [this](bool on) {
        m_filter->setErrorsOnly(on);
        updateState();
    });
    connect(m_showControl, &QCheckBox::toggled, this, [this](bool on) {
        m_filter->setShowControlApi(on);
        refreshCharts();
        updateState();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &TrafficPanel::inspectCurrent);
    connect(m_table, &QTableView::customContextMenuRequested, this, &TrafficPanel::showRowMenu);
    connect(m_inspector, &RequestInspector::openInApiRequested, this, &TrafficPanel::openInApi);
    connect(m_inspector, &RequestInspector::copyCurlRequested, this, &TrafficPanel::copyCurl);
    connect(m_pause, &QToolButton::toggled, this, &TrafficPanel::setPaused);
    connect(m_clear, &QToolButton::clicked, this, &TrafficPanel::clear);
    connect(m_routes, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (!item)
            return;
        const QString route = item->data(RouteName, Qt::UserRole).toString();
        if (route != m_route) {
            m_route = route;
            refreshCharts();
        }
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &TrafficPanel::updateState);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &TrafficPanel::updateState);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &TrafficPanel::updateState);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &TrafficPanel::updateState);
    connect(splitter, &QSplitter::splitterMoved, this, [this, splitter] {
        this->context().settings->setPanelValue(kPanel, QStringLiteral("splitter"),
                                                splitter->saveState());
    });

    addShortcut(tr("Filter the requests"), QKeySequence::Find, [this] {
        m_text->setFocus();
        m_text->selectAll();
    });
    addShortcut(tr("Pause or resume the table"), QKeySequence(Qt::CTRL | Qt::Key_P),
                [this] { m_pause->toggle(); });
    addShortcut(tr("Clear the table and the charts"), QKeySequence(Qt::CTRL | Qt::Key_L),
                [this] { clear(); });

    m_flushTimer.setInterval(150);
    connect(&m_flushTimer, &QTimer::timeout, this, &TrafficPanel::flush);
    m_flushTimer.start();
    m_chartTimer.setInterval(1000);
    connect(&m_chartTimer, &QTimer::timeout, this, [this] {
        if (isVisible())
            refreshCharts();
    });
    m_chartTimer.start();
    connect(this->context().host, &ServerHost::trafficRecorded, this, &TrafficPanel::onRecord);
    updateState();
    refreshCharts();
}

void TrafficPanel::activated()
{
    if (!m_loaded && !m_loading && context().host->isServing())
        load();
    refreshCharts();
}

void TrafficPanel::serverReady()
{
    if (!m_loaded && !m_loading)
        load();
}

void TrafficPanel::saveState()
{
    AppSettings *settings = context().settings;
    settings->setPanelValue(kPanel, QStringLiteral("filter"), m_text->text());
    settings->setPanelValue(kPanel, QStringLiteral("errorsOnly"), m_errorsOnly->isChecked());
    settings->setPanelValue(kPanel, QStringLiteral("showControl"), m_showControl->isChecked());
    settings->setPanelValue(kPanel, QStringLiteral("route"), m_route);
}

void TrafficPanel::load()
{
    m_loading = true;
    context().api->get(
        QStringLiteral("/__edgedesk/v1/traffic?limit=%1").arg(m_model->capacity()), this,
        [this](const ApiResponse &r) {
            m_loading = false;
            m_loaded = true;
            if (!r.ok()) {
                m_message->setText(tr("Could not load earlier requests: %1. New requests still "
                                      "appear.")
                                       .arg(r.describeError()));
                for (const TrafficRecord &rec : std::as_const(m_pending))
                    addToSeries(rec);
                return;
            }
            QList<TrafficRecord> records;
            for (const QJsonValue &v : r.json().value(QStringLiteral("records")).toArray()) {
                TrafficRecord record = TrafficModel::fromJson(v.toObject());
                m_loadedMaxId = qMax(m_loadedMaxId, record.id);
                records.append(std::move(record));
            }
            // Live records of the same requests may have arrived first: drop those, then put
            // the history before them.
            QList<TrafficRecord> live;
            for (const TrafficRecord &p : std::as_const(m_pending)) {
                if (p.id > m_loadedMaxId)
                    live.append(p);
            }
            for (const TrafficRecord &rec : std::as_const(records))
                addToSeries(rec);
            for (const TrafficRecord &rec : std::as_const(live))
                addToSeries(rec);
            m_pending = records + live;
            flush();
            refreshCharts();
        });
}

void TrafficPanel::onRecord(const TrafficRecord &record)
{
    // While the history is on its way, live records wait: the history may contain them too.
    if (!m_loading)
        addToSeries(record);
    m_pending.append(record);
    if (m_pending.size() > 2 * m_model->capacity())
        m_pending.remove(0, m_pending.size() - m_model->capacity());
}

void TrafficPanel::addToSeries(const TrafficRecord &record)
{
    const double ms = double(record.durationUs) / 1000.0;
    const bool error = record.status >= 500 || record.status == 0;
    auto it = m_series.find(record.route);
    if (it == m_series.end())
        it = m_series.insert(record.route, PerSecondSeries(kWindowSeconds));
    it->add(record.timeMs, ms, error);
    if (!TrafficFilterModel::isControlApi(record.path))
        m_all.add(record.timeMs, ms, error);
}

void TrafficPanel::flush()
{
    if (m_paused || m_loading || m_pending.isEmpty()) {
        if (m_paused && !m_pending.isEmpty())
            m_message->setText(tr("Paused — %1 new requests waiting").arg(m_pending.size()));
        return;
    }
    m_model->append(m_pending);
    m_pending.clear();
}

void TrafficPanel::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (m_pause->isChecked() != paused)
        m_pause->setChecked(paused);
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    m_pause->setIcon(themedIcon(paused ? QStringLiteral("play") : QStringLiteral("stop")));
    m_message->setText(paused ? tr("Paused — the table is frozen; charts keep counting")
                              : QString());
    if (!paused)
        flush();
}

void TrafficPanel::clear()
{
    m_inspector->clear();
    m_pending.clear();
    m_model->clear();
    m_series.clear();
    m_all.clear();
    m_routes->clear();
    refreshCharts();
    m_message->setText(
        tr("Cleared at %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
}

void TrafficPanel::selectRoute(const QString &route)
{
    m_route = route;
    refreshCharts();
}

void TrafficPanel::refreshCharts()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // The current second is still filling up; charts end at the last complete one.
    const qint64 end = now - 1000;

    // Route table: every route seen in the window, "All routes" first.
    QStringList routes;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        if (!m_showControl->isChecked() && it.key().startsWith(QLatin1String("control")))
            continue;
        if (it.value().total(now) > 0)
            routes.append(it.key());
    }
    routes.sort();
    routes.prepend(QString());

    auto fill = [&](QTreeWidgetItem *item, const QString &route, const PerSecondSeries &s) {
        const QLocale locale;
        item->setText(RouteName, route.isEmpty() ? tr("All routes") : route);
        item->setData(RouteName, Qt::UserRole, route);
        if (route.isEmpty())
            item->setToolTip(RouteName, tr("Every route except the control API"));
        const QList<double> counts = s.counts(end);
        const quint64 total = s.total(now);
        quint64 errors = 0;
        for (double e : s.errors(now))
            errors += quint64(e);
        item->setText(RouteRequests, locale.toString(total));
        item->setText(RouteRate, locale.toString(counts.isEmpty() ? 0.0 : counts.constLast()));
        item->setText(RouteP50, DisplayFormat::duration(s.percentile(0.5, now)));
        item->setText(RouteP99, DisplayFormat::duration(s.percentile(0.99, now)));
        item->setText(RouteErrors, locale.toString(errors));
        item->setForeground(RouteErrors, errors > 0 ? QBrush(QColor(0xd6, 0x45, 0x45))
                                                    : palette().brush(QPalette::Text));
        for (int c = RouteRequests; c < RouteColumnCount; ++c)
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
    };

    {
        QSignalBlocker block(m_routes);
        // Rebuilt in place so the selection and scroll position stay put.
        while (m_routes->topLevelItemCount() > routes.size())
            delete m_routes->takeTopLevelItem(m_routes->topLevelItemCount() - 1);
        while (m_routes->topLevelItemCount() < routes.size())
            m_routes->addTopLevelItem(new QTreeWidgetItem);
        QTreeWidgetItem *current = nullptr;
        for (int i = 0; i < routes.size(); ++i) {
            QTreeWidgetItem *item = m_routes->topLevelItem(i);
            const QString &route = routes[i];
            fill(item, route, route.isEmpty() ? m_all : m_series[route]);
            if (route == m_route)
                current = item;
        }
        if (!current)
            current = m_routes->topLevelItem(0);
        m_routes->setCurrentItem(current);
    }

    const PerSecondSeries &s =
        m_route.isEmpty() || !m_series.contains(m_route) ? m_all : m_series[m_route];
    const QString name = m_route.isEmpty() ? tr("All routes") : m_route;
    m_rateChart->setTitle(tr("Requests/s — %1").arg(name));
    m_rateChart->setSeries({{tr("req/s"), QColor(0x3b, 0x6f, 0xd8), s.counts(end)},
                            {tr("errors/s"), QColor(0xd6, 0x45, 0x45), s.errors(end)}});
    // The title carries the same five-minute p50/p99 as the route table, in the same words; the
    // legend gives the latest second's, in the axis unit.
    m_latencyChart->setTitle(tr("Latency — %1: p50 %2, p99 %3")
                                 .arg(name, DisplayFormat::duration(s.percentile(0.5, now)),
                                      DisplayFormat::duration(s.percentile(0.99, now))));
    // One unit per axis, the smallest of µs, ms and s whose axis stays under 1000, as the route
    // table writes such values (never "1.0k ms").
    const QList<double> p50 = s.percentiles(0.5, end);
    const QList<double> p99 = s.percentiles(0.99, end);
    const QList<QPair<double, QString>> units{
        {1000.0, tr("µs")}, {1.0, tr("ms")}, {0.001, tr("s")}};
    for (const auto &[scale, unit] : units) {
        auto scaled = [scale](QList<double> values) {
            for (double &v : values)
                v *= scale;
            return values;
        };
        m_latencyChart->setUnit(unit);
        m_latencyChart->setSeries({{tr("p50 latest"), QColor(0x3b, 0x6f, 0xd8), scaled(p50)},
                                   {tr("p99 latest"), QColor(0xd9, 0x82, 0x2b), scaled(p99)}});
        if (m_latencyChart->axisMaximum() < 1000.0)
            break;
    }
}

void TrafficPanel::inspectCurrent()
{
    const QModelIndex index = m_filter->mapToSource(m_table->currentIndex());
    if (!index.isValid()) {
        m_inspector->clear();
        return;
    }
    m_inspector->showRecord(m_model->record(index.row()), &context().host->logHub());
}

void TrafficPanel::openInApi(const TrafficRecord &record)
{
    // Both sections live in the same window; the API section is found there rather than
    // handed to every panel.
    auto *api = window()->findChild<ApiPanel *>();
    if (!api)
        return;
    api->openRequest(record.method.toLatin1(), record.path,
                     RequestInspector::replayHeaders(record.requestHeaders), {});
    Q_EMIT showSection(api->id());
}

void TrafficPanel::copyCurl(const TrafficRecord &record)
{
    const QString command =
        context().api->curlCommand(record.method.toLatin1(), record.path,
                                   RequestInspector::replayHeaders(record.requestHeaders));
    QApplication::clipboard()->setText(command);
    m_message->setText(tr("Copied: %1").arg(command));
}

void TrafficPanel::showRowMenu(const QPoint &pos)
{
    const QModelIndex index = m_table->indexAt(pos);
    if (!index.isValid())
        return;
    m_table->setCurrentIndex(index);
    const TrafficRecord record = m_model->record(m_filter->mapToSource(index).row());
    QMenu menu(this);
    menu.addAction(themedIcon(QStringLiteral("api")), tr("Open in API"), this,
                   [this, record] { openInApi(record); });
    menu.addAction(themedIcon(QStringLiteral("copy")), tr("Copy as curl"), this,
                   [this, record] { copyCurl(record); });
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void TrafficPanel::updateState()
{
    const int shown = m_filter->rowCount();
    const int total = m_model->size();
    const QLocale locale;
    m_count->setText(
        shown == total
            ? tr("%1 requests").arg(locale.toString(total))
            : tr("%1 of %2 requests").arg(locale.toString(shown), locale.toString(total)));
    if (shown > 0) {
        m_tableStack->setCurrentWidget(m_table);
        return;
    }
    if (total > 0 && (!m_filter->text().isEmpty() || m_filter->errorsOnly())) {
        m_empty->setText(tr("No request matches the filter."));
    } else {
        const QUrl url = context().host->url();
        m_empty->setText(
            tr("No requests yet.\nEvery request the server answers appears here — from the API, "
               "Image, AI and Linux command sections, the web page, or a terminal:\n\ncurl %1")
                .arg(url.isEmpty() ? QStringLiteral("http://127.0.0.1:8787/api/api1")
                                   : url.resolved(QUrl(QStringLiteral("/api/api1"))).toString()));
    }
    m_tableStack->setCurrentWidget(m_empty);
}

} // namespace edgedesk
