#pragma once

#include "palette/commandcatalog.h"

#include <QDialog>

class QTreeWidget;

namespace edgedesk {

// Help → Keyboard shortcuts: every command that has keys, by group, built from the same
// registered commands as the palette.
class ShortcutSheet final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ShortcutSheet)

public:
    explicit ShortcutSheet(const QList<PaletteCommand> &commands, QWidget *parent = nullptr);
    QTreeWidget *tree() const { return m_tree; }

private:
    QTreeWidget *m_tree;
};

} // namespace edgedesk
