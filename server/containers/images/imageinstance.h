#pragma once

#include "containers/images/imageprocess.h"
#include "containers/sandbox.h"
#include "util/result.h"

#include <QString>
#include <QStringList>

#include <memory>

QT_BEGIN_NAMESPACE
class QProcess;
QT_END_NAMESPACE

namespace edgedesk {

// What one instance of an image needs on the host while it runs, and the sandbox that makes the
// image's unpacked root its "/":
// - the image's top-level entries bound read-only over a private tmpfs root (so new files in "/"
//   land in that tmpfs), its own /proc, /dev and /tmp;
// - the WorkingDir as a writable copy ("copy-up") in the instance's folder, so a program that
//   writes where it runs works; discarded, with the tmpfs, when the instance stops;
// - its own network namespace: only loopback, or with outboundNetwork the namespace pasta made
//   for it (OutboundNetwork), which bwrap then keeps instead of unsharing one, and an
//   /etc/resolv.conf naming pasta's DNS forwarder over the image's own. The program listens
//   there on its port, and edgedesk-image-init (bound in at /.edgedesk/init) relays the
//   instance's Unix-domain socket, in a folder bound at /.edgedesk/run, to it. The router and the
//   health check come in that way, with or without outbound network.
// The destructor removes the writable copy and the socket.
class ImageInstance final
{
public:
    struct Setup
    {
        QString rootfs;       // the image's unpacked root, read-only
        ImageProcess process; // what runs, as whom, where, on which port
        QString hostname;     // the instance id
        QString folder;       // the instance's own folder (the writable copy goes there)
        QString socketFolder; // a short folder for the socket (sun_path is 108 bytes)
        QString initProgram;  // edgedesk-image-init on the host
        SandboxLimits limits;
        bool outboundNetwork = false; // the sandbox joins a prepared namespace (joinNetwork)
    };

    static Result<std::unique_ptr<ImageInstance>> prepare(const Setup &setup);
    ~ImageInstance();
    ImageInstance(const ImageInstance &) = delete;
    ImageInstance &operator=(const ImageInstance &) = delete;

    // Gives the writable copy and the socket folder to host uid (bwrap then runs as it).
    Status handTo(quint32 uid) const;

    // The router's way in (host path).
    QString socketPath() const { return m_socketFolder + QStringLiteral("/http.sock"); }
    // The spec the Sandbox is made of: identity, limits, environment (for its child setup and
    // cgroup; the command line is ours, see configure()).
    const SandboxSpec &spec() const { return m_spec; }
    // After sandbox.prepare(): sets up process through the sandbox (child setup, cgroup, limits),
    // with the image's command line instead of the host-system one.
    void configure(Sandbox &sandbox, QProcess &process, bool disableUserns) const;
    // The bwrap command line (without bwrap itself), for tests and logs.
    QStringList bwrapArguments(bool disableUserns) const;
    // "copy of /app (3 files, 812 kB)" or "none (WorkingDir is /)".
    QString writableLayer() const { return m_layerNote; }

    // The address pasta forwards DNS queries from to the host's resolver (OutboundNetwork); an
    // instance with outbound network has it as its only nameserver.
    static constexpr const char *kDnsForwarder = "169.254.1.1";
    static constexpr const char *kInitPath = "/.edgedesk/init";
    static constexpr const char *kRunPath = "/.edgedesk/run";

private:
    explicit ImageInstance(const Setup &setup);

    Setup m_setup;
    SandboxSpec m_spec;
    QString m_socketFolder;
    QString m_workCopy; // empty when WorkingDir is "/"
    QString m_layerNote;
    QString m_resolvConf; // outbound network: the instance's /etc/resolv.conf (host path)
};

} // namespace edgedesk
