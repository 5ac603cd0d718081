#pragma once

#include <QString>

namespace edgedesk {

// A renamed file survives a crash only once its directory entry is on disk: fsyncs the folder
// `dir`. False when it cannot be opened or synced.
bool fsyncDirectory(const QString &dir);

} // namespace edgedesk
