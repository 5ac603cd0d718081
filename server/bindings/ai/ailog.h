#pragma once

#include <QLoggingCategory>

namespace edgedesk {

// The AI binding's one logging category ("edgedesk.ai"). Bearer tokens never reach it.
Q_DECLARE_LOGGING_CATEGORY(lcAi)

} // namespace edgedesk
