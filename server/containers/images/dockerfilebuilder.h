#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace edgedesk {

// Builds a Dockerfile/Containerfile into an image archive with the container engine of this
// machine, when one works: podman (daemonless) first, then docker. "Works" means `<engine> info`
// succeeds; a docker client without its daemon does not count. The build context is the
// configuration's folder, as the platform's tooling uses it. All calls block: use the WorkerPool.
class DockerfileBuilder final
{
public:
    struct Engine
    {
        QString name;    // "podman" or "docker"
        QString program; // its path on PATH
    };
    // The first engine on PATH that works; otherwise nothing, and `why` says, for each engine,
    // why not ("docker: Cannot connect to the Docker daemon ...").
    static std::optional<Engine> findEngine(QStringList *why = nullptr);

    // The tag a class's image is built as: "localhost/edgedesk-<class in lower case>:latest".
    static QString tagFor(const QString &className);

    using Output = std::function<void(const QByteArray &line)>;
    // `<engine> build -f dockerfile -t tag context`, then `<engine> save -o archive tag`.
    // Every line either prints goes to output (the instance log).
    static Status build(const Engine &engine, const QString &dockerfile, const QString &context,
                        const QString &tag, const QString &archive, const Output &output,
                        int timeoutMs = 30 * 60 * 1000);

    // The service_unavailable error for a Dockerfile class on a machine without a working engine:
    // what was tried, and the exact commands to build the archive elsewhere.
    static Error unavailable(const QString &dockerfile, const QString &context,
                             const QString &className, const QStringList &why);
};

} // namespace edgedesk
