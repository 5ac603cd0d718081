#pragma once

#include "apiclient.h"
#include "traffic/trafficrecord.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTreeWidget;

namespace edgedesk {

class LogHub;

// The Traffic section's detail of one request: request and response headers, where the time
// went (queue, instance, total), the instance that served it and that instance's log lines around
// that moment, with "Open in API" and "Copy as curl".
class RequestInspector final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestInspector)

public:
    // How far before the request started and after it ended log lines still count.
    static constexpr qint64 kLogMarginMs = 2000;
    static constexpr int kMaxLogLines = 60;

    explicit RequestInspector(QWidget *parent = nullptr);

    // `logs` gives the instance's lines (null: none shown).
    void showRecord(const TrafficRecord &record, const LogHub *logs);
    void clear();
    bool hasRecord() const { return m_has; }
    const TrafficRecord &record() const { return m_record; }

    // The request's headers as the API section would send them again: without the ones the
    // client adds by itself (Host, Content-Length, Connection…) and without hidden credentials.
    static ApiHeaders replayHeaders(const TrafficHeaders &headers);
    // "Queue 0.41 ms · Instance 11.9 ms · Total 12.3 ms", or the total alone.
    static QString timingText(const TrafficRecord &record);

    QTreeWidget *requestHeaders() const { return m_requestHeaders; }
    QTreeWidget *responseHeaders() const { return m_responseHeaders; }
    QPlainTextEdit *instanceLog() const { return m_log; }
    QLabel *timing() const { return m_timing; }
    QLabel *instance() const { return m_instance; }
    QPushButton *openInApiButton() const { return m_openInApi; }
    QPushButton *copyCurlButton() const { return m_copyCurl; }

Q_SIGNALS:
    void openInApiRequested(const edgedesk::TrafficRecord &record);
    void copyCurlRequested(const edgedesk::TrafficRecord &record);

private:
    void fillLog(const LogHub *logs);

    QStackedWidget *m_stack = nullptr;
    QLabel *m_placeholder = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_timing = nullptr;
    QLabel *m_instance = nullptr;
    QPushButton *m_openInApi = nullptr;
    QPushButton *m_copyCurl = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTreeWidget *m_requestHeaders = nullptr;
    QTreeWidget *m_responseHeaders = nullptr;
    QPlainTextEdit *m_log = nullptr;
    TrafficRecord m_record;
    bool m_has = false;
};

} // namespace edgedesk
