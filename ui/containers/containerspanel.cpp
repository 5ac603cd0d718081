#include "containers/containerspanel.h"

#include "apiclient.h"
#include "appsettings.h"
#include "serverhost.h"
#include "widgets/logdelegate.h"
#include "widgets/logmodel.h"
#include "widgets/logview.h"
#include "widgets/sectionheading.h"
#include "widgets/sparkline.h"
#include "widgets/statusbadge.h"
#include "widgets/trafficmodel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QNetworkReply>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("containers");

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
    ColMemory,
    ColCount
};

// containersChanged is being added to ServerHost by the container manager's author; follow it
// when this build has it and rely on polling otherwise.
template <typename Host, typename Receiver, typename Fn>
void connectContainersChanged(Host *host, Receiver *receiver, Fn fn)
{
    if constexpr (requires { &Host::containersChanged; })
        QObject::connect(host, &Host::containersChanged, receiver, fn);
}

QString formatUptime(double seconds)
{
    if (seconds < 0)
        return QStringLiteral("—");
    const qint64 s = qint64(seconds);
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m %2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return QStringLiteral("%1h %2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10,
                                                           QLatin1Char('0'));
    return QStringLiteral("%1d %2h").arg(s / 86400).arg((s % 86400) / 3600);
}

QString formatAgo(qint64 ms)
{
    const qint64 ago = (QDateTime::currentMSecsSinceEpoch() - ms) / 1000;
    const QString time = QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
    if (ago < 0)
        return time;
    if (ago < 60)
        return QObject::tr("%1 (%2 s ago)").arg(time).arg(ago);
    if (ago < 3600)
        return QObject::tr("%1 (%2 min ago)").arg(time).arg(ago / 60);
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

// The time of an instance's last request: the durable storage value (ms, as a number or a
// numeric string) when there is one, else the manager's own ISO time.
qint64 lastRequestMs(const QJsonObject &instance)
{
    const QJsonValue stored = instance.value(QStringLiteral("storage"))
                                  .toObject()
                                  .value(QStringLiteral("lastRequestTimestamp"));
    if (stored.isDouble())
        return qint64(stored.toDouble());
    if (stored.isString()) {
        bool ok = false;
        const qint64 v = stored.toString().toLongLong(&ok);
        if (ok)
            return v;
        const QDateTime dt = QDateTime::fromString(stored.toString(), Qt::ISODateWithMs);
        if (dt.isValid())
            return dt.toMSecsSinceEpoch();
    }
    const QDateTime dt = QDateTime::fromString(
        instance.value(QStringLiteral("last_request")).toString(), Qt::ISODateWithMs);
    return dt.isValid() ? dt.toMSecsSinceEpoch() : 0;
}

bool isUp(const QString &state)
{
    return state == QLatin1String("running") || state == QLatin1String("healthy") ||
           state == QLatin1String("starting");
}

QWidget *chartCell(QWidget *parent, Sparkline **chart, QLabel **label, const QColor &colour,
                   const QString &widest)
{
    auto *cell = new QWidget(parent);
    auto *layout = new QHBoxLayout(cell);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(6);
    *chart = new Sparkline(cell);
    (*chart)->setCapacity(ContainersPanel::kHistory);
    (*chart)->setColor(colour);
    *label = new QLabel(cell);
    (*label)->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    (*label)->setMinimumWidth((*label)->fontMetrics().horizontalAdvance(widest));
    layout->addWidget(*chart, 1);
    layout->addWidget(*label);
    return cell;
}

} // namespace

