#pragma once

#include <QString>

#include <functional>

namespace edgedesk {

// Reports how far a long archive job got: `done` of `total` bytes, and the step in words.
// Returning false asks the job to stop; it stops only where stopping changes nothing.
using ArchiveProgress = std::function<bool(qint64 done, qint64 total, const QString &step)>;

} // namespace edgedesk
