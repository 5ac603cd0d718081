#include "mainwindow.h"

#include "panelfactory.h"
#include "archive/statearchiveactions.h"
#include "help/helpmenu.h"
#include "palette/commandcatalog.h"
#include "project/projectinfo.h"
#include "project/projectmenu.h"
#include "project/projectswitcher.h"
#include "settings/theme.h"
#include "widgets/messagebanner.h"
#include "widgets/statusbadge.h"
#include "widgets/trafficfiltermodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace edgedesk {

MainWindow::MainWindow(ServerHost *host, AppSettings *settings, ServerOptions baseOptions,
                       QWidget *parent)
    : QMainWindow(parent), m_host(host), m_settings(settings), m_baseOptions(std::move(baseOptions))
{
    setWindowTitle(QStringLiteral("EdgeDesk"));
    setWindowIcon(QIcon(QStringLiteral(":/edgedesk/icons/edgedesk.svg")));
    m_api.setToken(m_baseOptions.token);
    Theme::apply(Theme::fromString(m_settings->theme()));
    m_projects = new ProjectSwitcher(
        m_host, m_settings, [this] { return m_baseOptions; },
        [this](const ServerOptions &base) {
            m_baseOptions = base;
            startServer();
        },
        this);
    buildUi();

    PanelContext context;
    context.host = m_host;
    context.api = &m_api;
    context.settings = m_settings;
    context.restartServer = [this] { startServer(); };
    for (Panel *panel : createPanels(context, m_stack))
        addPanel(panel);

    connect(m_host, &ServerHost::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_host, &ServerHost::serving, this, [this](const QUrl &url) {
        m_api.setBaseUrl(url);
        m_api.setToken(m_host->options().token);
        m_url->setText(ServerHost::displayUrl(url));
        m_dataDir->setText(tr("Data: %1").arg(m_host->dataDir()));
        setWindowTitle(ProjectInfo(*m_host).windowTitle());
        for (Panel *p : std::as_const(m_panels))
            p->serverReady();
    });
    connect(m_host, &ServerHost::failed, this, [this](const QString &message) {
        m_url->setText(message);
        statusBar()->showMessage(message);
    });
    connect(m_host, &ServerHost::notice, this,
            [this](const QString &message) { statusBar()->showMessage(message, 15000); });
    connect(m_host, &ServerHost::trafficRecorded, this,
            [this](const TrafficRecord &r) {
                // The window's own polling of the control API is not the user's traffic
                // (Overview leaves it out too).
                if (!TrafficFilterModel::isControlApi(r.path))
                    m_recentRequests.append(r.timeMs);
            });
    auto *rateTimer = new QTimer(this);
    connect(rateTimer, &QTimer::timeout, this, &MainWindow::updateRate);
    rateTimer->start(1000);
    connectProjects();

    if (!restoreGeometry(m_settings->windowGeometry()))
        resize(1280, 800);
    showSection(m_settings->lastSection());
    onStateChanged(m_host->state());
}

MainWindow::~MainWindow() = default;

