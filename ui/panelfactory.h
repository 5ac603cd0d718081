#pragma once

#include "panel.h"

#include <QList>

namespace edgedesk {

// Every section of the main window, in sidebar order.
QList<Panel *> createPanels(const PanelContext &context, QWidget *parent);

} // namespace edgedesk
