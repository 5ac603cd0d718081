#pragma once

#include "panel.h"
#include "traffic/trafficrecord.h"
#include "widgets/persecondseries.h"

#include <QHash>
#include <QList>
#include <QTimer>

class QCheckBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QToolButton;
class QTreeWidget;

namespace edgedesk {

class LineChart;
class RequestInspector;
class TrafficFilterModel;
class TrafficModel;

// Traffic: a live table of requests (filter, errors only, pause) and, per route, requests/s and
// p50/p99 latency over the last five minutes, computed here from the records.
class TrafficPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficPanel)

public:
    static constexpr int kWindowSeconds = 300;

    TrafficPanel(const PanelContext &context, QWidget *parent = nullptr);

    void activated() override;
    void serverReady() override;
    void saveState() override;

    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    void clear();
    // Redraws charts and the route table now (the panel does it every second while visible).
    void refreshCharts();
    // The route whose charts are shown; empty: every route but the control API.
    QString selectedRoute() const { return m_route; }
    void selectRoute(const QString &route);

    TrafficModel *model() const { return m_model; }
    TrafficFilterModel *filterModel() const { return m_filter; }
    QTableView *table() const { return m_table; }
    LineChart *rateChart() const { return m_rateChart; }
    LineChart *latencyChart() const { return m_latencyChart; }
    QTreeWidget *routeTable() const { return m_routes; }
    RequestInspector *inspector() const { return m_inspector; }

private:
    void load();
    void onRecord(const TrafficRecord &record);
    void addToSeries(const TrafficRecord &record);
    void flush();
    void updateState();
    void inspectCurrent();
    void openInApi(const TrafficRecord &record);
    void copyCurl(const TrafficRecord &record);
    void showRowMenu(const QPoint &pos);

    TrafficModel *m_model = nullptr;
    TrafficFilterModel *m_filter = nullptr;
    QTableView *m_table = nullptr;
    QStackedWidget *m_tableStack = nullptr;
    QLabel *m_empty = nullptr;
    QLineEdit *m_text = nullptr;
    QCheckBox *m_errorsOnly = nullptr;
    QCheckBox *m_showControl = nullptr;
    QToolButton *m_pause = nullptr;
    QToolButton *m_clear = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_message = nullptr;
    QTreeWidget *m_routes = nullptr;
    LineChart *m_rateChart = nullptr;
    LineChart *m_latencyChart = nullptr;
    RequestInspector *m_inspector = nullptr;

    QHash<QString, PerSecondSeries> m_series; // by route
    PerSecondSeries m_all;                    // every route but the control API
    QList<TrafficRecord> m_pending;           // not yet in the table
    QTimer m_flushTimer;
    QTimer m_chartTimer;
    QString m_route;
    quint64 m_loadedMaxId = 0;
    bool m_paused = false;
    bool m_loaded = false;
    bool m_loading = false;
};

} // namespace edgedesk
