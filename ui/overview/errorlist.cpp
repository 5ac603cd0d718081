#include "overview/errorlist.h"

#include "widgets/themecolors.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

ErrorList::ErrorList(QWidget *parent) : QGroupBox(tr("Last errors"), parent)
{
    setObjectName(QStringLiteral("overviewErrorsBox"));
    auto *layout = new QVBoxLayout(this);
    m_stack = new QStackedWidget(this);
    m_errors = new QTreeWidget(m_stack);
    m_errors->setObjectName(QStringLiteral("overviewErrors"));
    m_errors->setRootIsDecorated(false);
    m_errors->setColumnCount(3);
    m_errors->setHeaderLabels({tr("Time"), tr("Where"), tr("What")});
    m_errors->setAlternatingRowColors(true);
    m_errors->setUniformRowHeights(true);
    const int ch = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_errors->header()->resizeSection(0, ch * 11);
    m_errors->header()->resizeSection(1, ch * 30);
    m_errors->setMinimumHeight(fontMetrics().height() * 8);
    m_empty = new QLabel(tr("No errors so far. Requests answered with status 500 or above and "
                            "error lines from the log show up here."),
                         m_stack);
    m_empty->setObjectName(QStringLiteral("overviewErrorsEmpty"));
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_stack->addWidget(m_errors);
    m_stack->addWidget(m_empty);
    m_stack->setCurrentWidget(m_empty);
    layout->addWidget(m_stack);
}

void ErrorList::add(qint64 timeMs, const QString &where, const QString &what, const QString &key)
{
    if (m_seen.contains(key))
        return;
    // The keys only matter where the history and the live stream overlap, at the start.
    if (m_seen.size() > 5000)
        m_seen.clear();
    m_seen.insert(key);
    // Newest first; older entries (from the history) go below newer ones.
    int at = 0;
    while (at < m_errors->topLevelItemCount() &&
           m_errors->topLevelItem(at)->data(0, Qt::UserRole).toLongLong() > timeMs)
        ++at;
    if (at >= kMaxErrors)
        return;
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(timeMs);
    auto *item = new QTreeWidgetItem;
    item->setText(0, time.toString(QStringLiteral("HH:mm:ss")));
    item->setData(0, Qt::UserRole, timeMs);
    item->setToolTip(0, time.toString(Qt::ISODateWithMs));
    item->setText(1, where);
    item->setToolTip(1, where);
    QString line = what;
    line.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    item->setText(2, line);
    item->setToolTip(2, what.left(2000));
    item->setForeground(2, ThemeColors::toneText(ThemeColors::Tone::Bad,
                                                 m_errors->palette().color(QPalette::Base)));
    m_errors->insertTopLevelItem(at, item);
    while (m_errors->topLevelItemCount() > kMaxErrors)
        delete m_errors->takeTopLevelItem(m_errors->topLevelItemCount() - 1);
    m_stack->setCurrentWidget(m_errors);
}

} // namespace edgedesk
