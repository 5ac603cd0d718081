#pragma once

#include <QString>
#include <QStyledItemDelegate>

namespace edgedesk {

// Paints one log line in columns (time, level in its colour, source, message) and marks every
// occurrence of the search text.
class LogDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogDelegate)

public:
    explicit LogDelegate(QObject *parent = nullptr);

    void setHighlight(const QString &text) { m_highlight = text; }
    QString highlight() const { return m_highlight; }
    // Whether the source column is drawn (a view of one instance's log leaves it out).
    void setShowSource(bool show) { m_showSource = show; }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static QColor levelColor(const QString &level, const QPalette &palette);

private:
    QString m_highlight;
    bool m_showSource = true;
};

} // namespace edgedesk
