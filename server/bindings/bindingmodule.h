#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace edgedesk {

class Router;

// A live section of GET /__edgedesk/v1/config that a module owns, e.g. "ai": the effective
// provider after the Ollama probe. Asked for at each request.
struct ConfigSection
{
    QString name;
    QJsonObject body;
};

// What a binding adds to the server. The server core builds every module with what it needs
// (its store, the context as read-only), then asks each for its routes and its config section;
// no module depends on another having been built or registered first. A module owns its state
// (stores, processes) for the server's lifetime; everything here runs in the server thread.
class BindingModule
{
public:
    virtual ~BindingModule() = default;
    virtual void addRoutes(Router &router) = 0;
    virtual std::optional<ConfigSection> configSection() const { return std::nullopt; }
    // Stop background work; the server is about to go away. Must return quickly (< 1 s).
    virtual void shutdown() {}
};

} // namespace edgedesk
