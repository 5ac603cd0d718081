#pragma once

#include <QString>

namespace edgedesk {

class ServerHost;

// What the window says about the project the server runs: its name (the configuration's "name",
// else its folder's name) and its folder, for the title bar and the Overview. The built-in demo
// has no folder.
class ProjectInfo final
{
public:
    explicit ProjectInfo(const ServerHost &host);

    bool isBuiltIn() const { return m_folder.isEmpty(); }
    QString name() const { return m_name; }
    QString folder() const { return m_folder; }         // absolute, native separators
    QString shortFolder() const;                        // with the home folder as "~"
    QString configFileName() const { return m_config; } // "wrangler.jsonc"
    // "name — ~/folder — EdgeDesk", or "EdgeDesk" for the built-in demo.
    QString windowTitle() const;

private:
    QString m_name;
    QString m_folder;
    QString m_config;
};

} // namespace edgedesk
