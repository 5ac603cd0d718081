#pragma once

#include <QLoggingCategory>

namespace edgedesk {

// The image transforms' one logging category ("edgedesk.images").
Q_DECLARE_LOGGING_CATEGORY(lcImages)

} // namespace edgedesk
