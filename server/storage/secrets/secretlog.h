#pragma once

#include <QLoggingCategory>

namespace edgedesk {

// The secrets store's one logging category ("edgedesk.secrets"). Secret values never reach it.
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)

} // namespace edgedesk
