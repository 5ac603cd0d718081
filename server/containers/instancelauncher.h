#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QProcess;
QT_END_NAMESPACE

namespace edgedesk {

class ContainerClass;
class ContainerManager;
class ImageInstance;
class Sandbox;
struct SandboxProbe;

// What an instance is about to start, ready to run: the process (not started), the sandbox it
// runs in, and where the proxy reaches it.
struct LaunchPlan
{
    LaunchPlan();
    ~LaunchPlan();
    LaunchPlan(LaunchPlan &&) noexcept;
    LaunchPlan &operator=(LaunchPlan &&) noexcept;

    std::unique_ptr<QProcess> process;
    std::unique_ptr<Sandbox> sandbox;
    std::unique_ptr<ImageInstance> image; // image instances: their folder and socket
    QString imageId;                      // the image it runs, to retain in the store
    QString host;                         // empty: reachable through unixSocket only
    quint16 port = 0;
    QString unixSocket;
    bool unixListening = false; // unixSocket is known to be served (else the program says so)
    QString description;        // "… on 127.0.0.1:40123 in a bubblewrap sandbox", for the log
};

// Prepares the process of one instance of a class: where the program is, its environment, its
// sandbox (or, for command-runner and "sandbox": "none", a plain child in its own session).
// Errors are the whole reason, ready for the instance's last_error ("cannot start: ...").
class InstanceLauncher final
{
public:
    InstanceLauncher(ContainerManager *manager, ContainerClass *containerClass, QString id,
                     QString logSource);

    // A built-in program or a program path; probe is null for processes not sandboxed here.
    Result<LaunchPlan> program(const SandboxProbe *probe) const;
    // An image class's instance (its image loaded): its own root and network namespace.
    Result<LaunchPlan> image(const SandboxProbe &probe) const;

    // The port in "listening on 127.0.0.1:<port>", the line our programs print once they listen.
    static std::optional<quint16> listeningPort(const QByteArray &line);

private:
    // A private folder (0700) for the instance's Unix-domain socket, or empty.
    QString socketFolder() const;

    ContainerManager *m_manager;
    ContainerClass *m_class;
    QString m_id;
    QString m_logSource;
};

} // namespace edgedesk