ContainersPanel::ContainersPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("containers"), tr("Containers"), QStringLiteral("containers"), context,
            parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *heading = new SectionHeading(
        tr("Containers"),
        tr("The instances of each container class: they start on their first request and stop "
           "after a while without one. Select an instance to follow its log."),
        this);
    layout->addWidget(heading);

    auto *bar = new QHBoxLayout;
    m_start = new QPushButton(themedIcon(QStringLiteral("play")), tr("&Start"), this);
    m_start->setObjectName(QStringLiteral("containersStart"));
    m_stop = new QPushButton(themedIcon(QStringLiteral("stop")), tr("S&top"), this);
    m_stop->setObjectName(QStringLiteral("containersStop"));
    m_restart = new QPushButton(themedIcon(QStringLiteral("refresh")), tr("&Restart"), this);
    m_restart->setObjectName(QStringLiteral("containersRestart"));
    m_refresh = new QToolButton(this);
    m_refresh->setObjectName(QStringLiteral("containersRefresh"));
    m_refresh->setIcon(themedIcon(QStringLiteral("refresh")));
    m_refresh->setToolTip(tr("Refresh now (F5); the list also refreshes every 2 seconds"));
    m_refresh->setAutoRaise(true);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("containersMessage"));
    m_message->setWordWrap(true);
    m_updated = new QLabel(this);
    m_updated->setObjectName(QStringLiteral("containersUpdated"));
    m_updated->setForegroundRole(QPalette::PlaceholderText);
    bar->addWidget(m_start);
    bar->addWidget(m_stop);
    bar->addWidget(m_restart);
    bar->addSpacing(8);
    bar->addWidget(m_message, 1);
    layout->addLayout(bar);
    heading->addTrailingWidget(m_updated);
    heading->addTrailingWidget(m_refresh);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("containersSplitter"));
    splitter->setChildrenCollapsible(false);

    m_treeStack = new QStackedWidget(splitter);
    m_tree = new QTreeWidget(m_treeStack);
    m_tree->setObjectName(QStringLiteral("containersTree"));
    m_tree->setColumnCount(ColCount);
    m_tree->setHeaderLabels({tr("Instance"), tr("State"), tr("PID"), tr("Port"), tr("Uptime"),
                             tr("Requests"), tr("Last request"), tr("CPU"), tr("Memory")});
    m_tree->setRootIsDecorated(false);
    m_tree->setItemsExpandable(false);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setAlternatingRowColors(true);
    const int ch = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    QHeaderView *header = m_tree->header();
    header->setStretchLastSection(false);
    header->resizeSection(ColInstance, ch * 16);
    header->resizeSection(ColState, ch * 20);
    header->resizeSection(ColPid, ch * 8);
    header->resizeSection(ColPort, ch * 7);
    header->resizeSection(ColUptime, ch * 9);
    header->resizeSection(ColRequests, ch * 12);
    header->resizeSection(ColLastRequest, ch * 19);
    header->setSectionResizeMode(ColCpu, QHeaderView::Stretch);
    header->setSectionResizeMode(ColMemory, QHeaderView::Stretch);
    m_treeEmpty = new QLabel(m_treeStack);
    m_treeEmpty->setObjectName(QStringLiteral("containersEmpty"));
    m_treeEmpty->setAlignment(Qt::AlignCenter);
    m_treeEmpty->setWordWrap(true);
    m_treeEmpty->setForegroundRole(QPalette::PlaceholderText);
    m_treeEmpty->setTextFormat(Qt::PlainText);
    m_treeStack->addWidget(m_tree);
    m_treeStack->addWidget(m_treeEmpty);

    auto *logPane = new QWidget(splitter);
    auto *logLayout = new QVBoxLayout(logPane);
    logLayout->setContentsMargins(0, 4, 0, 0);
    auto *logBar = new QHBoxLayout;
    m_logTitle = new QLabel(tr("Log"), logPane);
    m_logTitle->setObjectName(QStringLiteral("containersLogTitle"));
    QFont titleFont = m_logTitle->font();
    titleFont.setWeight(QFont::DemiBold);
    m_logTitle->setFont(titleFont);
    m_follow = new QToolButton(logPane);
    m_follow->setObjectName(QStringLiteral("containersFollow"));
    m_follow->setText(tr("Follow"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest line in view"));
    auto *openLogs = new QToolButton(logPane);
    openLogs->setText(tr("All logs…"));
    openLogs->setToolTip(tr("Open the Logs section with every source"));
    openLogs->setAutoRaise(true);
    logBar->addWidget(m_logTitle, 1);
    logBar->addWidget(m_follow);
    logBar->addWidget(openLogs);
    logLayout->addLayout(logBar);
    m_logStack = new QStackedWidget(logPane);
    m_log = new LogView(m_logStack);
    m_log->setObjectName(QStringLiteral("containersLog"));
    m_log->logDelegate()->setShowSource(false);
    m_log->logModel()->setCapacity(5000);
    m_logEmpty = new QLabel(m_logStack);
    m_logEmpty->setObjectName(QStringLiteral("containersLogEmpty"));
    m_logEmpty->setAlignment(Qt::AlignCenter);
    m_logEmpty->setWordWrap(true);
    m_logEmpty->setForegroundRole(QPalette::PlaceholderText);
    m_logStack->addWidget(m_log);
    m_logStack->addWidget(m_logEmpty);
    logLayout->addWidget(m_logStack, 1);

    splitter->addWidget(m_treeStack);
    splitter->addWidget(logPane);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    AppSettings *settings = this->context().settings;
    m_savedSelection = settings->panelValue(kPanel, QStringLiteral("selected")).toString();
    if (!splitter->restoreState(
            settings->panelValue(kPanel, QStringLiteral("splitter")).toByteArray()))
        splitter->setSizes({420, 480});
    connect(splitter, &QSplitter::splitterMoved, this, [this, splitter] {
        this->context().settings->setPanelValue(kPanel, QStringLiteral("splitter"),
                                                splitter->saveState());
    });

    connect(m_start, &QPushButton::clicked, this,
            [this] { performAction(QStringLiteral("start")); });
    connect(m_stop, &QPushButton::clicked, this, [this] { performAction(QStringLiteral("stop")); });
    connect(m_restart, &QPushButton::clicked, this,
            [this] { performAction(QStringLiteral("restart")); });
    connect(m_refresh, &QToolButton::clicked, this, &ContainersPanel::refresh);
    connect(openLogs, &QToolButton::clicked, this,
            [this] { Q_EMIT showSection(QStringLiteral("logs")); });
    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &ContainersPanel::onSelectionChanged);
    connect(m_follow, &QToolButton::toggled, m_log, &LogView::setFollow);
    connect(m_log, &LogView::followChanged, m_follow, &QToolButton::setChecked);
    auto *f5 = new QShortcut(QKeySequence::Refresh, this);
    f5->setContext(Qt::WidgetWithChildrenShortcut);
    connect(f5, &QShortcut::activated, this, &ContainersPanel::refresh);

    m_pollTimer.setInterval(kPollMs);
    connect(&m_pollTimer, &QTimer::timeout, this, [this] {
        if (isVisible() && this->context().host->isServing())
            refresh();
    });
    m_pollTimer.start();
    m_logFlush.setInterval(150);
    connect(&m_logFlush, &QTimer::timeout, this, &ContainersPanel::flushLog);
    m_logFlush.start();

    connect(this->context().host, &ServerHost::logAppended, this, &ContainersPanel::onLogEntry);
    connectContainersChanged(this->context().host, this,
                             [this](const QJsonObject &status) { applyStatus(status); });

    showEmpty(tr("Waiting for the server…"));
    onSelectionChanged();
}

