#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QStackedWidget>
#include <QStringList>

#include <limits>

class QJsonArray;
class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace edgedesk {

class Sparkline;
class StatusBadge;

// Every container class with its instances, one row each: state, PID, port, uptime, requests,
// last request, and CPU and memory as small charts of the last two minutes. The rows are laid
// out again only when the classes or instances change, so charts and selection survive polls.
class InstanceTree final : public QStackedWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InstanceTree)

public:
    static constexpr int kPollMs = 2000;
    static constexpr int kHistory = 60; // samples per CPU/RSS sparkline

    // The instance a row shows, with its class's limits (NaN: none).
    struct Instance
    {
        QString className;
        QString binding;
        QString id;
        QString state;
        QString instanceType;
        double memoryLimitBytes = std::numeric_limits<double>::quiet_NaN();
        double cpuLimitPercent = std::numeric_limits<double>::quiet_NaN();
        QString source() const { return binding + QLatin1Char('/') + id; }
    };
    // CPU % and RSS bytes of an instance, one sample per poll, oldest first.
    struct History
    {
        QList<double> cpu;
        QList<double> rss;
    };

    explicit InstanceTree(QWidget *parent);

    // Shows a GET /containers answer.
    void applyStatus(const QJsonObject &status);
    void showMessage(const QString &text);
    // Forgets the layout (another configuration may follow a restart).
    void forgetLayout() { m_layoutKey.clear(); }
    // The row to select once it appears ("BACKEND/instance-0").
    void setWantedSelection(const QString &source) { m_wanted = source; }
    QString wantedSelection() const { return m_wanted; }

    QTreeWidget *tree() const { return m_tree; }
    QString selectedSource() const; // empty when none
    const Instance *selectedInstance() const;
    QString instanceState(const QString &binding, const QString &id) const;
    bool selectInstance(const QString &binding, const QString &id);
    // The selected instance's samples (empty when none is selected).
    History selectedHistory() const;

Q_SIGNALS:
    void selectionChanged();
    // New samples were taken (every poll).
    void sampled();

private:
    struct Row
    {
        Instance instance;
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
    void updateRow(Row &row, const QJsonObject &instance);
    void updateClassRow(QTreeWidgetItem *item, const QJsonObject &cls, int up);

    QTreeWidget *m_tree = nullptr;
    QLabel *m_empty = nullptr;
    QHash<QString, Row> m_rows; // by "BINDING/instance"
    QStringList m_layoutKey;    // classes and instances the tree was built for
    QString m_wanted;
};

} // namespace edgedesk
