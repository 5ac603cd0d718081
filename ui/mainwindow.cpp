#include "mainwindow.h"

#include "panelfactory.h"
#include "quickswitcher.h"
#include "archive/statearchiveactions.h"
#include "project/projectinfo.h"
#include "project/projectmenu.h"
#include "project/projectswitcher.h"
#include "widgets/messagebanner.h"

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
#include <QShortcut>
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
            [this](const TrafficRecord &r) { m_recentRequests.append(r.timeMs); });
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
    m_sidebar->setStyleSheet(QStringLiteral(
        "QListWidget#sidebar { background: palette(alternate-base); padding-top: 8px; }"
        "QListWidget#sidebar::item { padding: 7px 10px; border-radius: 6px; margin: 0 6px; }"
        "QListWidget#sidebar::item:selected { background: palette(highlight); color: "
        "palette(highlighted-text); }"));
    outer->addWidget(m_sidebar);

    auto *right = new QWidget(central);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(14, 10, 14, 6);

    auto *header = new QHBoxLayout;
    m_state = new QLabel(right);
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
    m_copy->setAutoRaise(true);
    m_open = new QToolButton(right);
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

    auto *line = new QFrame(right);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
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
        m_panels[row]->activated();
        m_settings->setLastSection(m_panels[row]->id());
    });

    for (int i = 1; i <= 9; ++i) {
        auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + i)), this);
        connect(shortcut, &QShortcut::activated, this, [this, i] {
            if (i - 1 < m_panels.size())
                m_sidebar->setCurrentRow(i - 1);
        });
    }
    auto *quick = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_K), this);
    connect(quick, &QShortcut::activated, this, &MainWindow::openQuickSwitcher);

    // File → Export state… / Import state… (the logic lives in StateArchiveActions).
    m_archives = new StateArchiveActions(
        m_host, this, [this] { return effectiveOptions(); }, [this] { startServer(); });
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->setObjectName(QStringLiteral("fileMenu"));
    m_projectMenu = new ProjectMenu(m_projects, this);
    m_projectMenu->addToMenu(fileMenu);
    m_archives->addToMenu(fileMenu);
}

void MainWindow::addPanel(Panel *panel)
{
    m_panels.append(panel);
    m_stack->addWidget(panel);
    const int index = m_panels.size();
    auto *item = new QListWidgetItem(panel->icon(), panel->title(), m_sidebar);
    item->setToolTip(index <= 9 ? tr("%1 (Ctrl+%2)").arg(panel->title()).arg(index)
                                : panel->title());
    item->setData(Qt::UserRole, panel->id());
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
    QString colour;
    switch (state) {
    case ServerHost::State::Serving:
        text = tr("serving");
        colour = QStringLiteral("#1f9d55");
        break;
    case ServerHost::State::Starting:
        text = tr("starting");
        colour = QStringLiteral("#c48a0e");
        break;
    case ServerHost::State::Stopping:
        text = tr("stopping");
        colour = QStringLiteral("#718096");
        break;
    case ServerHost::State::Stopped:
        text = tr("stopped");
        colour = QStringLiteral("#718096");
        break;
    case ServerHost::State::Failed:
        text = tr("failed");
        colour = QStringLiteral("#d64545");
        break;
    }
    m_state->setText(text);
    m_state->setProperty("state", text);
    m_state->setStyleSheet(
        QStringLiteral("QLabel#statePill { background: %1; color: white; border-radius: 10px; "
                       "padding: 3px 12px; font-weight: 600; }")
            .arg(colour));
    const bool serving = state == ServerHost::State::Serving;
    m_copy->setEnabled(serving);
    m_open->setEnabled(serving);
    if (state == ServerHost::State::Stopped)
        m_url->setText(tr("The server is stopped"));
}

void MainWindow::updateRate()
{
    const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - 1000;
    while (!m_recentRequests.isEmpty() && m_recentRequests.first() < cutoff)
        m_recentRequests.removeFirst();
    m_rate->setText(tr("%1 req/s").arg(m_recentRequests.size()));
}

void MainWindow::openQuickSwitcher()
{
    QuickSwitcher switcher(m_panels, this);
    if (switcher.exec() == QDialog::Accepted && !switcher.chosenId().isEmpty())
        showSection(switcher.chosenId());
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
