#include "overview/containersummary.h"

#include "containers/containertotals.h"
#include "panel.h"
#include "widgets/displayformat.h"
#include "widgets/themecolors.h"

#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

// `text` for rich text that never breaks at its spaces (a hyphen before a digit, as in
// "instance-2", is no break opportunity either).
QString unbreakable(const QString &text)
{
    return text.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
}

} // namespace

ContainerSummary::ContainerSummary(QWidget *parent) : QGroupBox(tr("Containers"), parent)
{
    setObjectName(QStringLiteral("overviewContainers"));
    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel(tr("Waiting for the server…"), this);
    m_summary->setObjectName(QStringLiteral("overviewContainerSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *open = new QPushButton(tr("Open Containers"), this);
    open->setIcon(Panel::themedIcon(QStringLiteral("containers")));
    layout->addWidget(m_summary, 1);
    layout->addWidget(open, 0, Qt::AlignLeft);
    connect(open, &QPushButton::clicked, this, &ContainerSummary::openRequested);
}

void ContainerSummary::showText(const QString &text)
{
    m_summary->setText(text);
}

void ContainerSummary::apply(const QJsonObject &status)
{
    const QJsonArray classes = status.value(QStringLiteral("classes")).toArray();
    if (classes.isEmpty()) {
        m_summary->setText(tr("No container classes in this configuration."));
        return;
    }
    QString html;
    for (const QJsonValue &v : classes) {
        const QJsonObject cls = v.toObject();
        QStringList states;
        for (const QJsonValue &i : cls.value(QStringLiteral("instances")).toArray()) {
            const QJsonObject instance = i.toObject();
            const QString state = instance.value(QStringLiteral("state")).toString();
            const ThemeColors::Tone tone = ContainerTotals::isUp(state)
                                               ? ThemeColors::Tone::Good
                                           : state == QLatin1String("stopped_with_code")
                                               ? ThemeColors::Tone::Bad
                                               : ThemeColors::Tone::Neutral;
            const QColor colour =
                ThemeColors::toneText(tone, palette().color(QPalette::Window));
            // The dot, the instance and its state stay on one line; lines break only between
            // instances.
            states.append(QStringLiteral("<span style=\"color:%1\">●</span>&nbsp;%2&nbsp;%3")
                              .arg(colour.name(), unbreakable(instance.value(QStringLiteral("id"))
                                                                  .toString()),
                                   unbreakable(state)));
        }
        const ContainerTotals t = ContainerTotals::of(cls);
        html += tr("<p><b>%1</b> · %2 — %3 of %4 running, %5<br>%6</p>")
                    .arg(unbreakable(cls.value(QStringLiteral("binding")).toString()),
                         unbreakable(cls.value(QStringLiteral("class_name")).toString()))
                    .arg(t.up)
                    .arg(t.max)
                    .arg(DisplayFormat::count(t.requests, tr("1 request"), tr("%1 requests")))
                    .arg(states.join(QStringLiteral("&nbsp;&nbsp; ")));
    }
    m_summary->setText(html);
}

} // namespace edgedesk
