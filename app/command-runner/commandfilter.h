#pragma once

#include <QString>

#include <optional>

namespace edgedesk {

// The demo's dangerous-command filter: a first layer that turns away the obvious disasters
// (rm -rf /, mkfs, shutdown, fork bombs, raw writes to disks) with a readable reason. It is never
// the only layer — every command still runs in its own sandbox — so it looks at what the shell
// would execute (command words, flags, targets) rather than blocking every mention of a word.
class CommandFilter final
{
public:
    // Why command is refused ("recursive delete of the root filesystem"), or nothing.
    static std::optional<QString> blockedReason(const QString &command);
};

} // namespace edgedesk
