#pragma once

#include "util/result.h"

#include <QString>

#include <optional>

namespace edgedesk {

// What every store refuses in a key: empty, longer than `maxBytes` in UTF-8, or holding a NUL
// byte (SQLite and file names would cut it there). Stores add their own rules after this one.
std::optional<Error> checkStorageKey(const QString &key, qsizetype maxBytes);

} // namespace edgedesk
