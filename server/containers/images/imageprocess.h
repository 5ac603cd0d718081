#pragma once

#include "containers/images/imagerecord.h"
#include "util/result.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace edgedesk {

class RootDirectory;

// The process an instance of an image runs, as the image config and the class decide it, the way
// `docker run` does: Entrypoint + Cmd (the class's "command" replaces Cmd), the image's Env with
// the class's "env" merged over it, WorkingDir, User, and the port the router reaches it on.
struct ImageProcess
{
    QStringList argv; // argv[0] as seen inside the image
    QMap<QString, QString> environment;
    QString workingDirectory; // "/" when the image names none
    quint32 uid = 0;          // inside the sandbox; the sandbox maps it to an unprivileged host uid
    quint32 gid = 0;
    QString userName; // from the image's /etc/passwd, else the number
    QString home;
    int port = 8080;

    static constexpr int kDefaultPort = 8080; // the platform's default container port

    // What the class's configuration says about the process.
    struct Overrides
    {
        QStringList command;        // "command": replaces Cmd when not empty
        QMap<QString, QString> env; // "env", as text
        int port = 0;               // "port"; 0: the image's single exposed port, else 8080
    };
    // root: the image's unpacked root, where a user name is looked up in /etc/passwd and
    // /etc/group (read inside the root: a link there cannot point at the host's files).
    static Result<ImageProcess> resolve(const ImageRecord &image, const Overrides &overrides,
                                        const RootDirectory &root);
};

} // namespace edgedesk
