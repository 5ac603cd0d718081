#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QJsonDocument>

namespace edgedesk {

// Parses JSON with comments (// and /* */) and trailing commas, as wrangler.jsonc files have them.
// Errors say where: "line 12, column 5: missing value".
namespace Jsonc {
Result<QJsonDocument> parse(const QByteArray &text);
// Comments and trailing commas replaced by spaces; offsets and line numbers unchanged.
QByteArray toStrictJson(const QByteArray &text, QString *error = nullptr);
} // namespace Jsonc

} // namespace edgedesk
