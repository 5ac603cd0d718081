#include "bindings/ai/ailog.h"

namespace edgedesk {

Q_LOGGING_CATEGORY(lcAi, "edgedesk.ai")

} // namespace edgedesk
