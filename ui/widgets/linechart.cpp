#include "widgets/linechart.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace edgedesk {

namespace {

// How far above the largest value a limit may be and still set the scale.
constexpr double kLimitReach = 4.0;

} // namespace

LineChart::LineChart(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void LineChart::setTitle(const QString &title)
{
    m_title = title;
    update();
}

void LineChart::setUnit(const QString &unit)
{
    m_unit = unit;
    update();
}

void LineChart::setSeries(const QList<Series> &series)
{
    m_series = series;
    update();
}

void LineChart::setLimit(double value, const QString &label)
{
    m_limit = value;
    m_limitLabel = label;
    update();
}

void LineChart::setSampleSeconds(int seconds)
{
    m_sampleSeconds = qMax(1, seconds);
    update();
}

void LineChart::setFilled(bool filled)
{
    m_filled = filled;
    update();
}

void LineChart::setEmptyText(const QString &text)
{
    m_emptyText = text;
    update();
}

bool LineChart::isEmpty() const
{
    for (const Series &s : m_series) {
        for (double v : s.values) {
            if (std::isfinite(v) && v > 0)
                return false;
        }
    }
    return true;
}

double LineChart::niceCeiling(double value, double minimum)
{
    value = std::max(value, minimum);
    if (!std::isfinite(value) || value <= 0)
        return 1.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (m * magnitude >= value * (1 - 1e-9))
            return m * magnitude;
    }
    return 10 * magnitude;
}

QString LineChart::formatValue(double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("–");
    if (std::abs(value) >= 10000)
        return QString::number(value / 1000.0, 'f', 0) + QLatin1Char('k');
    if (std::abs(value) >= 1000)
        return QString::number(value / 1000.0, 'f', 1) + QLatin1Char('k');
    if (value == std::floor(value))
        return QString::number(qint64(value));
    if (std::abs(value) >= 10)
        return QString::number(value, 'f', 0);
    if (std::abs(value) >= 1)
        return QString::number(value, 'f', 1);
    return QString::number(value, 'f', 2);
}

double LineChart::axisMaximum() const
{
    double top = 0;
    for (const Series &s : m_series) {
        for (double v : s.values) {
            if (std::isfinite(v))
                top = std::max(top, v);
        }
    }
    // A limit far above the values would flatten them into the axis: it is drawn only when it
    // is within a few times the largest value, and noted at the top otherwise.
    if (std::isfinite(m_limit) && (top <= 0 || m_limit <= top * kLimitReach))
        top = std::max(top, m_limit);
    // Four grid steps of a round size.
    return 4 * niceCeiling(top / 4.0, 0.25);
}

QSize LineChart::sizeHint() const
{
    const int h = fontMetrics().height();
    return {h * 30, h * 12};
}

QSize LineChart::minimumSizeHint() const
{
    const int h = fontMetrics().height();
    return {h * 14, h * 7};
}

void LineChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    const int lineH = fm.height();
    const QColor text = palette().color(QPalette::Text);
    QColor muted = palette().color(QPalette::PlaceholderText);
    if (!muted.isValid() || muted == text)
        muted = palette().color(QPalette::Mid);

    p.fillRect(rect(), palette().color(QPalette::Base));
    QColor frame = palette().color(QPalette::Mid);
    frame.setAlphaF(0.5);
    p.setPen(frame);
    p.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));

    // Title on the left, legend on the right of the same line.
    const int pad = lineH / 2;
    QFont titleFont = font();
    titleFont.setWeight(QFont::DemiBold);
    p.setFont(titleFont);
    p.setPen(text);
    const QRect titleRect(pad, pad / 2, width() - 2 * pad, lineH + pad / 2);
    p.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, m_title);
    const int titleWidth = QFontMetrics(titleFont).horizontalAdvance(m_title);
    p.setFont(font());

    // The legend goes right of the title, or on its own line below when both do not fit.
    struct LegendItem
    {
        QString label;
        QColor color;
        int width;
    };
    const int swatch = lineH / 2;
    QList<LegendItem> legend;
    int legendWidth = 0;
    for (const Series &s : m_series) {
        double last = std::nan("");
        for (auto it = s.values.crbegin(); it != s.values.crend(); ++it) {
            if (std::isfinite(*it)) {
                last = *it;
                break;
            }
        }
        QString label = QStringLiteral("%1 %2").arg(s.name, formatValue(last));
        if (std::isfinite(last) && !m_unit.isEmpty() && !m_unit.contains(QLatin1Char('/')))
            label += QLatin1Char(' ') + m_unit;
        const int w = swatch + 4 + fm.horizontalAdvance(label);
        legend.append({label, s.color, w});
        legendWidth += w + (legendWidth > 0 ? lineH : 0);
    }
    const bool ownLine = pad + titleWidth + 2 * lineH + legendWidth > titleRect.right();
    QRect legendRect = titleRect;
    if (ownLine)
        legendRect.translate(0, titleRect.height());
    int x = ownLine ? legendRect.left() : legendRect.right() - legendWidth;
    for (const LegendItem &item : std::as_const(legend)) {
        p.fillRect(QRect(x, legendRect.center().y() - swatch / 2, swatch, swatch), item.color);
        p.setPen(text);
        p.drawText(QRect(x + swatch + 4, legendRect.top(), item.width, legendRect.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, item.label);
        x += item.width + lineH;
    }

    const double top = axisMaximum();
    const QString topLabel =
        formatValue(top) + (m_unit.isEmpty() ? QString() : QLatin1Char(' ') + m_unit);
    const int axisW = fm.horizontalAdvance(topLabel) + pad;
    QRectF plot(pad + axisW, (ownLine ? legendRect : titleRect).bottom() + pad, 0, 0);
    plot.setRight(width() - pad);
    plot.setBottom(height() - pad - lineH);
    if (plot.width() < 20 || plot.height() < 20)
        return;

    QColor grid = palette().color(QPalette::Mid);
    grid.setAlphaF(0.35);
    for (int i = 0; i <= 4; ++i) {
        const double y = plot.bottom() - plot.height() * i / 4.0;
        p.setPen(QPen(grid, 1, i == 0 ? Qt::SolidLine : Qt::DotLine));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        if (i % 2 == 0) {
            QString label = formatValue(top * i / 4.0);
            if (i == 4 && !m_unit.isEmpty())
                label += QLatin1Char(' ') + m_unit;
            p.setPen(muted);
            p.drawText(QRectF(pad / 2.0, y - lineH / 2.0, axisW - pad / 2.0, lineH),
                       Qt::AlignRight | Qt::AlignVCenter, label);
        }
    }

    int slots = 0;
    for (const Series &s : m_series)
        slots = std::max<int>(slots, int(s.values.size()));
    if (slots >= 2) {
        // Time labels every minute (or every 15 s for short spans), "now" at the right edge.
        const int spanSeconds = slots * m_sampleSeconds;
        const int stepSeconds = spanSeconds > 150 ? 60 : (spanSeconds > 40 ? 15 : 5);
        const int step = std::max(1, stepSeconds / m_sampleSeconds);
        p.setPen(muted);
        for (int slot = 0; slot < slots; slot += step) {
            const int ago = slot * m_sampleSeconds;
            const double x = plot.right() - plot.width() * slot / double(slots - 1);
            const QString label = ago == 0 ? tr("now")
                                           : (ago % 60 == 0 ? QStringLiteral("-%1m").arg(ago / 60)
                                                            : QStringLiteral("-%1s").arg(ago));
            const int w = fm.horizontalAdvance(label);
            const double left = std::clamp(x - w / 2.0, plot.left(), plot.right() - w);
            p.drawText(QRectF(left, plot.bottom() + 2, w, lineH), Qt::AlignCenter, label);
        }
    }

    p.save();
    p.setClipRect(plot.adjusted(-2, -2, 2, 2));
    for (const Series &s : m_series) {
        const int n = int(s.values.size());
        if (n == 0)
            continue;
        const double stepX = slots > 1 ? plot.width() / double(slots - 1) : 0;
        const double x0 = plot.right() - stepX * (n - 1);
        QPainterPath path;
        bool drawing = false;
        p.setPen(Qt::NoPen);
        p.setBrush(s.color);
        for (int i = 0; i < n; ++i) {
            const double v = s.values[i];
            if (!std::isfinite(v)) {
                drawing = false;
                continue;
            }
            const QPointF pt(x0 + stepX * i,
                             plot.bottom() - std::max(0.0, v) / top * plot.height());
            const bool isolated = (i == 0 || !std::isfinite(s.values[i - 1])) &&
                                  (i == n - 1 || !std::isfinite(s.values[i + 1]));
            if (isolated)
                p.drawEllipse(pt, 1.8, 1.8);
            if (drawing)
                path.lineTo(pt);
            else
                path.moveTo(pt);
            drawing = true;
        }
        if (m_filled && n >= 2 && !path.isEmpty()) {
            // Under the line down to the axis; gaps are not filled across.
            QPainterPath area = path;
            area.lineTo(QPointF(area.currentPosition().x(), plot.bottom()));
            area.lineTo(QPointF(path.elementAt(0).x, plot.bottom()));
            area.closeSubpath();
            QColor fill = s.color;
            fill.setAlphaF(0.22);
            p.fillPath(area, fill);
        }
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(s.color, 1.6));
        p.drawPath(path);
    }
    if (std::isfinite(m_limit) && m_limit > 0) {
        const bool onScale = m_limit <= top * (1 + 1e-9);
        const double y = onScale ? plot.bottom() - m_limit / top * plot.height() : plot.top();
        if (onScale) {
            p.setPen(QPen(muted, 1.2, Qt::DashLine));
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        }
        const QString label = onScale ? m_limitLabel : tr("%1, above this scale").arg(m_limitLabel);
        const int w = fm.horizontalAdvance(label);
        const QRectF box(plot.right() - w - 4, y + 2, w + 2, lineH);
        p.setPen(muted);
        p.drawText(box, Qt::AlignRight | Qt::AlignTop, label);
    }
    p.restore();

    if (isEmpty() && !m_emptyText.isEmpty()) {
        p.setPen(muted);
        p.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
    }
}

} // namespace edgedesk
