#pragma once

namespace edgedesk {

// How many commands one command-runner instance runs at once. The runner has this many slots
// and the class's run queue never hands an instance more, so a runner never has to refuse a
// command for want of a slot: waiting happens in one place, in front of all instances.
inline constexpr int kCommandSlotsPerInstance = 4;

} // namespace edgedesk
