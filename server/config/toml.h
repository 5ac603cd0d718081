#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QJsonObject>

namespace edgedesk {

// Reads wrangler.toml into the same JSON tree a wrangler.jsonc gives, so that one mapping turns
// either into the configuration. Tables become objects, arrays of tables arrays of objects, dates
// and times their TOML text. Errors say where, as the JSONC reader's do: "line 3, column 9:
// Unidentified trailing character ...". The parser (cpptoml) reports only the line; the column is
// where a prefix of that line first fails the same way, or is left out when none does.
namespace Toml {
Result<QJsonObject> parse(const QByteArray &text);
} // namespace Toml

} // namespace edgedesk
