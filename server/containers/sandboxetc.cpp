#include "containers/sandboxetc.h"

#include "containers/sandboxfiles.h"
#include "containers/sandboxlog.h"
#include "util/tempfolders.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cerrno>

#include <sys/stat.h>
#include <unistd.h>

namespace edgedesk {

namespace {

constexpr auto kFolderPrefix = "edgedesk-sandbox";

// The host /etc entries every sandbox on the host's root gets a copy of, and with network the
// ones it also needs (/etc/ssl and /etc/ca-certificates stay bind mounts of their own: trees,
// and /etc/ssl/private).
QStringList copiedHostEtcEntries(bool network)
{
    // alternatives: Debian's awk, vi, editor... are symlinks through it.
    QStringList names = {QStringLiteral("alternatives"), QStringLiteral("ld.so.cache"),
                         QStringLiteral("localtime")};
    if (network)
        names << QStringLiteral("nsswitch.conf");
    return names;
}

// Copies a symlink as a symlink (same target) and a regular file as a world-readable file;
// anything else (sockets, devices, nested directories) is left out.
Status copyEtcEntry(const QString &source, const QString &destination)
{
    const QByteArray from = QFile::encodeName(source);
    const QByteArray to = QFile::encodeName(destination);
    struct stat info;
    if (::lstat(from.constData(), &info) != 0)
        return Ok{}; // vanished meanwhile: the next fingerprint differs and restages
    if (S_ISLNK(info.st_mode)) {
        char target[4096];
        const ssize_t length = ::readlink(from.constData(), target, sizeof target - 1);
        if (length < 0)
            return Ok{};
        target[length] = '\0';
        if (::symlink(target, to.constData()) != 0)
            return makeError(QStringLiteral("storage_error"),
                             QStringLiteral("cannot stage %1: %2")
                                 .arg(destination, qt_error_string(errno)));
        return Ok{};
    }
    if (!S_ISREG(info.st_mode))
        return Ok{};
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly))
        return Ok{}; // unreadable on the host: the sandbox would not have seen it either
    const QByteArray content = in.readAll();
    QFile out(destination);
    if (!out.open(QIODevice::WriteOnly) || out.write(content) != content.size())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot stage %1: %2").arg(destination, out.errorString()));
    out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                       QFileDevice::ReadOther);
    return Ok{};
}

} // namespace

SandboxEtc::SandboxEtc(QString tempDir, QString hostEtcDir)
    : m_tempDir(std::move(tempDir)), m_hostEtcDir(std::move(hostEtcDir))
{
}

SandboxEtc::~SandboxEtc() = default;

QList<SandboxEtc::StagedFile> SandboxEtc::stagedFiles(const SandboxSpec &spec)
{
    const QByteArray user = spec.userName.toUtf8();
    const QByteArray uid = QByteArray::number(spec.uid);
    const QByteArray gid = QByteArray::number(spec.gid);
    QList<StagedFile> files;
    if (spec.rootFilesystem.isEmpty()) {
        files.append({QStringLiteral("passwd"), QStringLiteral("/etc/passwd"),
                      user + ":x:" + uid + ':' + gid + "::" + spec.workingDirectory.toUtf8() +
                          ":/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"});
        files.append({QStringLiteral("group"), QStringLiteral("/etc/group"),
                      user + ":x:" + gid + ":\nnogroup:x:65534:\n"});
    }
    files.append({QStringLiteral("hosts"), QStringLiteral("/etc/hosts"),
                  "127.0.0.1\tlocalhost\n127.0.1.1\t" + spec.hostname.toUtf8() +
                      "\n::1\tlocalhost ip6-localhost ip6-loopback\n"});
    if (spec.network) {
        const QByteArray resolv = readSmallFile(QStringLiteral("/etc/resolv.conf"));
        if (!resolv.isEmpty())
            files.append(
                {QStringLiteral("resolv.conf"), QStringLiteral("/etc/resolv.conf"), resolv});
    }
    int index = 0;
    for (auto it = spec.files.cbegin(); it != spec.files.cend(); ++it)
        files.append({QStringLiteral("file-%1").arg(index++), it.key(), it.value()});
    return files;
}