void MainWindow::buildUi()
{
    auto *central = new QWidget(this);
    auto *outer = new QHBoxLayout(central);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);

    m_sidebar = new QListWidget(central);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setIconSize(QSize(20, 20));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setFixedWidth(fontMetrics().horizontalAdvance(QStringLiteral("Linux command")) + 84);
    m_sidebar->setSpacing(1);
    styleSidebar();
    outer->addWidget(m_sidebar);

    auto *right = new QWidget(central);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(14, 10, 14, 6);

    auto *header = new QHBoxLayout;
    m_state = new StatusBadge(right);
    m_state->setObjectName(QStringLiteral("statePill"));
    m_state->setAlignment(Qt::AlignCenter);
    m_state->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("stopping")) + 30);
    m_url = new QLabel(QStringLiteral("—"), right);
    m_url->setObjectName(QStringLiteral("serverUrl"));
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont urlFont = m_url->font();
    urlFont.setPointSizeF(urlFont.pointSizeF() * 1.1);
    urlFont.setWeight(QFont::DemiBold);
    m_url->setFont(urlFont);
    m_copy = new QToolButton(right);
    m_copy->setIcon(Panel::themedIcon(QStringLiteral("copy")));
    m_copy->setToolTip(tr("Copy the URL"));
    m_copy->setAccessibleName(tr("Copy the URL"));
    m_copy->setAutoRaise(true);
    m_open = new QToolButton(right);
    m_open->setObjectName(QStringLiteral("headerOpen"));
    m_open->setIcon(Panel::themedIcon(QStringLiteral("open-external")));
    m_open->setText(tr("Open in browser"));
    m_open->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_open->setAutoRaise(true);
    header->addWidget(m_state);
    header->addSpacing(6);
    header->addWidget(m_url);
    header->addWidget(m_copy);
    header->addStretch(1);
    header->addWidget(m_open);
    rightLayout->addLayout(header);

    // A flat rule in the palette's line colour: a sunken frame draws its light edge, which is
    // white in some dark palettes.
    auto *line = new QWidget(right);
    line->setObjectName(QStringLiteral("headerRule"));
    line->setFixedHeight(1);
    line->setBackgroundRole(QPalette::Mid);
    line->setAutoFillBackground(true);
    rightLayout->addWidget(line);

    m_projectBanner = new MessageBanner(right);
    m_projectBanner->setObjectName(QStringLiteral("projectBanner"));
    rightLayout->addWidget(m_projectBanner);

    m_stack = new QStackedWidget(right);
    rightLayout->addWidget(m_stack, 1);
    outer->addWidget(right, 1);
    setCentralWidget(central);

    m_rate = new QLabel(tr("0 req/s"), this);
    m_instances = new QLabel(this);
    m_dataDir = new QLabel(this);
    m_dataDir->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addPermanentWidget(m_rate);
    statusBar()->addPermanentWidget(m_instances);
    statusBar()->addPermanentWidget(m_dataDir);

    connect(m_copy, &QToolButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_host->displayUrl());
        statusBar()->showMessage(
            tr("Copied %1").arg(m_host->displayUrl()), 3000);
    });
    connect(m_open, &QToolButton::clicked, this,
            [this] { QDesktopServices::openUrl(m_host->url()); });
    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0 || row >= m_panels.size())
            return;
        m_stack->setCurrentWidget(m_panels[row]);
        // The Web section has its own "Open in browser" for the page it shows.
        m_open->setVisible(m_panels[row]->id() != QLatin1String("web"));
        m_panels[row]->activated();
        m_settings->setLastSection(m_panels[row]->id());
    });

    // File → Export state… / Import state… (the logic lives in StateArchiveActions).
    m_archives = new StateArchiveActions(
        m_host, this, [this] { return effectiveOptions(); }, [this] { startServer(); });
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->setObjectName(QStringLiteral("fileMenu"));
    m_projectMenu = new ProjectMenu(m_projects, this);
    m_projectMenu->addToMenu(fileMenu);
    m_archives->addToMenu(fileMenu);

    m_commands = new CommandCatalog(
        this, m_host, &m_api, [this] { return m_panels; },
        [this](const QString &id) { showSection(id); });
    connect(m_commands, &CommandCatalog::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    m_help = new HelpMenu(this, m_commands, m_host);
}

QKeySequence MainWindow::sectionKeys(int index)
{
    if (index < 9)
        return QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index));
    if (index == 9)
        return QKeySequence(Qt::CTRL | Qt::Key_0);
    return QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + (index - 10) % 9));
}

void MainWindow::addPanel(Panel *panel)
{
    m_panels.append(panel);
    m_stack->addWidget(panel);
    const int index = int(m_panels.size()) - 1;
    const QKeySequence keys = sectionKeys(index);
    auto *item = new QListWidgetItem(panel->icon(), panel->title(), m_sidebar);
    item->setToolTip(tr("%1 (%2)").arg(panel->title(), keys.toString(QKeySequence::NativeText)));
    item->setData(Qt::UserRole, panel->id());
    // A window action, so the palette and the shortcut sheet list it with its keys.
    auto *go = new QAction(panel->title(), this);
    go->setShortcut(keys);
    go->setProperty("paletteGroup", tr("Go to"));
    connect(go, &QAction::triggered, this, [this, index] { m_sidebar->setCurrentRow(index); });
    addAction(go);
    connect(panel, &Panel::showSection, this, &MainWindow::showSection);
}

void MainWindow::showSection(const QString &id)
{
    for (int i = 0; i < m_panels.size(); ++i) {
        if (m_panels[i]->id() == id) {
            m_sidebar->setCurrentRow(i);
            return;
        }
    }
    if (!m_panels.isEmpty() && m_sidebar->currentRow() < 0)
        m_sidebar->setCurrentRow(0);
}

QLabel *MainWindow::statePill() const
{
    return m_state;
}

QString MainWindow::currentSection() const
{
    const int row = m_sidebar->currentRow();
    return row >= 0 && row < m_panels.size() ? m_panels[row]->id() : QString();
}

Panel *MainWindow::panel(const QString &id) const
{
    for (Panel *p : m_panels) {
        if (p->id() == id)
            return p;
    }
    return nullptr;
}

