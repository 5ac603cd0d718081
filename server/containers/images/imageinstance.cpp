#include "containers/images/imageinstance.h"

#include "containers/images/imagelog.h"
#include "containers/images/rootdirectory.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QProcess>

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

namespace edgedesk {

namespace {

// What the sandbox provides itself, whatever the image holds there.
const QStringList kProvided = {QStringLiteral("proc"), QStringLiteral("dev"), QStringLiteral("tmp"),
                               QStringLiteral(".edgedesk")};

// Binds the entries of hostDir read-only at inside/<name> (symbolic links recreated as such),
// but those named in skip.
void bindEntries(QStringList &args, const QString &hostDir, const QString &inside,
                 const QStringList &skip)
{
    const QFileInfoList entries = QDir(hostDir).entryInfoList(
        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &entry : entries) {
        const QString name = entry.fileName();
        if (skip.contains(name))
            continue;
        const QString path = inside + QLatin1Char('/') + name;
        if (entry.isSymLink()) {
            char target[4096];
            const ssize_t n =
                ::readlink(QFile::encodeName(entry.filePath()).constData(), target, sizeof target);
            if (n > 0 && size_t(n) < sizeof target)
                args << QStringLiteral("--symlink") << QFile::decodeName(QByteArray(target, int(n)))
                     << path;
        } else if (entry.isDir() || entry.isFile()) {
            args << QStringLiteral("--ro-bind") << entry.filePath() << path;
        }
    }
}

void removeFolder(const QString &path)
{
    const QFileInfo info(path);
    auto parent = RootDirectory::open(info.absolutePath());
    if (parent)
        RootDirectory::removeTree(parent->fd(), QFile::encodeName(info.fileName()));
}

} // namespace

ImageInstance::ImageInstance(const Setup &setup)
    : m_setup(setup), m_socketFolder(setup.socketFolder)
{
    m_spec.program = QLatin1String(kInitPath);
    m_spec.environment = setup.process.environment;
    m_spec.network = false;
    m_spec.uid = setup.process.uid;
    m_spec.gid = setup.process.gid;
    m_spec.userName = setup.process.userName;
    m_spec.hostname = setup.hostname;
    m_spec.workingDirectory = setup.process.workingDirectory;
    m_spec.limits = setup.limits;
}

ImageInstance::~ImageInstance()
{
    QFile::remove(socketPath());
    if (!m_resolvConf.isEmpty())
        QFile::remove(m_resolvConf);
    if (!m_workCopy.isEmpty())
        removeFolder(m_workCopy);
}

Result<std::unique_ptr<ImageInstance>> ImageInstance::prepare(const Setup &setup)
{
    std::unique_ptr<ImageInstance> instance(new ImageInstance(setup));
    QFile::remove(instance->socketPath());
    if (setup.outboundNetwork) {
        // Names resolve through pasta's DNS forwarder, whatever the image's own file says.
        const QString resolvConf = setup.folder + QStringLiteral("/resolv.conf");
        QFile file(resolvConf);
        if (!QDir().mkpath(setup.folder) ||
            !file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(QByteArray("nameserver ") + kDnsForwarder + '\n') < 0 || !file.flush())
            return makeError(
                QStringLiteral("storage_error"),
                QStringLiteral("cannot write %1: %2").arg(resolvConf, file.errorString()));
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                            QFile::ReadOther);
        instance->m_resolvConf = resolvConf;
    }
    if (QFile::encodeName(instance->socketPath()).size() >= 108)
        return makeError(
            QStringLiteral("storage_error"),
            QStringLiteral("the socket path %1 is too long").arg(instance->socketPath()));
    const QString workingDir = QDir::cleanPath(setup.process.workingDirectory);
    if (workingDir == QLatin1String("/")) {
        instance->m_layerNote = QStringLiteral("a tmpfs root (WorkingDir is /)");
        return instance;
    }
    auto root = RootDirectory::open(setup.rootfs);
    if (!root)
        return root.error();
    const QString work = setup.folder + QStringLiteral("/work");
    removeFolder(work); // left by a crash
    if (!QDir().mkpath(work))
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot make %1").arg(work));
    instance->m_workCopy = work;
    auto location =
        root->locate(QFile::encodeName(workingDir), RootDirectory::Parents::MustExist, true);
    if (!location) {
        // Only a folder right below "/" can be made for it (in the tmpfs root).
        if (location.error().code != QLatin1String("not_found") ||
            workingDir.count(QLatin1Char('/')) > 1)
            return makeError(QStringLiteral("unprocessable"),
                             QStringLiteral("the image's WorkingDir %1 cannot be used: %2")
                                 .arg(workingDir, location.error().message));
        instance->m_layerNote = QStringLiteral("an empty %1").arg(workingDir);
        return instance;
    }
    UniqueFd source(::openat(location->parent.get(), location->name.constData(),
                             O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    UniqueFd target(
        ::open(QFile::encodeName(work).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!source || !target)
        return makeError(
            QStringLiteral("unprocessable"),
            QStringLiteral("the image's WorkingDir %1 is not a folder").arg(workingDir));
    if (auto copied =
            RootDirectory::cloneTree(source.get(), target.get(), RootDirectory::Files::Copy);
        !copied)
        return copied.error();
    const RootDirectory::Usage usage = RootDirectory::usage(work);
    instance->m_layerNote = QStringLiteral("a copy of %1 (%2 entries, %3)")
                                .arg(workingDir)
                                .arg(usage.entries)
                                .arg(QLocale::c().formattedDataSize(usage.bytes));
    return instance;
}

Status ImageInstance::handTo(quint32 uid) const
{
    QStringList paths{m_socketFolder};
    if (!m_workCopy.isEmpty()) {
        QDirIterator it(m_workCopy,
                        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        paths.append(m_workCopy);
        while (it.hasNext())
            paths.append(it.next());
    }
    for (const QString &path : paths) {
        if (::lchown(QFile::encodeName(path).constData(), uid, uid) != 0)
            return makeError(QStringLiteral("storage_error"),
                             QStringLiteral("cannot hand %1 to uid %2: %3")
                                 .arg(path)
                                 .arg(uid)
                                 .arg(qt_error_string(errno)));
    }
    return Ok{};
}

QStringList ImageInstance::bwrapArguments(bool disableUserns) const
{
    const ImageProcess &process = m_setup.process;
    QStringList args;
    args << QStringLiteral("--unshare-user") << QStringLiteral("--uid")
         << QString::number(process.uid) << QStringLiteral("--gid") << QString::number(process.gid)
         << QStringLiteral("--unshare-pid") << QStringLiteral("--unshare-ipc")
         << QStringLiteral("--unshare-uts") << QStringLiteral("--unshare-cgroup-try");
    if (!m_setup.outboundNetwork)
        args << QStringLiteral("--unshare-net");
    if (disableUserns)
        args << QStringLiteral("--disable-userns");
    args << QStringLiteral("--die-with-parent") << QStringLiteral("--new-session")
         << QStringLiteral("--cap-drop") << QStringLiteral("ALL") << QStringLiteral("--hostname")
         << m_setup.hostname << QStringLiteral("--clearenv");
    for (auto it = process.environment.cbegin(); it != process.environment.cend(); ++it)
        args << QStringLiteral("--setenv") << it.key() << it.value();

    // The image's top level, read-only, over bwrap's private tmpfs root. With outbound network
    // /etc too is bound entry by entry, so that its resolv.conf can be pasta's DNS forwarder.
    const bool ownResolver = !m_resolvConf.isEmpty();
    const QFileInfo etc(m_setup.rootfs + QStringLiteral("/etc"));
    const bool splitEtc = ownResolver && etc.isDir() && !etc.isSymLink();
    bindEntries(args, m_setup.rootfs, QString(),
                splitEtc ? kProvided + QStringList{QStringLiteral("etc")} : kProvided);
    if (splitEtc)
        bindEntries(args, etc.filePath(), QStringLiteral("/etc"), {QStringLiteral("resolv.conf")});
    if (ownResolver)
        args << QStringLiteral("--ro-bind") << m_resolvConf << QStringLiteral("/etc/resolv.conf");
    args << QStringLiteral("--proc") << QStringLiteral("/proc") << QStringLiteral("--dev")
         << QStringLiteral("/dev") << QStringLiteral("--tmpfs") << QStringLiteral("/tmp");
    if (!m_workCopy.isEmpty())
        args << QStringLiteral("--bind") << m_workCopy << QDir::cleanPath(process.workingDirectory);
    args << QStringLiteral("--ro-bind") << m_setup.initProgram << QLatin1String(kInitPath)
         << QStringLiteral("--bind") << m_socketFolder << QLatin1String(kRunPath);
    args << QStringLiteral("--chdir") << process.workingDirectory << QStringLiteral("--")
         << QLatin1String(kInitPath) << QStringLiteral("--socket")
         << QLatin1String(kRunPath) + QStringLiteral("/http.sock") << QStringLiteral("--port")
         << QString::number(process.port) << QStringLiteral("--") << process.argv;
    return args;
}

void ImageInstance::configure(Sandbox &sandbox, QProcess &process, bool disableUserns) const
{
    sandbox.configure(process);
    process.setArguments(bwrapArguments(disableUserns));
}

} // namespace edgedesk
