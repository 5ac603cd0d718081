#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace edgedesk {

// The configuration the Settings section edits: a wrangler.jsonc (the user's --config file or
// the built-in default) loaded as JSON, patched ("ai" block, each container class's
// sleep_after and command_network) and saved as the EdgeDesk-managed <data>/edgedesk.jsonc.
class ManagedConfig final
{
public:
    struct Ai
    {
        QString provider; // "", "openai" or "workers-ai"
        QString baseUrl;
        QString model;
        QString accountId;
        QString apiKeySecret;
        bool operator==(const Ai &) const = default;
    };
    struct Container
    {
        QString className;
        QString binding;
        QString image;
        QString sleepAfter;     // as written: "10m", "30s", or seconds
        QString commandNetwork; // command-runner classes only: "none" or "host"
        bool runsCommands = false;
        bool operator==(const Container &) const = default;
    };

    // Loads `path`; an empty path loads the built-in default.
    static Result<ManagedConfig> load(const QString &path);
    // <dataDir>/edgedesk.jsonc
    static QString managedPath(const QString &dataDir);

    QString sourcePath() const { return m_source; }
    QJsonObject root() const { return m_root; }

    Ai ai() const;
    void setAi(const Ai &ai);
    QList<Container> containers() const;
    // Sets sleep_after and (for command classes) command_network of the class named in `c`.
    void setContainer(const Container &c);

    // Checks the patched configuration exactly as the server will load it.
    Status validate() const;
    // The file's text: a comment saying where it came from, then the JSON.
    QByteArray toJsonc() const;
    Status save(const QString &path) const;

private:
    QString m_source;
    QJsonObject m_root;
};

} // namespace edgedesk
