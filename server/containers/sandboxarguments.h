#pragma once

#include "containers/sandboxprobe.h"
#include "containers/sandboxspec.h"

#include <QStringList>

namespace edgedesk {

// The bubblewrap command line of a sandbox: namespaces, identity, environment, the file system
// it sees and the program to run.
class SandboxArguments final
{
public:
    // The arguments for spec, without the bwrap program itself. stagingDir is what
    // SandboxEtc::stage() made for spec; probe says which bwrap options are available
    // (--disable-userns, --size).
    static QStringList bwrap(const SandboxSpec &spec, const QString &stagingDir,
                             const SandboxProbe &probe);
    // The environment a sandboxed program starts with: spec.environment plus the defaults for
    // PATH, HOME, USER, LOGNAME and SHELL.
    static QMap<QString, QString> environment(const SandboxSpec &spec);

    static constexpr auto kDefaultPath =
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
};

} // namespace edgedesk
