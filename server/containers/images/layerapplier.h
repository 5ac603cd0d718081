#pragma once

#include "containers/images/imagelimits.h"
#include "containers/images/rootdirectory.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace edgedesk {

// Applies one tar stream (plain or compressed, read with libarchive) onto a root folder the way
// a container runtime applies an image layer:
// - the whole stream is read once before anything is written: a name that is absolute or climbs
//   out with "..", a hard link to such a name, a damaged or truncated stream, too many entries
//   or too many bytes refuse the layer with nothing changed;
// - whiteouts (".wh.<name>") and opaque folders (".wh..wh..opq") then remove what lower layers
//   left, before any entry of this layer is written (they never hide their own layer's files);
// - entries are written through RootDirectory, so a path through a symbolic link stays inside
//   the root or is refused;
// - device nodes, FIFOs and sockets are dropped and setuid/setgid bits cleared, each with a log
//   line; files get at least owner read and folders owner rwx so that the store can read and
//   later remove them.
class LayerApplier final
{
public:
    struct Options
    {
        QString what;          // "layer sha256:…" or "archive x.tar", for messages
        bool whiteouts = true; // false: an image archive, where ".wh." names are plain names
        qint64 maxBytes = 0;   // regular file content, all entries together
        qint64 maxEntries = 0;
        ImageLimits limits; // for cancel
    };
    struct Summary
    {
        qint64 entries = 0;
        qint64 bytes = 0;
        int dropped = 0;           // special files left out
        int privilegesCleared = 0; // files whose setuid/setgid bit was cleared
        int whiteouts = 0;         // whiteouts and opaque folders applied
    };
    static Result<Summary> apply(int fd, const RootDirectory &root, const Options &options);

    // Why an entry name is refused, or nothing. Leading "./" is allowed (tar writes it).
    static std::optional<QString> nameProblem(const QByteArray &name);
};

} // namespace edgedesk
