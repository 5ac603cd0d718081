#pragma once

#include "panel.h"

#include <QPointer>
#include <QTimer>

class QJsonObject;
class QLabel;
class QNetworkReply;
class QPushButton;
class QToolButton;
class QTabWidget;
class QTreeWidget;

namespace edgedesk {

class ImagesView;
class InstanceLog;
class InstanceTree;
class LogView;

// Containers: one row per class and instance with state, process figures and small CPU/RSS
// charts (InstanceTree); Start / Stop / Restart; the selected instance's log, followed live
// (InstanceLog). The Images tab lists the image cache and loads archives into it (ImagesView).
class ContainersPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContainersPanel)

public:
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

    QTreeWidget *tree() const;
    LogView *logView() const;
    QString selectedSource() const; // "BACKEND/instance-0" or empty
    QString instanceState(const QString &binding, const QString &instance) const;
    bool hasStatus() const { return m_hasStatus; }
    bool isAvailable() const { return m_available; }
    ImagesView *images() const { return m_images; }
    QTabWidget *tabs() const { return m_tabs; }
    void showImages(); // the Images tab, refreshed

private:
    void onSelectionChanged();
    void updateButtons();
    void showMessage(const QString &text, bool error);

    InstanceTree *m_instances = nullptr;
    InstanceLog *m_log = nullptr;
    QTabWidget *m_tabs = nullptr;
    ImagesView *m_images = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_restart = nullptr;
    QToolButton *m_refresh = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_updated = nullptr;

    QPointer<QNetworkReply> m_poll;
    QTimer m_pollTimer;
    bool m_hasStatus = false;
    bool m_available = true;
    bool m_actionRunning = false;
};

} // namespace edgedesk
