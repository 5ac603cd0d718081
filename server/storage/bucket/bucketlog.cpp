#include "storage/bucket/bucketlog.h"

namespace edgedesk {

Q_LOGGING_CATEGORY(lcBucket, "edgedesk.bucket")

} // namespace edgedesk
