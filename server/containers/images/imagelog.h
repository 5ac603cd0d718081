#pragma once

#include <QLoggingCategory>

namespace edgedesk {

// The image store's logging category ("edgedesk.images"): what unpacking dropped or refused.
Q_DECLARE_LOGGING_CATEGORY(lcImages)

} // namespace edgedesk