void ContainersPanel::activated()
{
    if (context().host->isServing())
        refresh();
}

void ContainersPanel::serverReady()
{
    // A restart may bring another configuration: forget the old layout.
    m_layoutKey.clear();
    refresh();
    if (!m_logSource.isEmpty())
        loadLog();
}

void ContainersPanel::saveState()
{
    context().settings->setPanelValue(kPanel, QStringLiteral("selected"),
                                      selectedSource().isEmpty() ? m_savedSelection
                                                                 : selectedSource());
}

void ContainersPanel::refresh()
{
    if (m_poll)
        return;
    m_poll = context().api->get(
        QStringLiteral("/__edgedesk/v1/containers"), this, [this](const ApiResponse &r) {
            if (r.status == 404) {
                m_available = false;
                m_hasStatus = true;
                showEmpty(tr("This server has no container manager: GET "
                             "/__edgedesk/v1/containers answered 404.\n%1")
                              .arg(r.describeError()));
                return;
            }
            if (!r.ok()) {
                showMessage(tr("Could not read the container status: %1").arg(r.describeError()),
                            true);
                return;
            }
            m_available = true;
            if (m_message->property("error").toBool())
                showMessage(QString(), false);
            applyStatus(r.json());
        });
}

void ContainersPanel::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setProperty("error", error);
    m_message->setStyleSheet(error ? QStringLiteral("color: #d64545;") : QString());
}

void ContainersPanel::showEmpty(const QString &text)
{
    m_treeEmpty->setText(text);
    m_treeStack->setCurrentWidget(m_treeEmpty);
}