ServerOptions MainWindow::effectiveOptions() const
{
    ServerOptions o = m_baseOptions;
    o.portFallback = true;
    if (m_settings->port() > 0)
        o.port = m_settings->port();
    if (!m_settings->bindAddress().isEmpty())
        o.bindAddress = QHostAddress(m_settings->bindAddress());
    if (!m_settings->dataDir().isEmpty())
        o.dataDir = m_settings->dataDir();
    // A project runs its own configuration; the Settings copy stands in for the built-in one.
    if (!m_settings->configPath().isEmpty() && o.projectDir.isEmpty())
        o.configPath = m_settings->configPath();
    if (!m_settings->token().isEmpty())
        o.token = m_settings->token();
    return o;
}

void MainWindow::startServer()
{
    const ServerOptions options = effectiveOptions();
    if (m_host->state() == ServerHost::State::Serving ||
        m_host->state() == ServerHost::State::Starting) {
        statusBar()->showMessage(tr("Restarting the server…"));
        m_host->stopAndWait(3000);
    }
    m_host->start(options);
}

void MainWindow::connectProjects()
{
    connect(m_projects, &ProjectSwitcher::failed, this, [this](const QString &message) {
        m_projectBanner->showMessage(MessageBanner::Tone::Error, message);
    });
    connect(m_projects, &ProjectSwitcher::opened, this, [this] {
        m_projectBanner->clear();
        statusBar()->showMessage(tr("Opened %1").arg(ProjectInfo(*m_host).folder()), 10000);
    });
    connect(m_projects->watcher(), &ProjectWatcher::configChanged, this,
            [this](const QString &path) {
                m_projectBanner->showMessage(
                    MessageBanner::Tone::Info,
                    tr("%1 changed —").arg(QFileInfo(path).fileName()), tr("Reload"),
                    QStringLiteral("reload"));
            });
    connect(m_projectBanner, &QLabel::linkActivated, this, [this](const QString &target) {
        if (target == QLatin1String("reload"))
            m_projects->reload();
    });
}

void MainWindow::onStateChanged(ServerHost::State state)
{
    QString text;
    StatusBadge::Tone tone = StatusBadge::Tone::Neutral;
    switch (state) {
    case ServerHost::State::Serving:
        text = tr("serving");
        tone = StatusBadge::Tone::Good;
        break;
    case ServerHost::State::Starting:
        text = tr("starting");
        tone = StatusBadge::Tone::Warning;
        break;
    case ServerHost::State::Stopping:
        text = tr("stopping");
        break;
    case ServerHost::State::Stopped:
        text = tr("stopped");
        break;
    case ServerHost::State::Failed:
        text = tr("failed");
        tone = StatusBadge::Tone::Bad;
        break;
    }
    m_state->set(text, tone);
    m_state->setProperty("state", text);
    const bool serving = state == ServerHost::State::Serving;
    m_copy->setEnabled(serving);
    m_open->setEnabled(serving);
    if (state == ServerHost::State::Stopped)
        m_url->setText(tr("The server is stopped"));
}

void MainWindow::styleSidebar()
{
    // palette() in a style sheet is read when the sheet is set: set again on a theme switch.
    m_sidebar->setStyleSheet(QStringLiteral(
        "QListWidget#sidebar { background: palette(alternate-base); padding-top: 8px; }"
        "QListWidget#sidebar::item { padding: 7px 10px; border-radius: 6px; margin: 0 6px; }"
        "QListWidget#sidebar::item:selected { background: palette(highlight); color: "
        "palette(highlighted-text); }"));
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_sidebar)
        styleSidebar();
}

void MainWindow::updateRate()
{
    const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - 1000;
    while (!m_recentRequests.isEmpty() && m_recentRequests.first() < cutoff)
        m_recentRequests.removeFirst();
    m_rate->setText(tr("%1 req/s").arg(m_recentRequests.size()));
}

void MainWindow::saveWindowState()
{
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setLastSection(currentSection());
    for (Panel *p : std::as_const(m_panels))
        p->saveState();
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    if (!m_quitting && m_settings->keepServingInTray() &&
        QSystemTrayIcon::isSystemTrayAvailable()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(windowIcon(), this);
            m_tray->setToolTip(tr("EdgeDesk — serving on %1")
                                   .arg(m_host->displayUrl()));
            auto *menu = new QMenu(this);
            menu->addAction(tr("Show EdgeDesk"), this, [this] {
                showNormal();
                raise();
                activateWindow();
            });
            menu->addAction(tr("Quit"), this, [this] {
                m_quitting = true;
                close();
                QApplication::quit();
            });
            m_tray->setContextMenu(menu);
            connect(m_tray, &QSystemTrayIcon::activated, this,
                    [this](QSystemTrayIcon::ActivationReason reason) {
                        if (reason == QSystemTrayIcon::Trigger)
                            showNormal();
                    });
        }
        m_tray->show();
        hide();
        event->ignore();
        return;
    }
    // Closing the window stops the server cleanly (main() waits for the thread).
    event->accept();
    QApplication::quit();
}

} // namespace edgedesk
