#pragma once

#include <QSet>
#include <QStringList>
#include <QToolButton>

class QMenu;

namespace edgedesk {

// The Logs source filter: a button whose menu lists every source with a check box, so several
// can be shown at once ("server" and two instances). None checked means every source.
class SourcePicker final : public QToolButton
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SourcePicker)

public:
    explicit SourcePicker(QWidget *parent = nullptr);

    // The sources to offer, in order ("server" first, then instances by name).
    void setSources(const QStringList &sources);
    QStringList sources() const { return m_sources; }
    // Which are shown; sources not offered yet are kept and checked once they appear.
    void setChosen(const QSet<QString> &chosen);
    QSet<QString> chosen() const { return m_chosen; }
    // The menu's entry for `source` (tests tick it as a user would).
    QAction *actionFor(const QString &source) const;
    QAction *allAction() const { return m_all; }

Q_SIGNALS:
    void chosenChanged(const QSet<QString> &chosen);

private:
    void rebuild();
    void updateText();

    QMenu *m_menu;
    QAction *m_all = nullptr;
    QStringList m_sources;
    QSet<QString> m_chosen;
};

} // namespace edgedesk
