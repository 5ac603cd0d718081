#include "containers/images/rootdirectory.h"

#include "archive/zipreader.h"

#include <QFile>
#include <QList>
#include <QSet>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace edgedesk {

namespace {

constexpr int kMaxLinksFollowed = 40; // the kernel's own limit (MAXSYMLINKS)

QString shown(const QByteArray &path)
{
    return ZipReader::quoted(QString::fromUtf8(path));
}

Error ioError(const QByteArray &path, const char *what, int error)
{
    return makeError(
        QStringLiteral("storage_error"),
        QStringLiteral("cannot %1 %2: %3")
            .arg(QLatin1String(what), shown(path), QString::fromLocal8Bit(std::strerror(error))));
}

// ENOENT as not_found (callers tell absence from failure), anything else as storage_error.
Error failure(const QByteArray &path, const char *what, int error)
{
    if (error == ENOENT)
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("%1 does not exist").arg(shown(path)));
    return ioError(path, what, error);
}

Error namesTheRoot(const QByteArray &path)
{
    return makeError(QStringLiteral("unprocessable"),
                     QStringLiteral("%1 names the image's root").arg(shown(path)));
}

QList<QByteArray> components(const QByteArray &path)
{
    QList<QByteArray> parts;
    for (const QByteArray &part : path.split('/')) {
        if (!part.isEmpty() && part != ".")
            parts.append(part);
    }
    return parts;
}

Result<QByteArray> readLink(int fd)
{
    QByteArray target(4096, Qt::Uninitialized);
    const ssize_t n = ::readlinkat(fd, "", target.data(), size_t(target.size()));
    if (n < 0 || n >= target.size())
        return makeError(QStringLiteral("storage_error"), QStringLiteral("cannot read a link"));
    target.truncate(n);
    return target;
}

