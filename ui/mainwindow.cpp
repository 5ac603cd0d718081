#include "mainwindow.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTableWidget>
#include <QVBoxLayout>

namespace edgedesk {

namespace {
constexpr int kMaxTrafficRows = 500;
}

MainWindow::MainWindow(ServerHost *host, QWidget *parent) : QMainWindow(parent), m_host(host)
{
    setWindowTitle(QStringLiteral("EdgeDesk"));
    resize(1200, 760);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);

    auto *header = new QHBoxLayout;
    m_state = new QLabel(central);
    m_state->setObjectName(QStringLiteral("statePill"));
    m_state->setMinimumWidth(90);
    m_state->setAlignment(Qt::AlignCenter);
    m_url = new QLabel(QStringLiteral("—"), central);
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont urlFont = m_url->font();
    urlFont.setPointSizeF(urlFont.pointSizeF() * 1.15);
    m_url->setFont(urlFont);
    m_copy = new QPushButton(tr("Copy URL"), central);
    m_open = new QPushButton(tr("Open in browser"), central);
    header->addWidget(m_state);
    header->addWidget(m_url, 1);
    header->addWidget(m_copy);
    header->addWidget(m_open);
    layout->addLayout(header);

    auto *splitter = new QSplitter(Qt::Vertical, central);
    m_traffic = new QTableWidget(0, 7, splitter);
    m_traffic->setHorizontalHeaderLabels({tr("Time"), tr("Method"), tr("Path"), tr("Route"),
                                          tr("Status"), tr("Duration"), tr("Instance")});
    m_traffic->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_traffic->verticalHeader()->hide();
    m_traffic->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_traffic->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_log = new QPlainTextEdit(splitter);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    splitter->addWidget(m_traffic);
    splitter->addWidget(m_log);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_host->url().toString(QUrl::StripTrailingSlash));
        statusBar()->showMessage(tr("URL copied"), 2000);
    });
    connect(m_open, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(m_host->url()); });
    connect(host, &ServerHost::stateChanged, this, &MainWindow::onStateChanged);
    connect(host, &ServerHost::serving, this, [this](const QUrl &url) {
        m_url->setText(url.toString(QUrl::StripTrailingSlash));
        statusBar()->showMessage(
            tr("Serving on %1 — data in %2")
                .arg(url.toString(QUrl::StripTrailingSlash), m_host->dataDir()));
    });
    connect(host, &ServerHost::failed, this, [this](const QString &message) {
        m_url->setText(message);
        statusBar()->showMessage(message);
    });
    connect(host, &ServerHost::notice, this,
            [this](const QString &message) { statusBar()->showMessage(message, 10000); });
    connect(host, &ServerHost::trafficRecorded, this, &MainWindow::addTraffic);
    connect(host, &ServerHost::logAppended, this, &MainWindow::addLog);
    onStateChanged(host->state());
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
        colour = QStringLiteral("#d69e2e");
        break;
    case ServerHost::State::Stopping:
    case ServerHost::State::Stopped:
        text = state == ServerHost::State::Stopping ? tr("stopping") : tr("stopped");
        colour = QStringLiteral("#718096");
        break;
    case ServerHost::State::Failed:
        text = tr("failed");
        colour = QStringLiteral("#e53e3e");
        break;
    }
    m_state->setText(text);
    m_state->setStyleSheet(
        QStringLiteral("QLabel#statePill { background: %1; color: white; border-radius: 10px; "
                       "padding: 3px 12px; font-weight: 600; }")
            .arg(colour));
    m_copy->setEnabled(state == ServerHost::State::Serving);
    m_open->setEnabled(state == ServerHost::State::Serving);
}

void MainWindow::addTraffic(const TrafficRecord &r)
{
    const int row = m_traffic->rowCount();
    m_traffic->insertRow(row);
    const QStringList cells{
        QDateTime::fromMSecsSinceEpoch(r.timeMs).toString(QStringLiteral("HH:mm:ss.zzz")),
        r.method,
        r.path,
        r.route,
        QString::number(r.status),
        QStringLiteral("%1 ms").arg(double(r.durationUs) / 1000.0, 0, 'f', 2),
        r.instance};
    for (int c = 0; c < cells.size(); ++c)
        m_traffic->setItem(row, c, new QTableWidgetItem(cells[c]));
    if (m_traffic->rowCount() > kMaxTrafficRows)
        m_traffic->removeRow(0);
    m_traffic->scrollToBottom();
}

void MainWindow::addLog(const LogEntry &e)
{
    m_log->appendPlainText(
        QStringLiteral("%1 %2 [%3] %4")
            .arg(QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(QStringLiteral("HH:mm:ss.zzz")),
                 e.level.leftJustified(7), e.source, e.message));
}

} // namespace edgedesk
