#pragma once

#include <QDialog>
#include <QList>
#include <QPair>

class QLineEdit;
class QListWidget;

namespace edgedesk {

class Panel;

// Ctrl+K: type part of a section's name, Enter jumps there.
class QuickSwitcher final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QuickSwitcher)

public:
    QuickSwitcher(const QList<Panel *> &panels, QWidget *parent = nullptr);
    QString chosenId() const { return m_chosen; }
    QLineEdit *input() const { return m_input; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refilter();
    void accept() override;

    QLineEdit *m_input;
    QListWidget *m_list;
    QString m_chosen;
};

} // namespace edgedesk
