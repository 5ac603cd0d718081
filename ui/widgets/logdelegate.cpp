#include "widgets/logdelegate.h"

#include "widgets/logmodel.h"

#include <QApplication>
#include <QDateTime>
#include <QPainter>

namespace edgedesk {

LogDelegate::LogDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

QColor LogDelegate::levelColor(const QString &level, const QPalette &palette)
{
    switch (LogModel::levelRank(level)) {
    case 0:
        return palette.color(QPalette::PlaceholderText);
    case 2:
        return QColor(0xc4, 0x8a, 0x0e);
    case 3:
        return QColor(0xd6, 0x45, 0x45);
    default:
        return palette.color(QPalette::Text);
    }
}

QSize LogDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return {option.fontMetrics.horizontalAdvance(QLatin1Char('m')) * 80,
            option.fontMetrics.height() + 4};
}

void LogDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                        const QModelIndex &index) const
{
    painter->save();
    const QPalette &pal = option.palette;
    const bool selected = option.state & QStyle::State_Selected;
    if (selected)
        painter->fillRect(option.rect, pal.brush(QPalette::Highlight));
    else if (index.row() % 2 == 1)
        painter->fillRect(option.rect, pal.brush(QPalette::AlternateBase));

    const QFontMetrics &fm = option.fontMetrics;
    const int charW = fm.horizontalAdvance(QLatin1Char('0'));
    const QRect r = option.rect.adjusted(charW / 2, 0, -charW / 2, 0);
    const QColor text = pal.color(selected ? QPalette::HighlightedText : QPalette::Text);
    QColor muted = selected ? text : pal.color(QPalette::PlaceholderText);

    const QString level = index.data(LogModel::LevelRole).toString();
    const QString source = index.data(LogModel::SourceRole).toString();
    const QString category = index.data(LogModel::CategoryRole).toString();
    QString message = index.data(LogModel::MessageRole).toString();
    message.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    const QString time = QDateTime::fromMSecsSinceEpoch(index.data(LogModel::TimeRole).toLongLong())
                             .toString(QStringLiteral("HH:mm:ss.zzz"));

    int x = r.left();
    auto column = [&](const QString &s, int chars, const QColor &colour, bool bold = false) {
        QFont f = option.font;
        f.setBold(bold);
        painter->setFont(f);
        painter->setPen(colour);
        const int w = charW * chars;
        painter->drawText(QRect(x, r.top(), w, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(f).elidedText(s, Qt::ElideRight, w - charW));
        x += w;
    };
    column(time, 14, muted);
    column(level.toUpper(), 8, selected ? text : levelColor(level, pal), true);
    if (m_showSource)
        column(source, 26, muted);
    painter->setFont(option.font);

    if (!category.isEmpty() && category != QLatin1String("stdout")) {
        const QString tag = QStringLiteral("[%1] ").arg(category);
        painter->setPen(muted);
        painter->drawText(QRect(x, r.top(), r.right() - x, r.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, tag);
        x += fm.horizontalAdvance(tag);
    }

    const QRect messageRect(x, r.top(), qMax(0, r.right() - x), r.height());
    painter->setClipRect(messageRect);
    const QColor messageColour =
        LogModel::levelRank(level) >= 3 && !selected ? levelColor(level, pal) : text;
    if (!m_highlight.isEmpty()) {
        // Marks behind the text first, then the text in one run so kerning stays intact.
        QColor mark(0xff, 0xc8, 0x00, selected ? 150 : 110);
        qsizetype from = 0;
        while (true) {
            const qsizetype at = message.indexOf(m_highlight, from, Qt::CaseInsensitive);
            if (at < 0)
                break;
            const int left = fm.horizontalAdvance(message.left(at));
            if (left > messageRect.width())
                break;
            const int w = fm.horizontalAdvance(message.mid(at, m_highlight.size()));
            painter->fillRect(QRect(messageRect.left() + left, r.top() + 1, w, r.height() - 2),
                              mark);
            from = at + m_highlight.size();
        }
    }
    painter->setPen(messageColour);
    painter->drawText(messageRect, Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(message, Qt::ElideRight, messageRect.width()));
    painter->restore();
}

} // namespace edgedesk
