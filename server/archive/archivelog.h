#pragma once

#include <QLoggingCategory>

namespace edgedesk {

// The archives module's one logging category ("edgedesk.archive"): state export and import,
// bulk image import, log export.
Q_DECLARE_LOGGING_CATEGORY(lcArchive)

} // namespace edgedesk
