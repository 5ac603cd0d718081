#include "widgets/logdelegate.h"

#include "widgets/logmodel.h"
#include "widgets/themecolors.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QPainter>
#include <QTextLayout>

#include <cmath>

namespace edgedesk {

namespace {

constexpr int kTimeChars = 14;
constexpr int kLevelChars = 8;
constexpr int kSourceChars = 26;
constexpr int kRowPadding = 4;

QString categoryTag(const QString &category)
{
    if (category.isEmpty() || category == QLatin1String("stdout"))
        return {};
    return QStringLiteral("[%1] ").arg(category);
}

} // namespace

LogDelegate::LogDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

void LogDelegate::setShowSource(bool show)
{
    m_showSource = show;
    m_heights.clear();
}

void LogDelegate::setShowTime(bool show)
{
    m_showTime = show;
    m_heights.clear();
}

void LogDelegate::setWrap(bool wrap)
{
    m_wrap = wrap;
    m_heights.clear();
}

void LogDelegate::setParseJson(bool parse)
{
    m_parseJson = parse;
    m_heights.clear();
}

void LogDelegate::setWidth(int width)
{
    if (width == m_width)
        return;
    m_width = width;
    m_heights.clear();
}

QColor LogDelegate::levelColor(const QString &level, const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    switch (LogModel::levelRank(level)) {
    case 0:
        return palette.color(QPalette::PlaceholderText);
    case 2:
        return ThemeColors::toneText(ThemeColors::Tone::Warning, base);
    case 3:
        return ThemeColors::toneText(ThemeColors::Tone::Bad, base);
    default:
        return palette.color(QPalette::Text);
    }
}

QString LogDelegate::parsedJson(const QString &message)
{
    const QString trimmed = message.trimmed();
    if (trimmed.size() < 2 || !(trimmed.startsWith(QLatin1Char('{')) ||
                                trimmed.startsWith(QLatin1Char('['))))
        return {};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || doc.isNull())
        return {};
    QString text = QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
    return text;
}

QString LogDelegate::displayedMessage(const QString &message) const
{
    if (m_parseJson) {
        const QString parsed = parsedJson(message);
        if (!parsed.isEmpty())
            return parsed;
    }
    return message;
}

int LogDelegate::messageOffset(const QFontMetrics &fm) const
{
    const int charW = fm.horizontalAdvance(QLatin1Char('0'));
    int chars = kLevelChars;
    if (m_showTime)
        chars += kTimeChars;
    if (m_showSource)
        chars += kSourceChars;
    return charW / 2 + charW * chars;
}

qreal LogDelegate::layoutText(QTextLayout &layout, qreal width)
{
    QTextOption option(Qt::AlignLeft);
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.setCacheEnabled(true);
    layout.beginLayout();
    qreal height = 0;
    while (true) {
        QTextLine line = layout.createLine();
        if (!line.isValid())
            break;
        line.setLineWidth(width);
        line.setPosition(QPointF(0, height));
        height += line.height();
    }
    layout.endLayout();
    return height;
}

