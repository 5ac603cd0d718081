#include "widgets/burstchart.h"

#include "widgets/themecolors.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace edgedesk {

namespace {

const QColor kFailure = ThemeColors::badgeFill(ThemeColors::Tone::Bad);

// "instance-2" before "instance-10": runs of digits compare as numbers. (QCollator's numeric
// mode needs ICU, which the C locale of CI machines lacks.)
bool naturalLess(const QString &a, const QString &b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].isDigit() && b[j].isDigit()) {
            qsizetype ie = i;
            qsizetype je = j;
            while (ie < a.size() && a[ie].isDigit())
                ++ie;
            while (je < b.size() && b[je].isDigit())
                ++je;
            const QString na = a.mid(i, ie - i);
            const QString nb = b.mid(j, je - j);
            // Compare by value without overflow: strip leading zeros, then length, then digits.
            QString sa = na;
            QString sb = nb;
            while (sa.size() > 1 && sa.startsWith(QLatin1Char('0')))
                sa.remove(0, 1);
            while (sb.size() > 1 && sb.startsWith(QLatin1Char('0')))
                sb.remove(0, 1);
            if (sa.size() != sb.size())
                return sa.size() < sb.size();
            if (sa != sb)
                return sa < sb;
            i = ie;
            j = je;
            continue;
        }
        if (a[i] != b[j])
            return a[i] < b[j];
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

} // namespace

BurstChart::BurstChart(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void BurstChart::reset(int expected)
{
    m_counts.clear();
    m_failures = 0;
    m_expected = qMax(0, expected);
    updateGeometry();
    update();
}

void BurstChart::addAnswer(const QString &instance)
{
    ++m_counts[instance.isEmpty() ? QStringLiteral("unknown") : instance];
    updateGeometry();
    update();
}

void BurstChart::addFailure()
{
    ++m_failures;
    updateGeometry();
    update();
}

int BurstChart::answered() const
{
    int n = m_failures;
    for (int c : m_counts)
        n += c;
    return n;
}

QStringList BurstChart::instances() const
{
    QStringList names = m_counts.keys();
    std::sort(names.begin(), names.end(), naturalLess);
    return names;
}

void BurstChart::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    update();
}

int BurstChart::rowHeight() const
{
    return fontMetrics().height() + 12;
}

QSize BurstChart::sizeHint() const
{
    const int rows = qMax(3, int(m_counts.size()) + (m_failures ? 1 : 0));
    return {fontMetrics().averageCharWidth() * 60, rows * rowHeight() + 8};
}

QSize BurstChart::minimumSizeHint() const
{
    return {fontMetrics().averageCharWidth() * 30, 3 * rowHeight()};
}

void BurstChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    QStringList rows = instances();
    if (m_failures)
        rows.append(QString());
    if (rows.isEmpty()) {
        QColor text = palette().color(QPalette::WindowText);
        text.setAlphaF(0.6);
        painter.setPen(text);
        painter.drawText(rect().adjusted(8, 0, -8, 0), Qt::AlignCenter | Qt::TextWordWrap,
                         m_placeholder);
        return;
    }

    int labelWidth = fm.horizontalAdvance(tr("failed"));
    for (const QString &name : std::as_const(rows))
        labelWidth = qMax(labelWidth, fm.horizontalAdvance(name));
    labelWidth = qMin(labelWidth, width() / 3);
    const int countWidth = fm.horizontalAdvance(QStringLiteral("0000 (100%)"));
    const int gap = fm.averageCharWidth() * 2;
    const int trackLeft = labelWidth + gap;
    // Bars longer than this are hard to compare by eye; the counts stay next to them.
    const int maxTrack = fm.averageCharWidth() * 48;
    const int trackWidth = qBound(10, width() - trackLeft - gap - countWidth, maxTrack);
    const int total = qMax(1, qMax(m_expected, answered()));

    // A track that shows on light and dark windows alike: the line colour, half strength.
    QColor trackColour = ThemeColors::line(palette());
    trackColour.setAlphaF(0.55);
    const QColor barColour = palette().color(QPalette::Highlight);
    int y = 4;
    for (const QString &name : std::as_const(rows)) {
        const bool failed = name.isEmpty();
        const int count = failed ? m_failures : m_counts.value(name);
        const QRect row(0, y, width(), rowHeight());
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(0, row.y(), labelWidth, row.height()),
                         Qt::AlignVCenter | Qt::AlignRight,
                         fm.elidedText(failed ? tr("failed") : name, Qt::ElideMiddle, labelWidth));
        const int barHeight = qMax(8, rowHeight() - 14);
        const QRectF track(trackLeft, row.center().y() - barHeight / 2.0, trackWidth, barHeight);
        QPainterPath trackPath;
        trackPath.addRoundedRect(track, barHeight / 2.0, barHeight / 2.0);
        painter.fillPath(trackPath, trackColour);
        if (count > 0) {
            QRectF fill = track;
            fill.setWidth(qMax(double(barHeight), track.width() * count / total));
            QPainterPath fillPath;
            fillPath.addRoundedRect(fill, barHeight / 2.0, barHeight / 2.0);
            painter.fillPath(fillPath, failed ? kFailure : barColour);
        }
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(trackLeft + trackWidth + gap, row.y(), countWidth, row.height()),
                         Qt::AlignVCenter | Qt::AlignLeft,
                         QStringLiteral("%1 (%2%)").arg(count).arg(qRound(100.0 * count / total)));
        y += rowHeight();
    }
}

} // namespace edgedesk
