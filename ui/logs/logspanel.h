#pragma once

#include "logging/logentry.h"
#include "panel.h"

#include <QList>
#include <QSet>
#include <QTimer>

class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QToolButton;

namespace edgedesk {

class LogView;
class SourcePicker;

// Logs: every source (the server and each container instance) in one live list with level and
// source filters (several sources at once), search (text or regular expression, with or without
// case) with highlight, wrapped or one-line rows, timestamps and parsed JSON on demand, follow,
// clear and export.
class LogsPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogsPanel)

public:
    LogsPanel(const PanelContext &context, QWidget *parent = nullptr);

    void activated() override;
    void serverReady() override;
    void saveState() override;

    // Writes the lines the filters let through, one per line. False with `error` set when the
    // file cannot be written.
    bool exportTo(const QString &path, QString *error = nullptr) const;
    // Asks for a file name, then exportTo().
    void exportWithDialog();
    void clearView();

    LogView *view() const { return m_view; }
    bool isLoaded() const { return m_loaded; }

private:
    void load();
    void onEntry(const LogEntry &entry);
    void flush();
    void addSources(const QStringList &sources);
    void applyFilters();
    void updateCount();

    LogView *m_view = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_level = nullptr;
    SourcePicker *m_source = nullptr;
    QToolButton *m_caseSensitive = nullptr;
    QToolButton *m_regex = nullptr;
    QToolButton *m_wrap = nullptr;
    QToolButton *m_time = nullptr;
    QToolButton *m_json = nullptr;
    QToolButton *m_follow = nullptr;
    QToolButton *m_clear = nullptr;
    QToolButton *m_export = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_message = nullptr;

    QList<LogEntry> m_pending;
    QTimer m_flushTimer;
    QSet<QString> m_sources;
    bool m_loaded = false;
    bool m_loading = false;
};

} // namespace edgedesk
