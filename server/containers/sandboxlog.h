#pragma once

#include <QLoggingCategory>

namespace edgedesk {

// The sandbox's logging category ("edgedesk.sandbox").
Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

} // namespace edgedesk
