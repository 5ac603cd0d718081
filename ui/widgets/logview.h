#pragma once

#include "logging/logentry.h"
#include "widgets/logsearch.h"

#include <QListView>

namespace edgedesk {

class LogDelegate;
class LogFilterModel;
class LogModel;

// A fast log list (model/view, a ring of lines) with filters, search highlight and "follow":
// stay at the newest line while it is on; scrolling up turns it off. Long lines wrap by default;
// timestamps and parsed JSON can be toggled.
class LogView final : public QListView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogView)

public:
    explicit LogView(QWidget *parent = nullptr);

    LogModel *logModel() const { return m_model; }
    LogFilterModel *filterModel() const { return m_filter; }
    LogDelegate *logDelegate() const { return m_delegate; }

    void append(const QList<LogEntry> &entries);
    void clear();
    void setSearch(const QString &text); // plain text: filters and highlights
    void setSearch(const LogSearch &search);
    void setFollow(bool on);
    bool follow() const { return m_follow; }
    void setWrap(bool on);
    bool wrap() const;
    void setShowTime(bool on);
    bool showTime() const;
    void setParseJson(bool on);
    bool parseJson() const;
    // The lines the filters let through, as text (what "Export" writes).
    QStringList visibleLines() const;

Q_SIGNALS:
    void followChanged(bool on);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void scrollToNewest();
    void relayout();

    LogModel *m_model;
    LogFilterModel *m_filter;
    LogDelegate *m_delegate;
    bool m_follow = true;
};

} // namespace edgedesk
