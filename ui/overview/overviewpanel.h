#pragma once

#include "logging/logentry.h"
#include "overview/activitycards.h"
#include "panel.h"
#include "traffic/trafficrecord.h"

#include <QList>
#include <QPointer>
#include <QTimer>

class QJsonObject;
class QLabel;
class QNetworkReply;
class QTreeWidget;

namespace edgedesk {

class BindingStatus;
class ContainerSummary;
class ErrorList;
class Sparkline;

// Overview: requests/s and p99 latency for the last five minutes (ActivityCards), every binding
// with its state and how to fix what is not working (BindingStatus), the container summary and
// the last errors (ErrorList).
class OverviewPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewPanel)

public:
    static constexpr int kWindowSeconds = ActivityCards::kWindowSeconds;

    OverviewPanel(const PanelContext &context, QWidget *parent = nullptr);

    void activated() override;
    void serverReady() override;

    // Reads /config, /containers and probes each binding again.
    void refresh();
    void refreshActivity();

    // For tests: a binding row's badge text ("MY_KV", "AI", ...), empty when there is none.
    QString bindingState(const QString &name) const;
    QString bindingDetail(const QString &name) const;
    QTreeWidget *errorList() const;
    Sparkline *rateSparkline() const;
    Sparkline *latencySparkline() const;
    QLabel *rateLabel() const;
    QLabel *containerSummary() const;

private:
    void pollContainers();
    void applyContainers(const QJsonObject &status);
    void loadHistory();
    void onRecord(const TrafficRecord &record);
    void onLog(const LogEntry &entry);

    QLabel *m_intro = nullptr;
    ActivityCards *m_activity = nullptr;
    BindingStatus *m_bindings = nullptr;
    ContainerSummary *m_containers = nullptr;
    ErrorList *m_errors = nullptr;

    QTimer m_tick;
    QTimer m_containerPoll;
    QPointer<QNetworkReply> m_containerRequest;
    qint64 m_lastRefreshMs = 0;
    quint64 m_historyMaxId = 0;
    bool m_historyLoading = false;
    bool m_historyLoaded = false;
    QList<TrafficRecord> m_heldRecords; // live records while the history loads
};

} // namespace edgedesk