void ContainersPanel::applyStatus(const QJsonObject &status)
{
    m_hasStatus = true;
    const QJsonArray classes = status.value(QStringLiteral("classes")).toArray();
    m_updated->setText(
        tr("Updated %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    if (classes.isEmpty()) {
        showEmpty(tr("No container classes in this configuration.\nAdd a \"containers\" entry "
                     "and a durable_objects binding to the wrangler.jsonc file to run one."));
        m_rows.clear();
        m_tree->clear();
        m_layoutKey.clear();
        onSelectionChanged();
        return;
    }
    m_treeStack->setCurrentWidget(m_tree);

    QStringList key;
    for (const QJsonValue &c : classes) {
        const QJsonObject cls = c.toObject();
        const QString binding = cls.value(QStringLiteral("binding")).toString();
        key.append(cls.value(QStringLiteral("class_name")).toString() + QLatin1Char('|') + binding);
        for (const QJsonValue &i : cls.value(QStringLiteral("instances")).toArray())
            key.append(binding + QLatin1Char('/') +
                       i.toObject().value(QStringLiteral("id")).toString());
    }
    if (key != m_layoutKey) {
        m_layoutKey = key;
        rebuild(classes);
    }

    for (int c = 0; c < classes.size(); ++c) {
        const QJsonObject cls = classes[c].toObject();
        const QString binding = cls.value(QStringLiteral("binding")).toString();
        const QJsonArray instances = cls.value(QStringLiteral("instances")).toArray();
        int up = 0;
        for (const QJsonValue &v : instances) {
            const QJsonObject instance = v.toObject();
            const QString rowKey =
                binding + QLatin1Char('/') + instance.value(QStringLiteral("id")).toString();
            auto it = m_rows.find(rowKey);
            if (it == m_rows.end())
                continue;
            updateRow(*it, instance);
            if (isUp(it->state))
                ++up;
        }
        if (QTreeWidgetItem *classItem = m_tree->topLevelItem(c)) {
            const QString image = cls.contains(QStringLiteral("url"))
                                      ? cls.value(QStringLiteral("url")).toString()
                                      : cls.value(QStringLiteral("image")).toString();
            const int max = cls.value(QStringLiteral("max_instances")).toInt(int(instances.size()));
            classItem->setText(
                ColInstance,
                tr("%1  ·  binding %2  ·  %3  ·  %4 of %5 running")
                    .arg(cls.value(QStringLiteral("class_name")).toString(), binding, image)
                    .arg(up)
                    .arg(max));
            const qint64 sleepMs = qint64(cls.value(QStringLiteral("sleep_after_ms")).toDouble());
            QString tip = tr("Instances start on the first request");
            if (sleepMs > 0)
                tip +=
                    tr(" and stop after %1 without requests").arg(formatUptime(sleepMs / 1000.0));
            classItem->setToolTip(ColInstance, tip + QLatin1Char('.'));
        }
    }
    updateButtons();
}

void ContainersPanel::rebuild(const QJsonArray &classes)
{
    const QString selected = selectedSource().isEmpty() ? m_savedSelection : selectedSource();
    QHash<QString, InstanceRow> old;
    old.swap(m_rows);
    QSignalBlocker block(m_tree);
    m_tree->clear();
    const int rowHeight = int(fontMetrics().height() * 1.9);
    QFont bold = font();
    bold.setWeight(QFont::DemiBold);
    QTreeWidgetItem *toSelect = nullptr;
    for (const QJsonValue &c : classes) {
        const QJsonObject cls = c.toObject();
        const QString className = cls.value(QStringLiteral("class_name")).toString();
        const QString binding = cls.value(QStringLiteral("binding")).toString();
        auto *classItem = new QTreeWidgetItem(m_tree);
        classItem->setFont(ColInstance, bold);
        classItem->setFlags(Qt::ItemIsEnabled);
        classItem->setSizeHint(ColInstance, QSize(0, rowHeight));
        classItem->setFirstColumnSpanned(true);
        classItem->setExpanded(true);
        for (const QJsonValue &v : cls.value(QStringLiteral("instances")).toArray()) {
            const QString id = v.toObject().value(QStringLiteral("id")).toString();
            const QString rowKey = binding + QLatin1Char('/') + id;
            InstanceRow row;
            row.className = className;
            row.binding = binding;
            row.id = id;
            if (auto it = old.find(rowKey); it != old.end()) {
                row.cpuHistory = it->cpuHistory;
                row.rssHistory = it->rssHistory;
                row.lastSampleMs = it->lastSampleMs;
            }
            row.item = new QTreeWidgetItem(classItem);
            row.item->setText(ColInstance, id);
            row.item->setData(ColInstance, Qt::UserRole, rowKey);
            row.item->setSizeHint(ColInstance, QSize(0, rowHeight));
            for (int col : {ColPid, ColPort, ColUptime, ColRequests})
                row.item->setTextAlignment(col, Qt::AlignRight | Qt::AlignVCenter);

            auto *badgeCell = new QWidget(m_tree);
            auto *badgeLayout = new QHBoxLayout(badgeCell);
            badgeLayout->setContentsMargins(4, 2, 4, 2);
            row.badge = new StatusBadge(badgeCell);
            badgeLayout->addWidget(row.badge);
            badgeLayout->addStretch(1);
            m_tree->setItemWidget(row.item, ColState, badgeCell);
            m_tree->setItemWidget(row.item, ColCpu,
                                  chartCell(m_tree, &row.cpu, &row.cpuLabel,
                                            QColor(0x3b, 0x6f, 0xd8), QStringLiteral("100.0 %")));
            m_tree->setItemWidget(row.item, ColMemory,
                                  chartCell(m_tree, &row.rss, &row.rssLabel,
                                            QColor(0x8a, 0x4f, 0xc9), QStringLiteral("999.9 MiB")));
            row.rss->setScaleFloor(16.0 * 1024 * 1024);
            row.cpu->setValues(row.cpuHistory);
            row.rss->setValues(row.rssHistory);
            if (rowKey == selected)
                toSelect = row.item;
            m_rows.insert(rowKey, row);
        }
    }
    m_tree->expandAll();
    block.unblock();
    if (toSelect) {
        m_tree->setCurrentItem(toSelect);
        m_savedSelection.clear();
    } else {
        onSelectionChanged();
    }
}

void ContainersPanel::updateRow(InstanceRow &row, const QJsonObject &instance)
{
    row.state = instance.value(QStringLiteral("state")).toString();
    const QString &state = row.state;
    const QJsonValue exitCode = instance.value(QStringLiteral("exit_code"));
    StatusBadge::Tone tone = StatusBadge::Tone::Neutral;
    QString label = state;
    if (state == QLatin1String("healthy") || state == QLatin1String("running"))
        tone = StatusBadge::Tone::Good;
    else if (state == QLatin1String("starting") || state == QLatin1String("stopping"))
        tone = StatusBadge::Tone::Busy;
    else if (state == QLatin1String("stopped_with_code")) {
        tone = exitCode.toInt() == 0 ? StatusBadge::Tone::Neutral : StatusBadge::Tone::Bad;
        label = tr("stopped · code %1").arg(exitCode.toInt());
    } else if (state != QLatin1String("stopped"))
        tone = StatusBadge::Tone::Warning;
    row.badge->set(label, tone);

    const bool up = isUp(state) || state == QLatin1String("stopping");
    const int pid = instance.value(QStringLiteral("pid")).toInt();
    const int port = instance.value(QStringLiteral("port")).toInt();
    row.item->setText(ColPid, up && pid > 0 ? QString::number(pid) : QStringLiteral("—"));
    row.item->setText(ColPort, up && port > 0 ? QString::number(port) : QStringLiteral("—"));
    row.item->setText(ColUptime,
                      up ? formatUptime(instance.value(QStringLiteral("uptime_s")).toDouble(-1))
                         : QStringLiteral("—"));
    const QLocale locale;
    const qint64 requests = qint64(instance.value(QStringLiteral("requests")).toDouble());
    const int inFlight = instance.value(QStringLiteral("in_flight")).toInt();
    row.item->setText(ColRequests,
                      inFlight > 0
                          ? tr("%1 (%2 active)").arg(locale.toString(requests)).arg(inFlight)
                          : locale.toString(requests));
    const qint64 last = lastRequestMs(instance);
    row.item->setText(ColLastRequest, last > 0 ? formatAgo(last) : tr("never"));
    const QJsonObject storage = instance.value(QStringLiteral("storage")).toObject();
    row.item->setToolTip(
        ColLastRequest,
        storage.isEmpty()
            ? QString()
            : tr("Durable storage: %1")
                  .arg(QString::fromUtf8(QJsonDocument(storage).toJson(QJsonDocument::Compact))));

    const double cpu = up ? instance.value(QStringLiteral("cpu_percent")).toDouble() : 0.0;
    const double rss = up ? instance.value(QStringLiteral("rss_bytes")).toDouble() : 0.0;
    row.cpuLabel->setText(up ? QStringLiteral("%1 %").arg(cpu, 0, 'f', 1) : QStringLiteral("—"));
    row.rssLabel->setText(up ? TrafficModel::formatBytes(qint64(rss)) : QStringLiteral("—"));
    // One sample per poll period at most, so pushes from containersChanged between polls do not
    // squeeze the time axis.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - row.lastSampleMs >= kPollMs / 2) {
        row.lastSampleMs = now;
        row.cpuHistory.append(cpu);
        row.rssHistory.append(rss);
        while (row.cpuHistory.size() > kHistory)
            row.cpuHistory.removeFirst();
        while (row.rssHistory.size() > kHistory)
            row.rssHistory.removeFirst();
        row.cpu->setValues(row.cpuHistory);
        row.rss->setValues(row.rssHistory);
    }
}

