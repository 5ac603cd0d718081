#pragma once

#include <QLoggingCategory>

namespace edgedesk {

// The container manager's one logging category ("edgedesk.containers").
Q_DECLARE_LOGGING_CATEGORY(lcContainers)

} // namespace edgedesk
