#pragma once

#include "config/edgeconfig.h"
#include "containers/classqueue.h"
#include "containers/images/imagereference.h"
#include "containers/sandbox.h"

#include <QJsonObject>
#include <QString>

#include <memory>
#include <vector>

namespace edgedesk {

class ClassImage;
class ContainerInstance;
class ContainerManager;

// One configured container class (a `containers` entry and its durable-object binding) and its
// fixed set of instances, instance-0 .. instance-(max_instances-1).
class ContainerClass final
{
public:
    enum class Kind
    {
        ApiBackend,    // image "api-backend": sandboxed, healthy on GET /ping
        CommandRunner, // image "command-runner": a plain child that sandboxes each command
        Program,       // a program path (+ "command"), sandboxed like api-backend
        Image,         // an image archive, OCI layout folder or Dockerfile: its own root and network
        Remote,        // url: instances that already run elsewhere; no process
    };

    ContainerClass(ContainerManager *manager, ContainerClassConfig config);
    ~ContainerClass();
    ContainerClass(const ContainerClass &) = delete;
    ContainerClass &operator=(const ContainerClass &) = delete;

    const ContainerClassConfig &config() const { return m_config; }
    const QString &name() const { return m_config.className; }
    const QString &binding() const { return m_config.binding; }
    Kind kind() const { return m_kind; }
    // Processes of this class run in a bubblewrap sandbox of their own.
    bool sandboxed() const;
    // Image classes with "enable_internet": true: instances get outbound network through pasta
    // (the others of an image class have loopback only).
    bool outboundNetwork() const;
    QString healthPath() const;

    // The EdgeDesk key `proxy_timeout` ("2s", "90s"...), or routeDefault when absent.
    int proxyTimeoutMs(int routeDefault) const;
    // The configuration problem that keeps this class from serving, or empty.
    QString configError() const { return m_configError; }

    // rlimits from `instance_type` (lite 256 MiB, basic 1 GiB, standard-1 4 GiB, ...).
    static SandboxLimits limitsFor(const QString &instanceType, bool *known = nullptr);
    // The instance type's CPU share in thousandths of a CPU (lite 62, basic 250, ...), applied
    // to image instances through the cgroup's cpu.max where the cpu controller is available.
    static int cpuMillisFor(const QString &instanceType);

    // What "image" names, with paths taken from the configuration file's folder.
    const ImageReference &reference() const { return m_reference; }
    // The program to run for Program classes ("command": its arguments).
    QStringList commandArguments() const;
    // The class's image (Image classes only, else null).
    ClassImage *image() const { return m_image.get(); }

    const std::vector<std::unique_ptr<ContainerInstance>> &instances() const { return m_instances; }
    ContainerInstance *instance(const QString &id) const;
    // getRandom(binding, max_instances): uniformly one of instance-0 .. instance-(N-1).
    ContainerInstance *pickRandom() const;
    // command-runner classes: the queue commands wait in for a slot of an instance (EdgeDesk
    // keys `max_queued_requests`, default 64, and `queue_timeout`, default 5s); else null.
    ClassQueue *queue() const { return m_queue.get(); }

    // What contains the class's processes, as the platform of this machine allows; for
    // command-runner as its health answer says.
    QString containment() const { return m_containment; }
    void setContainment(const QString &containment) { m_containment = containment; }

    QJsonObject toJson() const;

private:
    // Reads max_queued_requests and queue_timeout; a bad value becomes the class's config error.
    ClassQueue::Settings queueSettings();

    ContainerClassConfig m_config;
    Kind m_kind;
    int m_proxyTimeoutMs = 0;
    QString m_configError;
    QString m_containment;
    ImageReference m_reference;
    std::unique_ptr<ClassImage> m_image;
    std::vector<std::unique_ptr<ContainerInstance>> m_instances;
    std::unique_ptr<ClassQueue> m_queue;
};

} // namespace edgedesk
