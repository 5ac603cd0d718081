#include "containers/images/imagelog.h"

namespace edgedesk {

Q_LOGGING_CATEGORY(lcImages, "edgedesk.images")

} // namespace edgedesk
