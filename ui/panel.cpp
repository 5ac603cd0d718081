#include "panel.h"

#include <QApplication>
#include <QFile>
#include <QPainter>
#include <QPalette>
#include <QShortcut>
#include <QSvgRenderer>

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
    // The SVGs draw with a fixed mid-grey; recolour them to the palette's text colour so they
    // read on light and dark themes, rendered at 1x and 2x for crisp high-DPI output.
    QFile file(QStringLiteral(":/edgedesk/icons/%1.svg").arg(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QByteArray svg = file.readAll();
    const QColor text = QApplication::palette().color(QPalette::WindowText);
    svg.replace("#5f6b7a", text.name().toLatin1());
    QSvgRenderer renderer(svg);
    QIcon icon;
    for (int size : {16, 20, 24, 32, 40, 48, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        renderer.render(&painter);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
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
