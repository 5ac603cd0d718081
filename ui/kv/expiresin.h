#pragma once

#include <QString>

namespace edgedesk {

// "in 3 min", "in 2 h 5 min", "in 4 days"; "expired" for seconds ≤ 0. How long a KV key has
// left, as the key list and the value editor say it.
QString describeExpiresIn(qint64 seconds);

} // namespace edgedesk
