#pragma once

#include "palette/commandcatalog.h"

#include <QDialog>

class QLineEdit;
class QTreeWidget;

namespace edgedesk {

// Ctrl+K: every command of the window (sections, menus, each section's actions, container
// restarts). Type words of its name, Enter runs it after the palette closes.
class CommandPalette final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommandPalette)

public:
    explicit CommandPalette(QList<PaletteCommand> commands, QWidget *parent = nullptr);

    QLineEdit *input() const { return m_input; }
    QTreeWidget *list() const { return m_list; }
    // The label ("Group: text") of the command Enter would run; empty when none matches.
    QString currentLabel() const;
    // Every word of `query` appears in the label (any order, any case).
    static bool matches(const QString &label, const QString &query);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refilter();
    void runCurrent();

    QList<PaletteCommand> m_commands;
    QLineEdit *m_input;
    QTreeWidget *m_list;
};

} // namespace edgedesk
