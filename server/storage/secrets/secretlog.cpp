#include "storage/secrets/secretlog.h"

namespace edgedesk {

Q_LOGGING_CATEGORY(lcSecrets, "edgedesk.secrets")

} // namespace edgedesk
