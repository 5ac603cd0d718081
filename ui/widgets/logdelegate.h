#pragma once

#include "widgets/logsearch.h"

#include <QHash>
#include <QString>
#include <QStyledItemDelegate>

class QTextLayout;

namespace edgedesk {

// Paints one log line in columns (time, level in its colour, source, message) and marks every
// match of the search. Long messages wrap under the message column instead of being cut off;
// JSON messages can be shown parsed (indented, one member a line).
class LogDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogDelegate)

public:
    explicit LogDelegate(QObject *parent = nullptr);

    void setSearch(const LogSearch &search) { m_search = search; }
    const LogSearch &search() const { return m_search; }
    // Plain-text search, case-insensitive.
    void setHighlight(const QString &text) { m_search = LogSearch(text, false, false); }
    QString highlight() const { return m_search.text(); }
    // Whether the source column is drawn (a view of one instance's log leaves it out).
    void setShowSource(bool show);
    void setShowTime(bool show);
    bool showTime() const { return m_showTime; }
    // Long lines wrap (rows grow) or stay one line, cut at the right edge.
    void setWrap(bool wrap);
    bool wrap() const { return m_wrap; }
    void setParseJson(bool parse);
    bool parseJson() const { return m_parseJson; }
    // The width rows are laid out for (the view's viewport).
    void setWidth(int width);

    // The message as it is shown: with parsing on, a JSON object or array indented over
    // several lines; otherwise as written.
    QString displayedMessage(const QString &message) const;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static QColor levelColor(const QString &level, const QPalette &palette);
    // Pretty-printed JSON when `message` is a JSON object or array, else an empty string.
    static QString parsedJson(const QString &message);

private:
    // Where the message column starts, from the left of the row.
    int messageOffset(const QFontMetrics &fm) const;
    // Lays out `text` in `width`; returns the height used.
    static qreal layoutText(QTextLayout &layout, qreal width);

    LogSearch m_search;
    bool m_showSource = true;
    bool m_showTime = true;
    bool m_wrap = true;
    bool m_parseJson = false;
    int m_width = 0;
    mutable QHash<quint64, int> m_heights; // row height by line seq, for the current settings
};

} // namespace edgedesk
