#include "palette/commandpalette.h"

#include <QCoreApplication>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

CommandPalette::CommandPalette(QList<PaletteCommand> commands, QWidget *parent)
    : QDialog(parent), m_commands(std::move(commands)), m_input(new QLineEdit(this)),
      m_list(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("commandPalette"));
    setWindowTitle(tr("Command palette"));
    resize(560, 440);
    m_input->setObjectName(QStringLiteral("commandPaletteInput"));
    m_input->setPlaceholderText(tr("Type a command or a section: send, restart, export, key…"));
    m_input->installEventFilter(this);
    m_list->setObjectName(QStringLiteral("commandPaletteList"));
    m_list->setRootIsDecorated(false);
    m_list->setColumnCount(2);
    m_list->setHeaderHidden(true);
    m_list->setUniformRowHeights(true);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->setAccessibleName(tr("Commands"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_input);
    layout->addWidget(m_list);
    for (int i = 0; i < m_commands.size(); ++i) {
        const PaletteCommand &c = m_commands[i];
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(0, c.label());
        QStringList keys;
        for (const QKeySequence &k : c.keys)
            keys.append(k.toString(QKeySequence::NativeText));
        item->setText(1, keys.join(QStringLiteral(", ")));
        item->setForeground(1, palette().brush(QPalette::PlaceholderText));
        item->setData(0, Qt::UserRole, i);
    }
    refilter();
    connect(m_input, &QLineEdit::textChanged, this, &CommandPalette::refilter);
    connect(m_input, &QLineEdit::returnPressed, this, &CommandPalette::runCurrent);
    connect(m_list, &QTreeWidget::itemActivated, this, &CommandPalette::runCurrent);
}

bool CommandPalette::matches(const QString &label, const QString &query)
{
    const QStringList words = query.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &w : words) {
        if (!label.contains(w, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

void CommandPalette::refilter()
{
    const QString query = m_input->text();
    QTreeWidgetItem *first = nullptr;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_list->topLevelItem(i);
        const bool match = matches(item->text(0), query);
        item->setHidden(!match);
        if (match && !first)
            first = item;
    }
    m_list->setCurrentItem(first);
}

QString CommandPalette::currentLabel() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    return item && !item->isHidden() ? item->text(0) : QString();
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    // Up/Down move through the list while the cursor stays in the input.
    if (watched == m_input && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape) {
            reject();
            return true;
        }
        if (key->key() == Qt::Key_Down || key->key() == Qt::Key_Up) {
            const int step = key->key() == Qt::Key_Down ? 1 : -1;
            int row = m_list->indexOfTopLevelItem(m_list->currentItem());
            for (int i = row + step; i >= 0 && i < m_list->topLevelItemCount(); i += step) {
                if (!m_list->topLevelItem(i)->isHidden()) {
                    m_list->setCurrentItem(m_list->topLevelItem(i));
                    break;
                }
            }
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void CommandPalette::runCurrent()
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item || item->isHidden())
        return;
    std::function<void()> run = m_commands[item->data(0, Qt::UserRole).toInt()].run;
    accept();
    // After the palette is gone, so the command acts on the window (focus, shortcuts, dialogs).
    if (run)
        QTimer::singleShot(0, parent() ? parent() : qApp, std::move(run));
}

} // namespace edgedesk
