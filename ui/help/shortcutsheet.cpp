#include "help/shortcutsheet.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

ShortcutSheet::ShortcutSheet(const QList<PaletteCommand> &commands, QWidget *parent)
    : QDialog(parent), m_tree(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("shortcutSheet"));
    setWindowTitle(tr("Keyboard shortcuts"));
    resize(620, 640);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        tr("Section shortcuts work while that section is shown. Ctrl+K runs any of these, and "
           "more, by name."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_tree->setObjectName(QStringLiteral("shortcutSheetList"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Keys"), tr("Action")});
    m_tree->setRootIsDecorated(false);
    m_tree->setItemsExpandable(false);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    QHash<QString, QTreeWidgetItem *> groups;
    for (const PaletteCommand &c : commands) {
        if (c.keys.isEmpty())
            continue;
        QTreeWidgetItem *&group = groups[c.group];
        if (!group) {
            group = new QTreeWidgetItem(m_tree);
            group->setText(0, c.group);
            group->setFirstColumnSpanned(true);
            QFont bold = group->font(0);
            bold.setWeight(QFont::DemiBold);
            group->setFont(0, bold);
            group->setFlags(Qt::ItemIsEnabled);
        }
        QStringList keys;
        for (const QKeySequence &k : c.keys)
            keys.append(k.toString(QKeySequence::NativeText));
        auto *item = new QTreeWidgetItem(group);
        item->setText(0, keys.join(QStringLiteral(", ")));
        item->setText(1, c.text);
    }
    m_tree->expandAll();
    layout->addWidget(m_tree, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace edgedesk