UniqueFd openDirectory(int dirFd, const char *name)
{
    return UniqueFd(::openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

// Calls visit(dirFd, name, stat) for every entry of the folder dirFd (not recursive).
Status forEachChild(int dirFd,
                    const std::function<Status(int, const char *, const struct stat &)> &visit)
{
    UniqueFd own = openDirectory(dirFd, ".");
    if (!own)
        return ioError(".", "open", errno);
    DIR *dir = ::fdopendir(own.get());
    if (!dir)
        return ioError(".", "list", errno);
    own.release();
    std::vector<QByteArray> names;
    while (const dirent *entry = ::readdir(dir)) {
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            names.emplace_back(entry->d_name);
    }
    // The names are read first: visit() may add or remove entries of this very folder.
    const int fd = ::dirfd(dir);
    Status result = Ok{};
    for (const QByteArray &name : names) {
        struct stat st
        {
        };
        if (::fstatat(fd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        result = visit(fd, name.constData(), st);
        if (!result)
            break;
    }
    ::closedir(dir);
    return result;
}

Status copyFile(int fromDir, const char *name, int toDir, const struct stat &st)
{
    UniqueFd in(::openat(fromDir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    UniqueFd out(::openat(toDir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                          st.st_mode & 07777));
    if (!in || !out)
        return ioError(name, "copy", errno);
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(in.get(), buffer, sizeof buffer);
        if (n < 0)
            return ioError(name, "read", errno);
        if (n == 0)
            break;
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(out.get(), buffer + done, size_t(n - done));
            if (w < 0)
                return ioError(name, "write", errno);
            done += w;
        }
    }
    return Ok{};
}

} // namespace

Result<RootDirectory> RootDirectory::open(const QString &path)
{
    UniqueFd fd(::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return ioError(QFile::encodeName(path), "open the folder", errno);
    return RootDirectory(std::move(fd), path);
}

Result<RootDirectory::Location> RootDirectory::locate(const QByteArray &path, Parents parents,
                                                      bool followLast) const
{
    std::deque<QByteArray> pending;
    for (const QByteArray &part : components(path)) {
        if (part == "..")
            return makeError(
                QStringLiteral("unprocessable"),
                QStringLiteral("%1 climbs out of the image with '..'").arg(shown(path)));
        pending.push_back(part);
    }
    // The folders walked so far, the root first: a link's ".." steps back through them.
    std::vector<UniqueFd> stack;
    stack.emplace_back(::fcntl(m_fd.get(), F_DUPFD_CLOEXEC, 0));
    if (pending.empty())
        return Location{std::move(stack.back()), QByteArrayLiteral(".")};
    int linksFollowed = 0;
    while (!pending.empty()) {
        const QByteArray part = pending.front();
        pending.pop_front();
        if (part == "..") {
            if (stack.size() == 1)
                return makeError(QStringLiteral("unprocessable"),
                                 QStringLiteral("%1 leads outside the image through a symbolic "
                                                "link")
                                     .arg(shown(path)));
            stack.pop_back();
            if (pending.empty())
                return Location{std::move(stack.back()), QByteArrayLiteral(".")};
            continue;
        }
        const int top = stack.back().get();
        const bool last = pending.empty();
        if (last && !followLast)
            return Location{std::move(stack.back()), part};
        UniqueFd next(::openat(top, part.constData(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (!next && errno == ENOENT && !last && parents == Parents::Create) {
            if (::mkdirat(top, part.constData(), 0755) != 0 && errno != EEXIST)
                return ioError(path, "make the folders of", errno);
            next.reset(::openat(top, part.constData(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        }
        if (!next)
            return failure(path, "look up", errno);
        struct stat st
        {
        };
        if (::fstat(next.get(), &st) != 0)
            return ioError(path, "look up", errno);
        if (S_ISLNK(st.st_mode)) {
            if (++linksFollowed > kMaxLinksFollowed)
                return makeError(
                    QStringLiteral("unprocessable"),
                    QStringLiteral("%1 goes through too many symbolic links").arg(shown(path)));
            auto target = readLink(next.get());
            if (!target)
                return target.error();
            if (target->startsWith('/'))
                stack.resize(1);
            const QList<QByteArray> parts = target->split('/');
            for (auto it = parts.crbegin(); it != parts.crend(); ++it) {
                if (!it->isEmpty() && *it != ".")
                    pending.push_front(*it);
            }
            if (pending.empty()) // a link to "/" or "."
                return Location{std::move(stack.back()), QByteArrayLiteral(".")};
            continue;
        }
        if (last)
            return Location{std::move(stack.back()), part};
        if (!S_ISDIR(st.st_mode))
            return makeError(
                QStringLiteral("unprocessable"),
                QStringLiteral("%1 goes through something that is not a folder").arg(shown(path)));
        stack.push_back(std::move(next));
    }
    return Location{std::move(stack.back()), QByteArrayLiteral(".")};
}

Result<UniqueFd> RootDirectory::openFile(const QByteArray &path) const
{
    auto location = locate(path, Parents::MustExist, true);
    if (!location)
        return location.error();
    UniqueFd fd(::openat(location->parent.get(), location->name.constData(),
                         O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        return failure(path, "open", errno);
    struct stat st
    {
    };
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return makeError(QStringLiteral("unprocessable"),
                         QStringLiteral("%1 is not a regular file").arg(shown(path)));
    return fd;
}

Result<struct stat> RootDirectory::status(const QByteArray &path) const
{
    auto location = locate(path, Parents::MustExist);
    if (!location)
        return location.error();
    struct stat st
    {
    };
    if (::fstatat(location->parent.get(), location->name.constData(), &st, AT_SYMLINK_NOFOLLOW) !=
        0)
        return failure(path, "look up", errno);
    return st;
}

Status RootDirectory::clearWhatIsAt(const Location &location, bool keepDirectory) const
{
    struct stat st
    {
    };
    if (::fstatat(location.parent.get(), location.name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return Ok{};
    if (keepDirectory && S_ISDIR(st.st_mode))
        return Ok{};
    return removeTree(location.parent.get(), location.name);
}

Result<RootDirectory::Location> RootDirectory::placeFor(const QByteArray &path) const
{
    auto location = locate(path, Parents::Create);
    if (location && location->name == ".")
        return namesTheRoot(path);
    return location;
}

Status RootDirectory::makeDirectory(const QByteArray &path, mode_t mode) const
{
    auto location = locate(path, Parents::Create);
    if (!location)
        return location.error();
    const int parent = location->parent.get();
    const char *name = location->name.constData();
    if (location->name == ".")
        return ::fchmod(m_fd.get(), mode) == 0 ? Status(Ok{})
                                               : ioError(path, "set the mode of", errno);
    if (auto cleared = clearWhatIsAt(*location, true); !cleared)
        return cleared;
    if (::mkdirat(parent, name, mode) != 0 && errno != EEXIST)
        return ioError(path, "make the folder", errno);
    if (::fchmodat(parent, name, mode, 0) != 0) // mkdir's mode went through the umask
        return ioError(path, "set the mode of", errno);
    return Ok{};
}

Result<UniqueFd> RootDirectory::createFile(const QByteArray &path) const
{
    auto location = placeFor(path);
    if (!location)
        return location.error();
    if (auto cleared = clearWhatIsAt(*location, false); !cleared)
        return cleared.error();
    UniqueFd fd(::openat(location->parent.get(), location->name.constData(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd)
        return ioError(path, "create", errno);
    return fd;
}

Status RootDirectory::makeSymlink(const QByteArray &path, const QByteArray &target) const
{
    auto location = placeFor(path);
    if (!location)
        return location.error();
    if (auto cleared = clearWhatIsAt(*location, false); !cleared)
        return cleared;
    if (::symlinkat(target.constData(), location->parent.get(), location->name.constData()) != 0)
        return ioError(path, "make the link", errno);
    return Ok{};
}

Status RootDirectory::makeHardLink(const QByteArray &path, const QByteArray &target) const
{
    auto from = locate(target, Parents::MustExist);
    if (!from)
        return from.error();
    struct stat targetStat
    {
    };
    if (::fstatat(from->parent.get(), from->name.constData(), &targetStat, AT_SYMLINK_NOFOLLOW) !=
            0 ||
        S_ISDIR(targetStat.st_mode))
        return makeError(QStringLiteral("unprocessable"),
                         QStringLiteral("hard link %1 points at %2, which is not an earlier file "
                                        "of the image")
                             .arg(shown(path), shown(target)));
    auto location = placeFor(path);
    if (!location)
        return location.error();
    struct stat existing
    {
    };
    if (::fstatat(location->parent.get(), location->name.constData(), &existing,
                  AT_SYMLINK_NOFOLLOW) == 0 &&
        existing.st_dev == targetStat.st_dev && existing.st_ino == targetStat.st_ino)
        return Ok{};
    if (auto cleared = clearWhatIsAt(*location, false); !cleared)
        return cleared;
    if (::linkat(from->parent.get(), from->name.constData(), location->parent.get(),
                 location->name.constData(), 0) != 0)
        return ioError(path, "make the hard link", errno);
    return Ok{};
}

Status RootDirectory::remove(const QByteArray &path) const
{
    auto location = locate(path, Parents::MustExist);
    if (!location)
        return location.error().code == QLatin1String("not_found") ? Status(Ok{})
                                                                   : Status(location.error());
    if (location->name == ".")
        return clearDirectory(path);
    return removeTree(location->parent.get(), location->name);
}

Status RootDirectory::clearDirectory(const QByteArray &path) const
{
    auto location = locate(path, Parents::MustExist, true);
    if (!location)
        return location.error().code == QLatin1String("not_found") ? Status(Ok{})
                                                                   : Status(location.error());
    UniqueFd dir = openDirectory(location->parent.get(), location->name.constData());
    if (!dir)
        return errno == ENOENT || errno == ENOTDIR ? Status(Ok{})
                                                   : Status(ioError(path, "open", errno));
    return forEachChild(dir.get(), [](int fd, const char *name, const struct stat &) {
        return removeTree(fd, name);
    });
}

Status RootDirectory::removeTree(int dirFd, const QByteArray &name)
{
    struct stat st
    {
    };
    if (::fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? Status(Ok{}) : Status(ioError(name, "remove", errno));
    if (S_ISDIR(st.st_mode)) {
        // Folders unpacked read-only (0555) must become writable to be emptied.
        ::fchmodat(dirFd, name.constData(), (st.st_mode & 07777) | S_IRWXU, 0);
        UniqueFd dir = openDirectory(dirFd, name.constData());
        if (!dir)
            return ioError(name, "open", errno);
        auto emptied = forEachChild(dir.get(), [](int fd, const char *child, const struct stat &) {
            return removeTree(fd, child);
        });
        if (!emptied)
            return emptied;
        if (::unlinkat(dirFd, name.constData(), AT_REMOVEDIR) != 0 && errno != ENOENT)
            return ioError(name, "remove", errno);
        return Ok{};
    }
    if (::unlinkat(dirFd, name.constData(), 0) != 0 && errno != ENOENT)
        return ioError(name, "remove", errno);
    return Ok{};
}

Status RootDirectory::cloneTree(int from, int to, Files files)
{
    return forEachChild(
        from, [to, files](int fromDir, const char *name, const struct stat &st) -> Status {
            if (S_ISDIR(st.st_mode)) {
                if (::mkdirat(to, name, 0700) != 0)
                    return ioError(name, "make the folder", errno);
                UniqueFd source = openDirectory(fromDir, name);
                UniqueFd target = openDirectory(to, name);
                if (!source || !target)
                    return ioError(name, "open", errno);
                if (auto cloned = cloneTree(source.get(), target.get(), files); !cloned)
                    return cloned;
                if (::fchmod(target.get(), st.st_mode & 07777) != 0)
                    return ioError(name, "set the mode of", errno);
                return Ok{};
            }
            if (S_ISLNK(st.st_mode)) {
                UniqueFd link(::openat(fromDir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
                auto target =
                    link ? readLink(link.get()) : Result<QByteArray>(ioError(name, "read", errno));
                if (!target)
                    return target.error();
                if (::symlinkat(target->constData(), to, name) != 0)
                    return ioError(name, "make the link", errno);
                return Ok{};
            }
            if (!S_ISREG(st.st_mode))
                return Ok{};
            if (files == Files::Link && ::linkat(fromDir, name, to, name, 0) == 0)
                return Ok{};
            if (files == Files::Link && errno != EXDEV && errno != EMLINK && errno != EPERM)
                return ioError(name, "link", errno);
            return copyFile(fromDir, name, to, st);
        });
}

RootDirectory::Usage RootDirectory::usage(const QString &path)
{
    Usage usage;
    QSet<QPair<quint64, quint64>> seen;
    std::function<void(int)> walk = [&](int dirFd) {
        forEachChild(dirFd, [&](int fd, const char *name, const struct stat &st) -> Status {
            ++usage.entries;
            if (S_ISREG(st.st_mode)) {
                const QPair<quint64, quint64> inode{quint64(st.st_dev), quint64(st.st_ino)};
                if (st.st_nlink < 2 || !seen.contains(inode)) {
                    seen.insert(inode);
                    usage.bytes += st.st_size;
                }
            } else if (S_ISDIR(st.st_mode)) {
                UniqueFd child = openDirectory(fd, name);
                if (child)
                    walk(child.get());
            }
            return Ok{};
        });
    };
    UniqueFd root(::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (root)
        walk(root.get());
    return usage;
}

} // namespace edgedesk
