#include "panel.h"

#include "widgets/themediconengine.h"

#include <QFile>
#include <QShortcut>

namespace edgedesk {

Panel::Panel(QString id, QString title, QString iconName, const PanelContext &context,
             QWidget *parent)
    : QWidget(parent), m_id(std::move(id)), m_title(std::move(title)),
      m_iconName(std::move(iconName)), m_context(context)
{}

QIcon Panel::icon() const
{
    return themedIcon(m_iconName);
}

QIcon Panel::themedIcon(const QString &name)
{
    // The SVGs draw with a fixed mid-grey; the engine paints them in the palette's colours at
    // paint time, so they read on light and dark themes and follow a theme switch.
    QFile file(QStringLiteral(":/edgedesk/icons/%1.svg").arg(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QIcon(new ThemedIconEngine(file.readAll(), QByteArrayLiteral("#5f6b7a")));
}

void Panel::addShortcut(const QKeySequence &keys, std::function<void()> action, QWidget *onlyIn)
{
    addShortcut(QString(), keys, std::move(action), onlyIn);
}

void Panel::addShortcut(const QString &description, const QKeySequence &keys,
                        std::function<void()> action, QWidget *onlyIn)
{
    auto *shortcut = new QShortcut(keys, onlyIn ? onlyIn : this);
    shortcut->setContext(onlyIn ? Qt::WidgetShortcut : Qt::WidgetWithChildrenShortcut);
    shortcut->setWhatsThis(description);
    connect(shortcut, &QShortcut::activated, this, std::move(action));
}

void Panel::addRunShortcuts(std::function<void()> run, std::function<void()> stop,
                            const QString &runText, const QString &stopText)
{
    addShortcut(runText, QKeySequence(Qt::CTRL | Qt::Key_Return), run);
    addShortcut(runText, QKeySequence(Qt::CTRL | Qt::Key_Enter), std::move(run));
    addShortcut(stopText, QKeySequence(Qt::Key_Escape), std::move(stop));
}

} // namespace edgedesk
