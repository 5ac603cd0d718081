#pragma once

#include "apiclient.h"
#include "logging/logentry.h"
#include "panel.h"
#include "traffic/trafficrecord.h"
#include "widgets/persecondseries.h"
#include "widgets/statusbadge.h"

#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <functional>

class QGridLayout;
class QLabel;
class QNetworkReply;
class QStackedWidget;
class QTreeWidget;
class QVBoxLayout;

namespace edgedesk {

class Sparkline;

// Overview: every binding with its state (and how to fix what is not working), requests/s and
// p99 latency for the last five minutes, the container summary and the last errors.
class OverviewPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewPanel)

public:
    static constexpr int kWindowSeconds = 300;
    static constexpr int kMaxErrors = 50;

    OverviewPanel(const PanelContext &context, QWidget *parent = nullptr);

    void activated() override;
    void serverReady() override;

    // Reads /config, /containers and probes each binding again.
    void refresh();
    void refreshActivity();

    // For tests: a binding row's badge text ("MY_KV", "AI", ...), empty when there is none.
    QString bindingState(const QString &name) const;
    QString bindingDetail(const QString &name) const;
    QTreeWidget *errorList() const { return m_errors; }
    Sparkline *rateSparkline() const { return m_rateLine; }
    Sparkline *latencySparkline() const { return m_latencyLine; }
    QLabel *rateLabel() const { return m_rateValue; }
    QLabel *containerSummary() const { return m_containers; }

private:
    struct BindingRow
    {
        QLabel *name = nullptr;
        QLabel *kind = nullptr;
        StatusBadge *badge = nullptr;
        QLabel *detail = nullptr;
    };

    void applyConfig(const QJsonObject &config);
    void applyContainers(const QJsonObject &status);
    BindingRow &row(const QString &name, const QString &kind);
    void setRow(const QString &name, const QString &text, StatusBadge::Tone tone,
                const QString &detail);
    void probe(const QString &name, const QString &path,
               std::function<QString(const ApiResponse &)> describe);
    void loadHistory();
    void onRecord(const TrafficRecord &record);
    void onLog(const LogEntry &entry);
    void addError(qint64 timeMs, const QString &where, const QString &what, const QString &key);
    void updateErrorsEmpty();

    QLabel *m_intro = nullptr;
    QGridLayout *m_bindingGrid = nullptr;
    QLabel *m_configNote = nullptr;
    QHash<QString, BindingRow> m_rows;
    QStringList m_rowOrder;
    Sparkline *m_rateLine = nullptr;
    Sparkline *m_latencyLine = nullptr;
    QLabel *m_rateValue = nullptr;
    QLabel *m_rateNote = nullptr;
    QLabel *m_latencyValue = nullptr;
    QLabel *m_latencyNote = nullptr;
    QLabel *m_containers = nullptr;
    QStackedWidget *m_errorStack = nullptr;
    QTreeWidget *m_errors = nullptr;
    QLabel *m_errorsEmpty = nullptr;

    PerSecondSeries m_series;
    QSet<QString> m_seenErrors;
    QTimer m_tick;
    QTimer m_containerPoll;
    QPointer<QNetworkReply> m_containerRequest;
    QJsonObject m_config;
    qint64 m_lastRefreshMs = 0;
    quint64 m_historyMaxId = 0;
    bool m_historyLoading = false;
    bool m_historyLoaded = false;
    QList<TrafficRecord> m_heldRecords; // live records while the history loads
};

} // namespace edgedesk
