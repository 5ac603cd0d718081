#pragma once

#include "containers/instancetree.h"

#include <QWidget>

class QLabel;
class QStackedWidget;

namespace edgedesk {

class LineChart;

// The selected instance's CPU and memory over the last two minutes, large enough to read, with
// its instance type's limits drawn as dashed lines. Empty (with a hint) while no instance is
// selected, and says so while the instance is stopped.
class InstanceCharts final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InstanceCharts)

public:
    explicit InstanceCharts(QWidget *parent = nullptr);

    // Shows `instance` (nullptr: none selected) and its samples.
    void showInstance(const InstanceTree::Instance *instance, const InstanceTree::History &history);

    LineChart *cpuChart() const { return m_cpu; }
    LineChart *memoryChart() const { return m_memory; }

private:
    QStackedWidget *m_stack;
    QLabel *m_hint;
    LineChart *m_cpu;
    LineChart *m_memory;
};

} // namespace edgedesk