bool SandboxEtc::inStagedEtc(const SandboxSpec &spec, const QString &destination)
{
    return spec.rootFilesystem.isEmpty() && destination.startsWith(QLatin1String("/etc/")) &&
           destination.indexOf(QLatin1Char('/'), 5) < 0 && destination.size() > 5 &&
           destination != QLatin1String("/etc/ssl") &&
           destination != QLatin1String("/etc/ca-certificates");
}

// What identifies the current state of the copied host entries: inode, size, mtime and ctime of
// each (a directory's mtime changes when an entry is added, removed or replaced, which is how
// update-alternatives and ldconfig install theirs). A few lstat calls per command.
// *newestChangeSec: the latest mtime/ctime among them, in seconds since the epoch.
QByteArray SandboxEtc::hostFingerprint(bool network, qint64 *newestChangeSec) const
{
    QByteArray fingerprint;
    *newestChangeSec = 0;
    for (const QString &name : copiedHostEtcEntries(network)) {
        const QByteArray native = QFile::encodeName(m_hostEtcDir + QLatin1Char('/') + name);
        struct stat info;
        if (::lstat(native.constData(), &info) != 0) {
            fingerprint += name.toUtf8() + ":-\n";
            continue;
        }
        *newestChangeSec = qMax(*newestChangeSec,
                                qMax(qint64(info.st_mtim.tv_sec), qint64(info.st_ctim.tv_sec)));
        fingerprint += name.toUtf8() + ':' + QByteArray::number(quint64(info.st_dev)) + ':' +
                       QByteArray::number(quint64(info.st_ino)) + ':' +
                       QByteArray::number(quint64(info.st_mode)) + ':' +
                       QByteArray::number(qint64(info.st_size)) + ':' +
                       QByteArray::number(qint64(info.st_mtim.tv_sec)) + '.' +
                       QByteArray::number(qint64(info.st_mtim.tv_nsec)) + ':' +
                       QByteArray::number(qint64(info.st_ctim.tv_sec)) + '.' +
                       QByteArray::number(qint64(info.st_ctim.tv_nsec)) + '\n';
    }
    return fingerprint;
}

// Fills etcDir with copies of the host entries (see copiedHostEtcEntries()).
Status SandboxEtc::copyHostEtc(const QString &etcDir, bool network) const
{
    for (const QString &name : copiedHostEtcEntries(network)) {
        const QString source = m_hostEtcDir + QLatin1Char('/') + name;
        const QString destination = etcDir + QLatin1Char('/') + name;
        const QFileInfo info(source);
        if (info.isDir() && !info.isSymLink()) {
            if (::mkdir(QFile::encodeName(destination).constData(), 0755) != 0)
                return makeError(QStringLiteral("storage_error"),
                                 QStringLiteral("cannot stage %1: %2")
                                     .arg(destination, qt_error_string(errno)));
            const QStringList entries =
                QDir(source).entryList(QDir::AllEntries | QDir::System | QDir::Hidden |
                                       QDir::NoDotAndDotDot);
            for (const QString &entry : entries) {
                Status copied = copyEtcEntry(source + QLatin1Char('/') + entry,
                                             destination + QLatin1Char('/') + entry);
                if (!copied.ok())
                    return copied;
            }
            continue;
        }
        Status copied = copyEtcEntry(source, destination);
        if (!copied.ok())
            return copied;
    }
    if (network) {
        // Mount points for the trees bound on top of the read-only /etc.
        for (const char *name : {"ssl", "ca-certificates"})
            ::mkdir(QFile::encodeName(etcDir + QLatin1Char('/') + QLatin1String(name)).constData(),
                    0755);
    }
    return Ok{};
}

