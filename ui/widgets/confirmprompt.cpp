#include "widgets/confirmprompt.h"

#include <QMessageBox>
#include <QPushButton>

namespace edgedesk {

bool ConfirmPrompt::ask(QWidget *parent, const QString &title, const QString &text,
                        const QString &action) const
{
    if (m_handler)
        return m_handler(title, text);
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::NoButton, parent);
    box.setObjectName(QStringLiteral("confirmPrompt"));
    QPushButton *accept = box.addButton(action, QMessageBox::DestructiveRole);
    accept->setObjectName(QStringLiteral("confirmAccept"));
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(cancel);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == accept;
}

} // namespace edgedesk
