#pragma once

// Helpers shared by the storage panel suites: a blocking HTTP call for checks made beside the
// panel (as curl would), and finding widgets by object name.
#include "apiclient.h"

#include <QAbstractButton>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTest>
#include <QTreeWidget>

#include <optional>

namespace edgedesk::test {

// Waits for the answer while the event loop runs (the server lives in another thread, the
// panel in this one).
inline ApiResponse http(ApiClient &api, const QByteArray &method, const QString &path,
                        const QByteArray &body = {}, const ApiHeaders &headers = {})
{
    std::optional<ApiResponse> out;
    QObject context;
    api.call(method, path, body, headers, &context, [&out](const ApiResponse &r) { out = r; });
    return QTest::qWaitFor([&out] { return out.has_value(); }, 15000) ? *out : ApiResponse{};
}

template <typename T> T *child(QObject *parent, const QString &name)
{
    T *w = parent->findChild<T *>(name);
    if (!w)
        qWarning("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    return w;
}

// Every text a widget tree shows or keeps: labels, fields, buttons, editors, list cells, tips.
inline QStringList allTexts(QWidget *root)
{
    QStringList out;
    QList<QWidget *> widgets = root->findChildren<QWidget *>();
    widgets.prepend(root);
    for (QWidget *w : widgets) {
        out << w->toolTip() << w->windowTitle() << w->accessibleName();
        if (auto *l = qobject_cast<QLabel *>(w))
            out << l->text();
        if (auto *e = qobject_cast<QLineEdit *>(w))
            out << e->text() << e->displayText() << e->placeholderText();
        if (auto *b = qobject_cast<QAbstractButton *>(w))
            out << b->text();
        if (auto *p = qobject_cast<QPlainTextEdit *>(w))
            out << p->toPlainText();
        if (auto *t = qobject_cast<QTreeWidget *>(w)) {
            for (int i = 0; i < t->topLevelItemCount(); ++i) {
                for (int c = 0; c < t->columnCount(); ++c)
                    out << t->topLevelItem(i)->text(c) << t->topLevelItem(i)->toolTip(c);
            }
        }
    }
    return out;
}

inline void clickItem(QTreeWidget *tree, QTreeWidgetItem *item)
{
    tree->scrollToItem(item);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::NoModifier,
                      tree->visualItemRect(item).center());
}

inline QTreeWidgetItem *findItem(QTreeWidget *tree, const QString &text, int column = 0)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(column) == text)
            return tree->topLevelItem(i);
    }
    return nullptr;
}

} // namespace edgedesk::test
