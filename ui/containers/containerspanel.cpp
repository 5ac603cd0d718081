#include "containers/containerspanel.h"

#include "apiclient.h"
#include "appsettings.h"
#include "containers/containertotals.h"
#include "containers/imagesview.h"
#include "containers/instancelog.h"
#include "containers/instancetree.h"
#include "serverhost.h"
#include "widgets/labels.h"
#include "widgets/sectionheading.h"

#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QNetworkReply>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTime>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("containers");

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
    auto *loadImage =
        new QPushButton(themedIcon(QStringLiteral("upload")), tr("Load &image…"), this);
    loadImage->setObjectName(QStringLiteral("containersLoadImage"));
    loadImage->setToolTip(tr("Load an image archive into the cache (Images tab)"));
    bar->addWidget(loadImage);
    bar->addSpacing(8);
    bar->addWidget(m_message, 1);
    layout->addLayout(bar);
    heading->addTrailingWidget(m_updated);
    heading->addTrailingWidget(m_refresh);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("containersTabs"));
    m_tabs->setDocumentMode(true);
    auto *splitter = new QSplitter(Qt::Vertical, m_tabs);
    splitter->setObjectName(QStringLiteral("containersSplitter"));
    splitter->setChildrenCollapsible(false);
    m_instances = new InstanceTree(splitter);
    m_log = new InstanceLog(this->context().api, splitter);
    splitter->addWidget(m_instances);
    splitter->addWidget(m_log);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    m_images = new ImagesView(this->context().api, m_tabs);
    m_tabs->addTab(splitter, tr("Instances"));
    m_tabs->addTab(m_images, tr("Images"));
    layout->addWidget(m_tabs, 1);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentWidget() == m_images && this->context().host->isServing())
            m_images->refresh();
    });
    // A loaded image may be one a class names: its row shows it once an instance starts.
    connect(m_images, &ImagesView::loaded, this, &ContainersPanel::refresh);

    AppSettings *settings = this->context().settings;
    m_instances->setWantedSelection(
        settings->panelValue(kPanel, QStringLiteral("selected")).toString());
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
    connect(loadImage, &QPushButton::clicked, this, [this] {
        showImages();
        m_images->chooseArchive();
    });
    connect(m_log, &InstanceLog::openAllLogs, this,
            [this] { Q_EMIT showSection(QStringLiteral("logs")); });
    connect(m_instances, &InstanceTree::selectionChanged, this,
            &ContainersPanel::onSelectionChanged);
    addShortcut(QKeySequence::Refresh, [this] { refresh(); });

    m_pollTimer.setInterval(InstanceTree::kPollMs);
    connect(&m_pollTimer, &QTimer::timeout, this, [this] {
        if (isVisible() && this->context().host->isServing())
            refresh();
    });
    m_pollTimer.start();

    ServerHost *host = this->context().host;
    connect(host, &ServerHost::logAppended, m_log, &InstanceLog::add);
    connect(host, &ServerHost::containersChanged, this, &ContainersPanel::applyStatus);

    m_instances->showMessage(tr("Waiting for the server…"));
    onSelectionChanged();
}

QTreeWidget *ContainersPanel::tree() const
{
    return m_instances->tree();
}

LogView *ContainersPanel::logView() const
{
    return m_log->view();
}

QString ContainersPanel::selectedSource() const
{
    return m_instances->selectedSource();
}

QString ContainersPanel::instanceState(const QString &binding, const QString &instance) const
{
    return m_instances->instanceState(binding, instance);
}

bool ContainersPanel::selectInstance(const QString &binding, const QString &instance)
{
    return m_instances->selectInstance(binding, instance);
}

void ContainersPanel::activated()
{
    if (!context().host->isServing())
        return;
    refresh();
    if (m_tabs->currentWidget() == m_images)
        m_images->refresh();
}

void ContainersPanel::showImages()
{
    if (m_tabs->currentWidget() != m_images)
        m_tabs->setCurrentWidget(m_images); // refreshes
    else if (context().host->isServing())
        m_images->refresh();
}

void ContainersPanel::serverReady()
{
    // A restart may bring another configuration: forget the old layout.
    m_instances->forgetLayout();
    refresh();
    if (m_tabs->currentWidget() == m_images)
        m_images->refresh();
    m_log->reload();
}

void ContainersPanel::saveState()
{
    const QString selected = selectedSource();
    context().settings->setPanelValue(kPanel, QStringLiteral("selected"),
                                      selected.isEmpty() ? m_instances->wantedSelection()
                                                         : selected);
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
                m_instances->showMessage(tr("This server has no container manager: GET "
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

void ContainersPanel::applyStatus(const QJsonObject &status)
{
    m_hasStatus = true;
    m_updated->setText(
        tr("Updated %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    m_instances->applyStatus(status);
    const InstanceTree::Instance *selected = m_instances->selectedInstance();
    m_log->setRunning(selected && ContainerTotals::isUp(selected->state));
    updateButtons();
}

void ContainersPanel::onSelectionChanged()
{
    updateButtons();
    const InstanceTree::Instance *selected = m_instances->selectedInstance();
    if (!selected) {
        m_log->follow(QString(), QString(), QString());
        return;
    }
    m_log->setRunning(ContainerTotals::isUp(selected->state));
    m_log->follow(selected->source(), selected->className, selected->id);
}

void ContainersPanel::updateButtons()
{
    const InstanceTree::Instance *row = m_instances->selectedInstance();
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
    const InstanceTree::Instance *row = m_instances->selectedInstance();
    if (!row || m_actionRunning)
        return;
    m_actionRunning = true;
    updateButtons();
    const QString target = row->source();
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

void ContainersPanel::showMessage(const QString &text, bool error)
{
    showStatus(m_message, text, error);
}

} // namespace edgedesk