QSize LogDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QFontMetrics &fm = option.fontMetrics;
    const int oneLine = fm.height() + kRowPadding;
    const int width = m_width > 0 ? m_width : fm.horizontalAdvance(QLatin1Char('m')) * 120;
    if (!m_wrap || !index.isValid())
        return {width, oneLine};
    const quint64 seq = index.data(LogModel::SeqRole).toULongLong();
    if (const auto it = m_heights.constFind(seq); it != m_heights.cend() && seq != 0)
        return {width, *it};

    const int charW = fm.horizontalAdvance(QLatin1Char('0'));
    const QString message =
        categoryTag(index.data(LogModel::CategoryRole).toString()) +
        displayedMessage(index.data(LogModel::MessageRole).toString());
    const int available = qMax(charW * 10, width - messageOffset(fm) - charW / 2);
    int height = oneLine;
    // Most lines fit on one line: say so without laying them out.
    const bool multiline = message.contains(QLatin1Char('\n'));
    if (multiline ||
        (message.size() * charW > available / 2 && fm.horizontalAdvance(message) > available)) {
        QString text = message;
        text.replace(QLatin1Char('\n'), QChar::LineSeparator);
        QTextLayout layout(text, option.font);
        height = qMax(oneLine, int(std::ceil(layoutText(layout, available))) + kRowPadding);
    }
    if (seq != 0) {
        if (m_heights.size() > 50000)
            m_heights.clear();
        m_heights.insert(seq, height);
    }
    return {width, height};
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
    const QRect r = option.rect.adjusted(charW / 2, kRowPadding / 2, -charW / 2, 0);
    const int lineH = fm.height();
    const QColor text = pal.color(selected ? QPalette::HighlightedText : QPalette::Text);
    const QColor muted = selected ? text : pal.color(QPalette::PlaceholderText);

    const QString level = index.data(LogModel::LevelRole).toString();
    const QString source = index.data(LogModel::SourceRole).toString();
    const QString tag = categoryTag(index.data(LogModel::CategoryRole).toString());
    QString message = displayedMessage(index.data(LogModel::MessageRole).toString());

    int x = r.left();
    auto column = [&](const QString &s, int chars, const QColor &colour, bool bold = false) {
        QFont f = option.font;
        f.setBold(bold);
        painter->setFont(f);
        painter->setPen(colour);
        const int w = charW * chars;
        painter->drawText(QRect(x, r.top(), w, lineH), Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(f).elidedText(s, Qt::ElideRight, w - charW));
        x += w;
    };
    if (m_showTime) {
        const QString time =
            QDateTime::fromMSecsSinceEpoch(index.data(LogModel::TimeRole).toLongLong())
                .toString(QStringLiteral("HH:mm:ss.zzz"));
        column(time, kTimeChars, muted);
    }
    column(level.toUpper(), kLevelChars, selected ? text : levelColor(level, pal), true);
    if (m_showSource)
        column(source, kSourceChars, muted);
    painter->setFont(option.font);

    const QRect messageRect(x, r.top(), qMax(0, r.right() - x), option.rect.bottom() - r.top());
    painter->setClipRect(messageRect);
    const QColor messageColour =
        LogModel::levelRank(level) >= 3 && !selected ? levelColor(level, pal) : text;

    // The category tag and the message in one layout, so wrapped lines start under the tag.
    QString full = tag + message;
    if (!m_wrap)
        full.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    else
        full.replace(QLatin1Char('\n'), QChar::LineSeparator);
    QList<QTextLayout::FormatRange> formats;
    if (!tag.isEmpty()) {
        QTextLayout::FormatRange range;
        range.start = 0;
        range.length = int(tag.size());
        range.format.setForeground(muted);
        formats.append(range);
    }
    QColor mark(0xff, 0xc8, 0x00, selected ? 150 : 110);
    for (const LogSearch::Range &found : m_search.ranges(message)) {
        QTextLayout::FormatRange range;
        range.start = int(tag.size() + found.start);
        range.length = int(found.length);
        range.format.setBackground(mark);
        formats.append(range);
    }
    if (!m_wrap) {
        // One line, cut at the edge with an ellipsis; the highlight marks stay where they are.
        const QString shown = fm.elidedText(full, Qt::ElideRight, messageRect.width());
        full = shown;
    }
    QTextLayout layout(full, option.font);
    layout.setFormats(formats);
    if (m_wrap) {
        layoutText(layout, messageRect.width());
    } else {
        QTextOption one(Qt::AlignLeft);
        one.setWrapMode(QTextOption::NoWrap);
        layout.setTextOption(one);
        layout.beginLayout();
        QTextLine line = layout.createLine();
        if (line.isValid())
            line.setPosition(QPointF(0, 0));
        layout.endLayout();
    }
    painter->setPen(messageColour);
    layout.draw(painter, QPointF(messageRect.left(), messageRect.top()));
    painter->restore();
}

} // namespace edgedesk
