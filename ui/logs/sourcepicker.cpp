#include "logs/sourcepicker.h"

#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>

namespace edgedesk {

namespace {

// A menu that stays open while check boxes in it are ticked, so several sources can be chosen
// in one visit.
class StayOpenMenu final : public QMenu
{
public:
    using QMenu::QMenu;

protected:
    void mouseReleaseEvent(QMouseEvent *event) override
    {
        QAction *action = actionAt(event->position().toPoint());
        if (action && action->isCheckable() && action->isEnabled()) {
            action->trigger();
            return;
        }
        QMenu::mouseReleaseEvent(event);
    }
    void keyPressEvent(QKeyEvent *event) override
    {
        QAction *action = activeAction();
        if (action && action->isCheckable() && action->isEnabled() &&
            (event->key() == Qt::Key_Space || event->key() == Qt::Key_Return ||
             event->key() == Qt::Key_Enter)) {
            action->trigger();
            return;
        }
        QMenu::keyPressEvent(event);
    }
};

} // namespace

SourcePicker::SourcePicker(QWidget *parent) : QToolButton(parent), m_menu(new StayOpenMenu(this))
{
    setPopupMode(QToolButton::InstantPopup);
    setMenu(m_menu);
    setToolTip(tr("Which sources to show: the server, one or several container instances"));
    setAccessibleName(tr("Sources"));
    rebuild();
}

void SourcePicker::setSources(const QStringList &sources)
{
    if (sources == m_sources)
        return;
    m_sources = sources;
    rebuild();
}

void SourcePicker::setChosen(const QSet<QString> &chosen)
{
    const bool changed = chosen != m_chosen;
    m_chosen = chosen;
    // Only the marks change (the action being triggered may be the caller), and they are set
    // even when the choice is the same: a click toggled the clicked one already.
    m_all->setChecked(m_chosen.isEmpty());
    for (QAction *action : m_menu->actions()) {
        if (action != m_all && action->isCheckable())
            action->setChecked(m_chosen.contains(action->data().toString()));
    }
    updateText();
    if (changed)
        Q_EMIT chosenChanged(m_chosen);
}

QAction *SourcePicker::actionFor(const QString &source) const
{
    for (QAction *action : m_menu->actions()) {
        if (action != m_all && action->data().toString() == source && action->isCheckable())
            return action;
    }
    return nullptr;
}

void SourcePicker::rebuild()
{
    m_menu->clear();
    m_all = m_menu->addAction(tr("All sources"));
    m_all->setCheckable(true);
    m_all->setChecked(m_chosen.isEmpty());
    connect(m_all, &QAction::triggered, this, [this] { setChosen({}); });
    m_menu->addSeparator();
    for (const QString &source : std::as_const(m_sources)) {
        QAction *action = m_menu->addAction(source);
        action->setData(source);
        action->setCheckable(true);
        action->setChecked(m_chosen.contains(source));
        connect(action, &QAction::triggered, this, [this, source](bool on) {
            QSet<QString> chosen = m_chosen;
            if (on)
                chosen.insert(source);
            else
                chosen.remove(source);
            setChosen(chosen);
        });
    }
    updateText();
}

void SourcePicker::updateText()
{
    if (m_chosen.isEmpty())
        setText(tr("All sources"));
    else if (m_chosen.size() == 1)
        setText(*m_chosen.cbegin());
    else
        setText(tr("%1 sources").arg(m_chosen.size()));
}

} // namespace edgedesk