ContainersPanel::InstanceRow *ContainersPanel::selectedRow()
{
    const QString key = selectedSource();
    auto it = m_rows.find(key);
    return it == m_rows.end() ? nullptr : &*it;
}

QString ContainersPanel::selectedSource() const
{
    const QList<QTreeWidgetItem *> items = m_tree->selectedItems();
    if (items.isEmpty())
        return {};
    return items.first()->data(ColInstance, Qt::UserRole).toString();
}

QString ContainersPanel::instanceState(const QString &binding, const QString &instance) const
{
    const auto it = m_rows.constFind(binding + QLatin1Char('/') + instance);
    return it == m_rows.cend() ? QString() : it->state;
}

bool ContainersPanel::selectInstance(const QString &binding, const QString &instance)
{
    const auto it = m_rows.constFind(binding + QLatin1Char('/') + instance);
    if (it == m_rows.cend())
        return false;
    m_tree->setCurrentItem(it->item);
    return true;
}

void ContainersPanel::onSelectionChanged()
{
    const QString source = selectedSource();
    updateButtons();
    if (source == m_logSource && !source.isEmpty())
        return;
    m_logSource = source;
    m_log->clear();
    m_pendingLog.clear();
    m_logLoadedSeq = 0;
    if (source.isEmpty()) {
        m_logTitle->setText(tr("Log"));
        m_logEmpty->setText(tr("Select an instance above to follow its log here."));
        m_logStack->setCurrentWidget(m_logEmpty);
        return;
    }
    m_logTitle->setText(tr("Log — %1").arg(source));
    loadLog();
}

