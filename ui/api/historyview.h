#pragma once

#include "api/requesthistory.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace edgedesk {

// The API section's request history: newest first, searchable. A click opens a request in the
// builder; "Send again" and "Copy as curl" act on the selected one (also from its context menu).
class HistoryView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryView)

public:
    explicit HistoryView(QWidget *parent = nullptr);

    // Shows `history` (kept by the caller) under the current search.
    void setHistory(const RequestHistory *history);
    void refresh();
    void setSearch(const QString &text);
    // The entry of the selected row, or null.
    const RequestHistory::Entry *selectedEntry() const;
    QTreeWidget *list() const { return m_list; }
    int visibleCount() const;

Q_SIGNALS:
    void openRequested(const edgedesk::RequestHistory::Entry &entry);
    void sendAgainRequested(const edgedesk::RequestHistory::Entry &entry);
    void copyCurlRequested(const edgedesk::RequestHistory::Entry &entry);

private:
    void applySearch();
    void updateButtons();
    void showMenu(const QPoint &pos);

    const RequestHistory *m_history = nullptr;
    QLineEdit *m_search = nullptr;
    QTreeWidget *m_list = nullptr;
    QPushButton *m_sendAgain = nullptr;
    QPushButton *m_copy = nullptr;
    QLabel *m_empty = nullptr;
};

} // namespace edgedesk
