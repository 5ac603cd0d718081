#include "widgets/historylineedit.h"

#include <QKeyEvent>

namespace edgedesk {

HistoryLineEdit::HistoryLineEdit(QWidget *parent) : QLineEdit(parent) {}

void HistoryLineEdit::setHistory(const QStringList &history)
{
    m_history.clear();
    for (const QString &entry : history) {
        if (!entry.trimmed().isEmpty())
            m_history.append(entry);
    }
    trim();
    m_index = int(m_history.size());
    m_draft.clear();
}

void HistoryLineEdit::addToHistory(const QString &entry)
{
    if (!entry.trimmed().isEmpty() && (m_history.isEmpty() || m_history.last() != entry))
        m_history.append(entry);
    trim();
    m_index = int(m_history.size());
    m_draft.clear();
}

void HistoryLineEdit::setMaxEntries(int max)
{
    m_max = qMax(1, max);
    trim();
    m_index = int(m_history.size());
}

void HistoryLineEdit::trim()
{
    if (m_history.size() > m_max)
        m_history.erase(m_history.begin(), m_history.begin() + (m_history.size() - m_max));
}

void HistoryLineEdit::keyPressEvent(QKeyEvent *event)
{
    if (event->modifiers() == Qt::NoModifier || event->modifiers() == Qt::KeypadModifier) {
        if (event->key() == Qt::Key_Up) {
            if (m_index > 0) {
                if (m_index == m_history.size())
                    m_draft = text();
                --m_index;
                setText(m_history.at(m_index));
            }
            event->accept();
            return;
        }
        if (event->key() == Qt::Key_Down) {
            if (m_index < m_history.size()) {
                ++m_index;
                setText(m_index == m_history.size() ? m_draft : m_history.at(m_index));
            }
            event->accept();
            return;
        }
    }
    QLineEdit::keyPressEvent(event);
}

} // namespace edgedesk
