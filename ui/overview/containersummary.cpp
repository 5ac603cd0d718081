#include "overview/containersummary.h"

#include "containers/containertotals.h"
#include "panel.h"
#include "widgets/displayformat.h"

#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace edgedesk {

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
            const QString colour = ContainerTotals::isUp(state) ? QStringLiteral("#1f9d55")
                                   : state == QLatin1String("stopped_with_code")
                                       ? QStringLiteral("#d64545")
                                       : QStringLiteral("#718096");
            states.append(QStringLiteral("<span style=\"color:%1\">●</span> %2 %3")
                              .arg(colour,
                                   instance.value(QStringLiteral("id")).toString().toHtmlEscaped(),
                                   state.toHtmlEscaped()));
        }
        const ContainerTotals t = ContainerTotals::of(cls);
        html += tr("<p><b>%1</b> · %2 — %3 of %4 running, %5<br>%6</p>")
                    .arg(cls.value(QStringLiteral("binding")).toString().toHtmlEscaped(),
                         cls.value(QStringLiteral("class_name")).toString().toHtmlEscaped())
                    .arg(t.up)
                    .arg(t.max)
                    .arg(DisplayFormat::count(t.requests, tr("1 request"), tr("%1 requests")))
                    .arg(states.join(QStringLiteral("&nbsp;&nbsp; ")));
    }
    m_summary->setText(html);
}

} // namespace edgedesk
