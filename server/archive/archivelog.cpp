#include "archive/archivelog.h"

namespace edgedesk {

Q_LOGGING_CATEGORY(lcArchive, "edgedesk.archive")

} // namespace edgedesk