Result<std::shared_ptr<QTemporaryDir>> SandboxEtc::newFolder()
{
    std::call_once(m_swept, [this] {
        if (const int removed = removeStale(m_tempDir))
            qCInfo(lcSandbox) << "removed" << removed
                              << "staging folders left by processes that are gone";
    });
    auto dir = std::make_shared<QTemporaryDir>(
        m_tempDir + QStringLiteral("/%1-%2-XXXXXX")
                        .arg(QLatin1String(kFolderPrefix))
                        .arg(QCoreApplication::applicationPid()));
    if (!dir->isValid())
        return makeError(
            QStringLiteral("storage_error"),
            QStringLiteral("cannot create a staging directory: %1").arg(dir->errorString()));
    // bwrap may run as an unprivileged host uid and must be able to read what it binds.
    QFile::setPermissions(dir->path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                           QFileDevice::ExeOwner | QFileDevice::ReadGroup |
                                           QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                           QFileDevice::ExeOther);
    return dir;
}

Result<std::shared_ptr<QTemporaryDir>> SandboxEtc::stage(const SandboxSpec &spec)
{
    // The staged /etc is one folder bound with one --ro-bind: bubblewrap rereads the growing
    // /proc/self/mountinfo for every bind it makes, so each bind saved counts. The copies of the
    // host entries are restaged when those change (their lstat fingerprint is part of the key).
    const bool wholeEtc = spec.rootFilesystem.isEmpty();
    const QList<StagedFile> files = stagedFiles(spec);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 newestChangeSec = 0;
    if (wholeEtc)
        hash.addData(hostFingerprint(spec.network, &newestChangeSec) + '\0');
    hash.addData(QByteArray(spec.network ? "network\0" : "isolated\0", 9));
    hash.addData(QByteArray(wholeEtc ? "etc\0" : "image\0", wholeEtc ? 4 : 6));
    for (const StagedFile &file : files) {
        hash.addData(file.name.toUtf8() + '\0' + file.destination.toUtf8() + '\0');
        hash.addData(QByteArray::number(file.content.size()) + '\0' + file.content);
    }
    const QByteArray key = hash.result();
    QMutexLocker lock(&m_mutex);
    if (auto it = m_cache.constFind(key);
        it != m_cache.constEnd() && QFileInfo::exists((*it)->path()))
        return *it;
    auto dir = newFolder();
    if (!dir.ok())
        return dir.error();
    const QString staging = (*dir)->path();
    if (wholeEtc) {
        const QString etc = staging + QStringLiteral("/etc");
        if (::mkdir(QFile::encodeName(etc).constData(), 0755) != 0)
            return makeError(
                QStringLiteral("storage_error"),
                QStringLiteral("cannot create %1: %2").arg(etc, qt_error_string(errno)));
        if (Status copied = copyHostEtc(etc, spec.network); !copied.ok())
            return copied.error();
    }
    for (const StagedFile &staged : files) {
        const QString path = inStagedEtc(spec, staged.destination)
                                 ? staging + staged.destination
                                 : staging + QLatin1Char('/') + staged.name;
        QFile::remove(path); // a generated file replaces a copied host entry of that name
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(staged.content) != staged.content.size())
            return makeError(
                QStringLiteral("storage_error"),
                QStringLiteral("cannot stage %1: %2").arg(staged.destination, file.errorString()));
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                            QFileDevice::ReadGroup | QFileDevice::ReadOther);
    }
    // File times have a coarse clock: a host entry changed again within the same tick would
    // keep its fingerprint. A copy made while the entries are that fresh serves this sandbox
    // only; the next ones copy again until the host has been quiet for a moment.
    const qint64 nowSec = QDateTime::currentSecsSinceEpoch();
    if (newestChangeSec >= nowSec - 2)
        return *dir;
    if (m_cache.size() >= 64)
        m_cache.clear(); // sandboxes still running keep their folders alive
    m_cache.insert(key, *dir);
    return *dir;
}

int SandboxEtc::removeStale(const QString &tempDir)
{
    // Older builds named the folders edgedesk-sandbox-XXXXXX: those go once an hour old.
    return removeTempFoldersOfGoneProcesses(tempDir, QLatin1String(kFolderPrefix), 3600);
}

} // namespace edgedesk
