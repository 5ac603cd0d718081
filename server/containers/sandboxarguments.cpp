#include "containers/sandboxarguments.h"

#include "containers/sandboxetc.h"

#include <QFileInfo>

namespace edgedesk {

namespace {

// The host's read-only system: /usr and the merged-/usr symlinks (or the real directories on
// systems without merged /usr). The host's layout does not change while we run: looked at once
// (about 20 system calls).
const QStringList &hostSystemMounts()
{
    static const QStringList mounts = [] {
        QStringList result = {QStringLiteral("--ro-bind"), QStringLiteral("/usr"),
                              QStringLiteral("/usr")};
        for (const char *name : {"bin", "sbin", "lib", "lib64", "lib32", "libx32"}) {
            const QString path = QLatin1Char('/') + QLatin1String(name);
            const QFileInfo info(path);
            if (info.isSymLink())
                result << QStringLiteral("--symlink") << info.symLinkTarget() << path;
            else if (info.isDir())
                result << QStringLiteral("--ro-bind") << path << path;
        }
        return result;
    }();
    return mounts;
}

} // namespace

QMap<QString, QString> SandboxArguments::environment(const SandboxSpec &spec)
{
    QMap<QString, QString> environment = spec.environment;
    const auto setDefault = [&environment](const QString &name, const QString &value) {
        if (!environment.contains(name))
            environment.insert(name, value);
    };
    setDefault(QStringLiteral("PATH"), QLatin1String(kDefaultPath));
    setDefault(QStringLiteral("HOME"), spec.workingDirectory);
    setDefault(QStringLiteral("USER"), spec.userName);
    setDefault(QStringLiteral("LOGNAME"), spec.userName);
    setDefault(QStringLiteral("SHELL"), QStringLiteral("/bin/sh"));
    return environment;
}

QStringList SandboxArguments::bwrap(const SandboxSpec &spec, const QString &stagingDir,
                                    const SandboxProbe &probe)
{
    QStringList args;
    args << QStringLiteral("--unshare-user") << QStringLiteral("--uid") << QString::number(spec.uid)
         << QStringLiteral("--gid") << QString::number(spec.gid) << QStringLiteral("--unshare-pid")
         << QStringLiteral("--unshare-ipc") << QStringLiteral("--unshare-uts")
         << QStringLiteral("--unshare-cgroup-try");
    if (!spec.network)
        args << QStringLiteral("--unshare-net");
    if (probe.disableUserns)
        args << QStringLiteral("--disable-userns");
    args << QStringLiteral("--die-with-parent") << QStringLiteral("--new-session")
         << QStringLiteral("--cap-drop") << QStringLiteral("ALL") << QStringLiteral("--hostname")
         << spec.hostname;

    args << QStringLiteral("--clearenv");
    const QMap<QString, QString> variables = environment(spec);
    for (auto it = variables.cbegin(); it != variables.cend(); ++it)
        args << QStringLiteral("--setenv") << it.key() << it.value();

    const bool hostRoot = spec.rootFilesystem.isEmpty();
    if (hostRoot)
        args << hostSystemMounts();
    else
        // Bound writable first so that bwrap can make the mount points below in it; made
        // read-only at the end (unless rootWritable).
        args << QStringLiteral("--bind") << spec.rootFilesystem << QStringLiteral("/");
    args << QStringLiteral("--proc") << QStringLiteral("/proc") << QStringLiteral("--dev")
         << QStringLiteral("/dev");
    // tmpfs pages are host memory: without a size, /tmp could take all of it.
    if (probe.tmpfsSize && spec.limits.tmpBytes > 0)
        args << QStringLiteral("--size") << QString::number(spec.limits.tmpBytes);
    args << QStringLiteral("--tmpfs") << QStringLiteral("/tmp");
    if (hostRoot) {
        // One read-only /etc staged by SandboxEtc: the generated files and copies of the few
        // host entries programs break without.
        args << QStringLiteral("--ro-bind") << stagingDir + QStringLiteral("/etc")
             << QStringLiteral("/etc");
        if (spec.network) {
            for (const QString &path :
                 {QStringLiteral("/etc/ssl"), QStringLiteral("/etc/ca-certificates")})
                args << QStringLiteral("--ro-bind-try") << path << path;
        }
    }
    const QList<SandboxEtc::StagedFile> files = SandboxEtc::stagedFiles(spec);
    for (const SandboxEtc::StagedFile &file : files) {
        if (!SandboxEtc::inStagedEtc(spec, file.destination))
            args << QStringLiteral("--ro-bind") << stagingDir + QLatin1Char('/') + file.name
                 << file.destination;
    }

    for (const SandboxBind &bind : spec.binds) {
        QString option = bind.writable ? QStringLiteral("--bind") : QStringLiteral("--ro-bind");
        if (bind.optional)
            option += QStringLiteral("-try");
        args << option << bind.source << bind.destination;
    }
    if (!hostRoot && !spec.rootWritable)
        args << QStringLiteral("--remount-ro") << QStringLiteral("/");

    args << QStringLiteral("--chdir") << spec.workingDirectory;
    args << QStringLiteral("--") << spec.program;
    args << spec.arguments;
    return args;
}

} // namespace edgedesk
