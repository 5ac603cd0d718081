#pragma once

#include "guifixture.h"
#include "testsupport.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QString>
#include <QTest>
#include <QWidget>

namespace edgedesk::test {

// A child widget by objectName; fails the calling test when it is missing.
template <typename T> T *child(const QObject *parent, const char *name)
{
    T *found = parent->findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qWarning("no %s named %s", T::staticMetaObject.className(), name);
    return found;
}

// GET from the fixture's server over a real socket, as curl would.
inline HttpReply httpGet(GuiFixture &gui, const QByteArray &target)
{
    return request(gui.port(), "GET", target);
}

// Clicks a button as a user would: in the middle, or on the box of a check box (which may
// stretch far past its text).
inline void click(QAbstractButton *button)
{
    const QPoint at = qobject_cast<QCheckBox *>(button)
                          ? QPoint(button->height() / 2, button->height() / 2)
                          : button->rect().center();
    QTest::mouseClick(button, Qt::LeftButton, {}, at);
}

// Replaces the text of a line edit the way a user does: select all, type.
inline void typeInto(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

// Fills the API section's request builder: method, path (typed), headers and body.
inline void setApiRequest(QWidget *apiPanel, const QString &method, const QString &path,
                          const QString &headers = {}, const QString &body = {})
{
    child<QComboBox>(apiPanel, "apiMethod")->setCurrentText(method);
    typeInto(child<QLineEdit>(apiPanel, "apiPath"), path);
    child<QPlainTextEdit>(apiPanel, "apiHeadersEdit")->setPlainText(headers);
    child<QPlainTextEdit>(apiPanel, "apiBodyEdit")->setPlainText(body);
}

} // namespace edgedesk::test
