#include "containers/sandboxlog.h"

namespace edgedesk {

Q_LOGGING_CATEGORY(lcSandbox, "edgedesk.sandbox")

} // namespace edgedesk
