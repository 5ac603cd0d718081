#pragma once

#include "util/result.h"
#include "util/uniquefd.h"

#include <QByteArray>
#include <QString>

#include <sys/stat.h>
#include <sys/types.h>

namespace edgedesk {

// A folder that paths are resolved inside of, the way a container runtime resolves them in an
// image's root: every component is opened with O_NOFOLLOW relative to its parent's descriptor,
// symbolic links are followed by hand with this folder as '/', and a link that climbs above it
// is refused. Nothing is looked up through a joined string path, so neither a hostile entry name
// nor a link planted by an earlier entry reaches a file outside.
//
// Paths are raw bytes as archives carry them, relative to the folder; "." and empty components
// are ignored, a ".." component is refused (only link targets may climb, and only inside).
class RootDirectory final
{
public:
    static Result<RootDirectory> open(const QString &path);
    RootDirectory(RootDirectory &&) = default;
    RootDirectory &operator=(RootDirectory &&) = default;

    QString path() const { return m_path; }
    int fd() const { return m_fd.get(); }

    // An entry's folder (opened) and its own name in it; name is "." for the root itself.
    struct Location
    {
        UniqueFd parent;
        QByteArray name;
    };
    enum class Parents
    {
        MustExist,
        Create, // missing folders on the way are made (0755), as tar does
    };
    // Resolves every component but the last; with followLast, a final symbolic link as well.
    Result<Location> locate(const QByteArray &path, Parents parents, bool followLast = false) const;

    // Reading: follows links (inside), refuses anything but a regular file.
    Result<UniqueFd> openFile(const QByteArray &path) const;
    // What is at path without following a final link; errno-style absence is an Error with
    // code "not_found".
    Result<struct stat> status(const QByteArray &path) const;

    // Writing, with the semantics of applying a layer: whatever is in the way is replaced,
    // except that a folder stays a folder (only its mode changes).
    Status makeDirectory(const QByteArray &path, mode_t mode) const;
    // An empty file opened for writing; set its final mode with fchmod once written.
    Result<UniqueFd> createFile(const QByteArray &path) const;
    Status makeSymlink(const QByteArray &path, const QByteArray &target) const;
    // target is a path in this folder (a tar hard link names an earlier entry); it must exist
    // and not be a folder.
    Status makeHardLink(const QByteArray &path, const QByteArray &target) const;
    // Removes path (a whole tree if a folder); absent is fine.
    Status remove(const QByteArray &path) const;
    // Empties the folder at path (following links inside); absent is fine.
    Status clearDirectory(const QByteArray &path) const;

    // Fills the empty folder `to` with `from`'s tree: folders and links recreated, regular files
    // hard-linked (copied where a link cannot be made) so that an unchanged file is stored once
    // however many trees hold it, or copied, for a tree that will be written to.
    enum class Files
    {
        Link,
        Copy,
    };
    static Status cloneTree(int from, int to, Files files = Files::Link);
    // Removes `name` in the folder `dirFd` and everything below it, never following a link.
    static Status removeTree(int dirFd, const QByteArray &name);
    // Bytes in regular files below the folder (hard links counted once) and the entry count.
    struct Usage
    {
        qint64 bytes = 0;
        qint64 entries = 0;
    };
    static Usage usage(const QString &path);

private:
    RootDirectory(UniqueFd fd, QString path) : m_fd(std::move(fd)), m_path(std::move(path)) {}
    // Where a new entry goes: its folders made; never the root itself.
    Result<Location> placeFor(const QByteArray &path) const;
    Status clearWhatIsAt(const Location &location, bool keepDirectory) const;

    UniqueFd m_fd;
    QString m_path;
};

} // namespace edgedesk
