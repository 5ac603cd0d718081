#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>

namespace edgedesk {

// A validated POST /run body: {"command": "...", "timeout": seconds}.
struct CommandRequest
{
    static constexpr int kMaxCommandBytes = 8 * 1024;
    static constexpr double kDefaultTimeoutSeconds = 30;
    static constexpr double kMaxTimeoutSeconds = 30;

    QString command;
    double timeoutSeconds = kDefaultTimeoutSeconds;

    // Every rejection is a "bad_request" error whose message says what to fix.
    static Result<CommandRequest> parse(const QByteArray &body);
};

} // namespace edgedesk
