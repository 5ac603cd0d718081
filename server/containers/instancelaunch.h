#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QMap>
#include <QString>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QObject;
class QProcess;
QT_END_NAMESPACE

namespace edgedesk {

class ContainerClass;
class Sandbox;
class SandboxHost;
struct SandboxProbe;

// How an instance's program is set up before it starts: its environment (the class's "env",
// PORT, INSTANCE_ID, LISTEN_UNIX), its Unix socket folder, and either its sandbox (api-backend
// and other programs) or a plain child in a session of its own that dies with EdgeDesk
// (command-runner, which sandboxes each command itself, and classes with "sandbox": "none").
class InstanceLaunch final
{
public:
    struct Request
    {
        QString programDir; // where the built-in programs are (ProgramLocator)
        quint16 port = 0;
        QString instanceId;
        QString logSource;
        QString socketFolder;                 // the manager's, or empty: TCP only
        const SandboxProbe *probe = nullptr;  // sandboxed classes: the machine's probe
        std::optional<quint32> hostUid;       // root: the instance's own host uid
        QString dataDir;                      // working directory of an unsandboxed program
    };
    struct Prepared
    {
        QString program;             // the located program
        QProcess *process = nullptr; // configured, not started; owned by the parent given
        std::unique_ptr<Sandbox> sandbox;
        QString unixSocket;  // offered in LISTEN_UNIX, or empty
        QString containment; // sandboxed: what confines it, for the class
    };

    // Locates the class's program and sets up its process; the error says why it cannot start.
    static Result<Prepared> prepare(const ContainerClass &containerClass, const Request &request,
                                    SandboxHost &sandboxes, QObject *parent);
    // The class's "env" as text (numbers and booleans as JSON writes them).
    static QMap<QString, QString> classEnvironment(const ContainerClass &containerClass);
    // The instance's own folder (0700) in request.socketFolder, made if needed; empty when there
    // is none or its path would be too long for a socket in it.
    static QString instanceSocketFolder(const Request &request);

    // Sends the started program's stdout and stderr into these descriptors (the log sink's
    // pipes), after the child-side setup prepare() gave it.
    static void redirectOutput(QProcess &process, int out, int err);

    // "listening on 127.0.0.1:<port>", the line our programs print once they listen.
    static std::optional<quint16> listeningPort(const QByteArray &line);
    // "listening on unix:<path>", printed first by programs that serve LISTEN_UNIX.
    static std::optional<QString> listeningSocket(const QByteArray &line);
};

} // namespace edgedesk
