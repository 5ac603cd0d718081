#pragma once

#include "serverhost.h"

#include <QMainWindow>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace edgedesk {

// The main window: server state and URL on top, live traffic and the log below.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(ServerHost *host, QWidget *parent = nullptr);

    QLabel *stateLabel() const { return m_state; }
    QLabel *urlLabel() const { return m_url; }
    QTableWidget *trafficTable() const { return m_traffic; }
    QPlainTextEdit *logView() const { return m_log; }

private:
    void onStateChanged(ServerHost::State state);
    void addTraffic(const TrafficRecord &record);
    void addLog(const LogEntry &entry);

    ServerHost *m_host;
    QLabel *m_state = nullptr;
    QLabel *m_url = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_open = nullptr;
    QTableWidget *m_traffic = nullptr;
    QPlainTextEdit *m_log = nullptr;
};

} // namespace edgedesk
