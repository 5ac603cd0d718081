#pragma once

#include "guifixture.h"
#include "testsupport.h"

#include <QAbstractButton>
#include <QCheckBox>
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

} // namespace edgedesk::test
