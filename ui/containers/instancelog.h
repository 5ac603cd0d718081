#pragma once

#include "logging/logentry.h"

#include <QList>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QNetworkReply;
class QStackedWidget;
class QToolButton;

namespace edgedesk {

class ApiClient;
class LogView;

// One instance's log: its last 200 lines, then every new line as it is written (batched a few
// times a second so a chatty instance costs little), following the newest unless the user
// scrolls away.
class InstanceLog final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InstanceLog)

public:
    InstanceLog(ApiClient *api, QWidget *parent);

    // Follows `source` ("BACKEND/instance-0") of class `className`; an empty source shows a hint.
    void follow(const QString &source, const QString &className, const QString &id);
    // Loads the shown instance's tail again (the server restarted).
    void reload();
    // Whether the instance runs, for what an empty log says.
    void setRunning(bool running) { m_running = running; }
    // A line from the live stream (every source; others are ignored).
    void add(const LogEntry &entry);

    QString source() const { return m_source; }
    LogView *view() const { return m_log; }

Q_SIGNALS:
    void openAllLogs();

private:
    void load();
    bool showTail(const QByteArray &body, int generation);
    void flush();

    ApiClient *m_api;
    QString m_source;
    QString m_className;
    QString m_id;
    bool m_running = false;
    QPointer<QNetworkReply> m_request;
    QTimer m_flush;
    QList<LogEntry> m_pending;
    quint64 m_loadedSeq = 0;
    int m_generation = 0;
    bool m_loading = false;

    QLabel *m_title = nullptr;
    QToolButton *m_follow = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    LogView *m_log = nullptr;
};

} // namespace edgedesk
