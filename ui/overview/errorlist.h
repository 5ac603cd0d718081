#pragma once

#include <QGroupBox>
#include <QSet>

class QLabel;
class QStackedWidget;
class QTreeWidget;

namespace edgedesk {

// The last errors, newest first: answers with status 500 or above and error lines from the log,
// from before the window opened and live, each once.
class ErrorList final : public QGroupBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ErrorList)

public:
    static constexpr int kMaxErrors = 50;

    explicit ErrorList(QWidget *parent);

    // `key` names the event (a request id, a log sequence number): the same key is shown once.
    void add(qint64 timeMs, const QString &where, const QString &what, const QString &key);
    QTreeWidget *tree() const { return m_errors; }

private:
    QStackedWidget *m_stack = nullptr;
    QTreeWidget *m_errors = nullptr;
    QLabel *m_empty = nullptr;
    QSet<QString> m_seen;
};

} // namespace edgedesk
