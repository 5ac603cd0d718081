#include "quickswitcher.h"

#include "panel.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace edgedesk {

QuickSwitcher::QuickSwitcher(const QList<Panel *> &panels, QWidget *parent)
    : QDialog(parent), m_input(new QLineEdit(this)), m_list(new QListWidget(this))
{
    setWindowTitle(tr("Go to section"));
    setModal(true);
    resize(360, 380);
    m_input->setPlaceholderText(tr("Type a section name…"));
    m_input->installEventFilter(this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_input);
    layout->addWidget(m_list);
    for (Panel *p : panels) {
        auto *item = new QListWidgetItem(p->icon(), p->title(), m_list);
        item->setData(Qt::UserRole, p->id());
    }
    m_list->setCurrentRow(0);
    connect(m_input, &QLineEdit::textChanged, this, &QuickSwitcher::refilter);
    connect(m_input, &QLineEdit::returnPressed, this, &QuickSwitcher::accept);
    connect(m_list, &QListWidget::itemActivated, this, &QuickSwitcher::accept);
}

void QuickSwitcher::refilter()
{
    const QString needle = m_input->text().trimmed();
    int first = -1;
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        const bool match = needle.isEmpty() || item->text().contains(needle, Qt::CaseInsensitive);
        item->setHidden(!match);
        if (match && first < 0)
            first = i;
    }
    m_list->setCurrentRow(first);
}

bool QuickSwitcher::eventFilter(QObject *watched, QEvent *event)
{
    // Up/Down move through the list while the cursor stays in the input.
    if (watched == m_input && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Down || key->key() == Qt::Key_Up) {
            int row = m_list->currentRow();
            const int step = key->key() == Qt::Key_Down ? 1 : -1;
            for (int i = row + step; i >= 0 && i < m_list->count(); i += step) {
                if (!m_list->item(i)->isHidden()) {
                    m_list->setCurrentRow(i);
                    break;
                }
            }
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void QuickSwitcher::accept()
{
    if (QListWidgetItem *item = m_list->currentItem(); item && !item->isHidden())
        m_chosen = item->data(Qt::UserRole).toString();
    QDialog::accept();
}

} // namespace edgedesk
