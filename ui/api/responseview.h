#pragma once

#include "apiclient.h"

#include <QWidget>

class QLabel;
class QTabWidget;
class QTreeWidget;

namespace edgedesk {

class BurstChart;
class ElapsedIndicator;
class JsonView;
class MessageBanner;
class StatusBadge;

// The answer to the API section's request: status, time, size and the instance that served it,
// the server's message when it failed, the pretty-printed body and the headers; for a burst, how
// the answers spread over the instances.
class ResponseView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResponseView)

public:
    explicit ResponseView(QWidget *parent);

    void showSending();
    void showCancelled();
    // `instance` served it (empty: unknown).
    void showResponse(const ApiResponse &response, const QString &instance);
    void showError(const QString &message);
    void clearError();

    // A burst of `count` requests starts; each answer adds to the chart.
    void startBurst(int count);
    void addBurstAnswer(const ApiResponse &response, const QString &instance);
    // The burst is over (all answered, or `stopped`) after `elapsedMs`.
    void finishBurst(bool stopped, qint64 elapsedMs);

private:
    StatusBadge *m_status = nullptr;
    QLabel *m_time = nullptr;
    QLabel *m_size = nullptr;
    QLabel *m_instance = nullptr;
    ElapsedIndicator *m_busy = nullptr;
    MessageBanner *m_error = nullptr;
    QTabWidget *m_tabs = nullptr;
    JsonView *m_body = nullptr;
    QTreeWidget *m_headers = nullptr;
    QWidget *m_burstPage = nullptr;
    QLabel *m_burstSummary = nullptr;
    BurstChart *m_chart = nullptr;
    QString m_burstFirstError;
};

} // namespace edgedesk
