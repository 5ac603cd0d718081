#pragma once

#include <QLoggingCategory>

namespace edgedesk {

// The bucket binding's one logging category ("edgedesk.bucket"). Object bytes never reach it.
Q_DECLARE_LOGGING_CATEGORY(lcBucket)

} // namespace edgedesk
