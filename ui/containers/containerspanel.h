#pragma once

#include "logging/logentry.h"
#include "panel.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QTimer>

class QLabel;
class QNetworkReply;
class QPushButton;
class QStackedWidget;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace edgedesk {

class LogView;
class Sparkline;
class StatusBadge;

// Containers: one row per class and instance with state, process figures and small CPU/RSS
// charts; Start / Stop / Restart; the selected instance's log, followed live.
class ContainersPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContainersPanel)

public:
    static constexpr int kPollMs = 2000;
    static constexpr int kHistory = 60; // samples per CPU/RSS sparkline

    ContainersPanel(const PanelContext &context, QWidget *parent = nullptr);

    void activated() override;
    void serverReady() override;
    void saveState() override;

    // GET /containers now (the panel also polls every 2 s while it is visible).
    void refresh();
    // Shows a GET /containers answer (also what ServerHost::containersChanged carries).
    void applyStatus(const QJsonObject &status);
    // Selects an instance row ("BACKEND", "instance-0"); false if there is none.
    bool selectInstance(const QString &binding, const QString &instance);
    // POST .../{class}/{instance}/{action} for the selected instance: start, stop or restart.
    void performAction(const QString &action);

    QTreeWidget *tree() const { return m_tree; }
    LogView *logView() const { return m_log; }
    QString selectedSource() const; // "BACKEND/instance-0" or empty
    QString instanceState(const QString &binding, const QString &instance) const;
    bool hasStatus() const { return m_hasStatus; }
    bool isAvailable() const { return m_available; }

private:
    struct InstanceRow
    {
        QString className;
        QString binding;
        QString id;
        QString state;
        QTreeWidgetItem *item = nullptr;
        StatusBadge *badge = nullptr;
        Sparkline *cpu = nullptr;
        QLabel *cpuLabel = nullptr;
        Sparkline *rss = nullptr;
        QLabel *rssLabel = nullptr;
        QList<double> cpuHistory;
        QList<double> rssHistory;
        qint64 lastSampleMs = 0;
    };

    void rebuild(const QJsonArray &classes);
    void updateRow(InstanceRow &row, const QJsonObject &instance);
    InstanceRow *selectedRow();
    void onSelectionChanged();
    void updateButtons();
    void loadLog();
    void onLogEntry(const LogEntry &entry);
    void flushLog();
    void showMessage(const QString &text, bool error);
    void showEmpty(const QString &text);

    QTreeWidget *m_tree = nullptr;
    QStackedWidget *m_treeStack = nullptr;
    QLabel *m_treeEmpty = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_restart = nullptr;
    QToolButton *m_refresh = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_updated = nullptr;
    QLabel *m_logTitle = nullptr;
    QToolButton *m_follow = nullptr;
    QStackedWidget *m_logStack = nullptr;
    QLabel *m_logEmpty = nullptr;
    LogView *m_log = nullptr;

    QHash<QString, InstanceRow> m_rows; // by "BINDING/instance"
    QStringList m_layoutKey;            // classes and instances the tree was built for
    QPointer<QNetworkReply> m_poll;
    QPointer<QNetworkReply> m_logRequest;
    QTimer m_pollTimer;
    QTimer m_logFlush;
    QList<LogEntry> m_pendingLog;
    QString m_logSource;
    QString m_savedSelection;
    quint64 m_logLoadedSeq = 0;
    int m_logGeneration = 0;
    bool m_logLoading = false;
    bool m_hasStatus = false;
    bool m_available = true;
    bool m_actionRunning = false;
};

} // namespace edgedesk
