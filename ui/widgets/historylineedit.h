#pragma once

#include <QLineEdit>
#include <QStringList>

namespace edgedesk {

// A line edit that remembers what was entered: Up and Down walk through earlier entries like a
// shell does, and the line being typed comes back after the newest entry.
class HistoryLineEdit final : public QLineEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryLineEdit)

public:
    explicit HistoryLineEdit(QWidget *parent = nullptr);

    // Oldest first.
    QStringList history() const { return m_history; }
    void setHistory(const QStringList &history);
    // Appends an entry (unless it repeats the newest one) and resets browsing to the draft line.
    void addToHistory(const QString &entry);
    void setMaxEntries(int max);
    int maxEntries() const { return m_max; }

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void trim();

    QStringList m_history;
    int m_index = 0; // == m_history.size(): the draft line
    QString m_draft;
    int m_max = 200;
};

} // namespace edgedesk
