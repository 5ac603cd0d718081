#pragma once

#include "containers/instancelaunch.h"
#include "util/result.h"

#include <QString>

#include <memory>

QT_BEGIN_NAMESPACE
class QObject;
class QProcess;
QT_END_NAMESPACE

namespace edgedesk {

class ContainerClass;
class ContainerLogSink;
class ImageInstance;
class OutboundNetwork;
class Sandbox;
class SandboxHost;

// How an instance of an image class is set up before it starts (its image loaded): the process
// the image config and the class describe (ImageProcess), its folder and socket
// (ImageInstance), its sandbox with the image's root and a network namespace of its own (empty, or
// pasta's with "enable_internet"), and,
// when EdgeDesk is root, the instance's own host uid (when that uid can reach the image).
class ImageLaunch final
{
public:
    struct Prepared
    {
        QProcess *process = nullptr; // configured, not started; owned by the parent given
        std::unique_ptr<Sandbox> sandbox;
        std::unique_ptr<ImageInstance> image;
        QString imageId;  // the image it runs, to retain in the store while it does
        quint16 port = 0; // the program's, inside its own network namespace
        QString containment;
        QString description; // for the "starting ..." log line
    };

    // network: the outbound network made for it ("enable_internet"), started; else null.
    static Result<Prepared> prepare(const ContainerClass &containerClass,
                                    const InstanceLaunch::Request &request, SandboxHost &sandboxes,
                                    ContainerLogSink &log, const OutboundNetwork *network,
                                    QObject *parent);
};

} // namespace edgedesk