void ContainersPanel::updateButtons()
{
    const InstanceRow *row = selectedRow();
    const bool idle = !m_actionRunning && row;
    const QString state = row ? row->state : QString();
    const bool stopped = state == QLatin1String("stopped") ||
                         state == QLatin1String("stopped_with_code") || state.isEmpty();
    m_start->setEnabled(idle && stopped);
    m_stop->setEnabled(idle && !stopped && state != QLatin1String("stopping"));
    m_restart->setEnabled(idle);
    const QString hint = row ? QString() : tr(" — select an instance first");
    m_start->setToolTip(tr("Start the selected instance") + hint);
    m_stop->setToolTip(tr("Stop the selected instance (SIGTERM, then SIGKILL after 5 s)") + hint);
    m_restart->setToolTip(tr("Stop and start the selected instance") + hint);
}

void ContainersPanel::performAction(const QString &action)
{
    InstanceRow *row = selectedRow();
    if (!row || m_actionRunning)
        return;
    m_actionRunning = true;
    updateButtons();
    const QString target = row->binding + QLatin1Char('/') + row->id;
    const QString verb = action == QLatin1String("start")  ? tr("Starting")
                         : action == QLatin1String("stop") ? tr("Stopping")
                                                           : tr("Restarting");
    showMessage(tr("%1 %2…").arg(verb, target), false);
    const QString path = QStringLiteral("/__edgedesk/v1/containers/%1/%2/%3")
                             .arg(QString::fromUtf8(QUrl::toPercentEncoding(row->className)),
                                  QString::fromUtf8(QUrl::toPercentEncoding(row->id)), action);
    context().api->call("POST", path, {}, {}, this, [this, target, action](const ApiResponse &r) {
        m_actionRunning = false;
        if (r.ok()) {
            const QString done = action == QLatin1String("start")  ? tr("Started %1")
                                 : action == QLatin1String("stop") ? tr("Stopped %1")
                                                                   : tr("Restarted %1");
            showMessage(done.arg(target), false);
        } else {
            showMessage(tr("Could not %1 %2: %3").arg(action, target, r.describeError()), true);
        }
        updateButtons();
        refresh();
    });
}

