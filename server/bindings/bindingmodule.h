#pragma once

namespace edgedesk {

// A binding registered with the server: it owns its state (stores, processes) for the server's
// lifetime and is told when the server stops, in the server thread.
class BindingModule
{
public:
    virtual ~BindingModule() = default;
    // Stop background work; the server is about to go away. Must return quickly (< 1 s).
    virtual void shutdown() {}
};

} // namespace edgedesk
