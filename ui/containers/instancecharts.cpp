#include "containers/instancecharts.h"

#include "containers/containertotals.h"
#include "widgets/displayformat.h"
#include "widgets/linechart.h"

#include <QLabel>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <cmath>

namespace edgedesk {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

} // namespace

InstanceCharts::InstanceCharts(QWidget *parent)
    : QWidget(parent), m_stack(new QStackedWidget(this)), m_hint(new QLabel(m_stack)),
      m_cpu(new LineChart), m_memory(new LineChart)
{
    setObjectName(QStringLiteral("containersCharts"));
    m_hint->setObjectName(QStringLiteral("containersChartsHint"));
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_hint->setText(tr("Select an instance to see its CPU and memory."));

    auto *charts = new QWidget(m_stack);
    auto *chartsLayout = new QVBoxLayout(charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    m_cpu->setParent(charts);
    m_memory->setParent(charts);
    m_cpu->setObjectName(QStringLiteral("containersCpuChart"));
    m_memory->setObjectName(QStringLiteral("containersMemoryChart"));
    for (LineChart *chart : {m_cpu, m_memory}) {
        chart->setSampleSeconds(InstanceTree::kPollMs / 1000);
        chart->setFilled(true);
        chartsLayout->addWidget(chart, 1);
    }
    m_cpu->setUnit(QStringLiteral("%"));
    m_memory->setUnit(QStringLiteral("MiB"));
    m_stack->addWidget(m_hint);
    m_stack->addWidget(charts);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_stack);
}

void InstanceCharts::showInstance(const InstanceTree::Instance *instance,
                          const InstanceTree::History &history)
{
    if (!instance) {
        m_stack->setCurrentWidget(m_hint);
        return;
    }
    m_stack->setCurrentIndex(1);
    const bool up = ContainerTotals::isUp(instance->state);
    const QString stopped = tr("%1 is not running").arg(instance->id);
    m_cpu->setTitle(tr("CPU — %1").arg(instance->id));
    m_cpu->setEmptyText(up ? tr("No CPU use yet") : stopped);
    m_cpu->setLimit(instance->cpuLimitPercent,
                    tr("limit %1 % (%2)")
                        .arg(instance->cpuLimitPercent, 0, 'f', 0)
                        .arg(instance->instanceType));
    m_cpu->setSeries({{tr("CPU"), QColor(0x3b, 0x6f, 0xd8), history.cpu}});

    QList<double> mib;
    mib.reserve(history.rss.size());
    for (double bytes : history.rss)
        mib.append(bytes / kMiB);
    m_memory->setTitle(tr("Memory — %1").arg(instance->id));
    m_memory->setEmptyText(up ? tr("No memory figures yet") : stopped);
    const double limitMiB = instance->memoryLimitBytes / kMiB;
    m_memory->setLimit(limitMiB,
                       std::isfinite(limitMiB)
                           ? tr("limit %1 (%2)")
                                 .arg(DisplayFormat::bytes(qint64(instance->memoryLimitBytes)),
                                      instance->instanceType)
                           : QString());
    m_memory->setSeries({{tr("RSS"), QColor(0x8a, 0x4f, 0xc9), mib}});
}

} // namespace edgedesk