void ContainersPanel::loadLog()
{
    InstanceRow *row = selectedRow();
    if (!row)
        return;
    // A newer load (another selection, a server restart) makes earlier answers moot.
    const int generation = ++m_logGeneration;
    if (m_logRequest)
        m_logRequest->abort();
    m_logLoading = true;
    m_logEmpty->setText(tr("Loading the log of %1…").arg(m_logSource));
    m_logStack->setCurrentWidget(m_logEmpty);
    const QString source = m_logSource;
    const QString path = QStringLiteral("/__edgedesk/v1/containers/%1/%2/logs?tail=200")
                             .arg(QString::fromUtf8(QUrl::toPercentEncoding(row->className)),
                                  QString::fromUtf8(QUrl::toPercentEncoding(row->id)));
    auto handle = [this, source, generation](const ApiResponse &r) -> bool {
        if (generation != m_logGeneration)
            return true;
        if (!r.ok())
            return false;
        const QJsonDocument doc = QJsonDocument::fromJson(r.body);
        QJsonArray lines;
        if (doc.isArray())
            lines = doc.array();
        else
            lines = doc.object().value(QStringLiteral("lines")).toArray();
        if (lines.isEmpty() && doc.object().contains(QStringLiteral("entries")))
            lines = doc.object().value(QStringLiteral("entries")).toArray();
        QList<LogEntry> entries;
        for (const QJsonValue &v : lines) {
            LogEntry e = LogModel::fromJson(v.toObject());
            if (e.source.isEmpty())
                e.source = source;
            entries.append(std::move(e));
        }
        m_log->clear();
        m_log->append(entries);
        m_logLoadedSeq = entries.isEmpty() ? 0 : entries.constLast().seq;
        m_logLoading = false;
        flushLog();
        return true;
    };
    m_logRequest =
        context().api->get(path, this, [this, handle, source, generation](const ApiResponse &r) {
            if (handle(r))
                return;
            // Older servers only have the merged log endpoint; it filters by the same source name.
            m_logRequest = context().api->get(
                QStringLiteral("/__edgedesk/v1/logs?tail=200&source=%1")
                    .arg(QString::fromUtf8(QUrl::toPercentEncoding(source))),
                this, [this, handle, source, generation, first = r](const ApiResponse &r2) {
                    if (handle(r2) || generation != m_logGeneration)
                        return;
                    m_logLoading = false;
                    m_logEmpty->setText(
                        tr("Could not load the log of %1: %2").arg(source, first.describeError()));
                    m_logStack->setCurrentWidget(m_logEmpty);
                });
        });
}

void ContainersPanel::onLogEntry(const LogEntry &entry)
{
    if (entry.source != m_logSource || m_logSource.isEmpty())
        return;
    m_pendingLog.append(entry);
    if (m_pendingLog.size() > 10000)
        m_pendingLog.remove(0, m_pendingLog.size() - 5000);
}

void ContainersPanel::flushLog()
{
    if (m_logLoading || m_logSource.isEmpty())
        return;
    if (!m_pendingLog.isEmpty()) {
        QList<LogEntry> newer;
        for (const LogEntry &e : std::as_const(m_pendingLog)) {
            if (e.seq > m_logLoadedSeq)
                newer.append(e);
        }
        m_pendingLog.clear();
        if (!newer.isEmpty()) {
            m_logLoadedSeq = newer.constLast().seq;
            m_log->append(newer);
        }
    }
    if (m_log->logModel()->size() > 0) {
        m_logStack->setCurrentWidget(m_log);
    } else {
        const InstanceRow *row = selectedRow();
        m_logEmpty->setText(row && isUp(row->state)
                                ? tr("%1 has written nothing yet.").arg(m_logSource)
                                : tr("No output from %1 yet. Instances start on the first "
                                     "request — send one from the API or Linux command "
                                     "section, or press Start.")
                                      .arg(m_logSource));
        m_logStack->setCurrentWidget(m_logEmpty);
    }
}

} // namespace edgedesk
