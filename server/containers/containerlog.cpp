#include "containers/containerlog.h"

namespace edgedesk {

Q_LOGGING_CATEGORY(lcContainers, "edgedesk.containers")

} // namespace edgedesk
