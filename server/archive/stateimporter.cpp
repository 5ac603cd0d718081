#include "archive/stateimporter.h"

#include "archive/archivelog.h"
#include "archive/datafolderlock.h"
#include "archive/sqlitesnapshot.h"
#include "archive/statelayout.h"
#include "archive/zipreader.h"
#include "storage/secrets/secretstore.h"
#include "storage/sqlitedb.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QTemporaryDir>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace edgedesk {

namespace {

constexpr qint64 kMaxManifestBytes = 64 * 1024 * 1024;

const char *const kObjectFiles = "SELECT key, size, file FROM objects";

Error unprocessable(const QString &message)
{
    return makeError(QStringLiteral("unprocessable"), message);
}

Error storageError(const QString &message)
{
    return makeError(QStringLiteral("storage_error"), message);
}

Error cancelled()
{
    return makeError(QStringLiteral("cancelled"), QStringLiteral("the import was cancelled"));
}

// Every failure before the swap leaves the data folder as it was; the message says so.
Error unchanged(const Error &error)
{
    if (error.code == QLatin1String("cancelled"))
        return error;
    return makeError(error.code, error.message + QStringLiteral("; nothing was changed"));
}

bool isDatabase(StateLayout::Kind kind)
{
    return kind == StateLayout::Kind::Kv || kind == StateLayout::Kind::Durable ||
           kind == StateLayout::Kind::BucketMeta || kind == StateLayout::Kind::SecretsStore;
}

bool renamePath(const QString &from, const QString &to)
{
    return ::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) == 0;
}

void syncFolder(const QString &dir, bool wholeFileSystem)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (wholeFileSystem)
        ::syncfs(fd);
    else
        ::fsync(fd);
    ::close(fd);
}

struct CheckedArchive
{
    std::unique_ptr<ZipReader> reader;
    StateManifest manifest;
};

// Everything that can be known without unpacking: the archive's structure, the manifest, and
// the one-to-one match between the two.
Result<CheckedArchive> openArchive(const QString &archivePath)
{
    if (!QFileInfo(archivePath).isFile())
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("there is no archive at %1").arg(archivePath));
    auto reader = ZipReader::open(archivePath);
    if (!reader)
        return reader.error();
    const int manifestIndex = (*reader)->indexOf(StateManifest::fileName());
    if (manifestIndex < 0)
        return unprocessable(
            QStringLiteral("this is not an EdgeDesk state archive: it has no manifest.json"));
    auto json = (*reader)->readAll(manifestIndex, kMaxManifestBytes);
    if (!json)
        return json.error();
    auto manifest = StateManifest::fromJson(*json);
    if (!manifest)
        return manifest.error();

    QHash<QString, qint64> listed;
    listed.reserve(manifest->entries.size());
    for (const StateManifest::Entry &e : manifest->entries) {
        const StateLayout::Kind kind = StateLayout::kindOf(e.name);
        if (kind == StateLayout::Kind::None || kind == StateLayout::Kind::Manifest)
            return unprocessable(QStringLiteral("archive entry %1 is not part of an EdgeDesk "
                                                "state")
                                     .arg(ZipReader::quoted(e.name)));
        if (listed.contains(e.name))
            return unprocessable(
                QStringLiteral("manifest.json lists %1 twice").arg(ZipReader::quoted(e.name)));
        listed.insert(e.name, e.size);
    }
    for (const ZipEntry &entry : (*reader)->entries()) {
        if (entry.isDirectory || entry.name == StateManifest::fileName())
            continue;
        const auto it = listed.constFind(entry.name);
        if (it == listed.constEnd())
            return unprocessable(QStringLiteral("archive entry %1 is not listed in manifest.json")
                                     .arg(ZipReader::quoted(entry.name)));
        if (*it != entry.size)
            return unprocessable(QStringLiteral("archive entry %1 is damaged: it holds %2 bytes, "
                                                "manifest.json says %3")
                                     .arg(ZipReader::quoted(entry.name))
                                     .arg(entry.size)
                                     .arg(*it));
    }
    for (const StateManifest::Entry &e : manifest->entries) {
        if ((*reader)->indexOf(e.name) < 0)
            return unprocessable(QStringLiteral("archive entry %1, listed in manifest.json, is "
                                                "missing")
                                     .arg(ZipReader::quoted(e.name)));
    }
    if (manifest->includesSecretKey != listed.contains(StateLayout::secretsKeyEntry()))
        return unprocessable(QStringLiteral("manifest.json is invalid: includes_secret_key "
                                            "disagrees with the entries"));
    return CheckedArchive{std::move(*reader), std::move(*manifest)};
}

class ImportJob
{
public:
    ImportJob(const StateImportOptions &options, const ArchiveProgress &progress)
        : m_options(options), m_progress(progress)
    {}

    Result<StateImportSummary> run();

private:
    Status unpack();
    Status checkDatabases();
    Status checkBucket(const QString &binding);
    Status settleSecrets();
    Status settleConfig();
    Status swap();

    StateImportOptions m_options;
    ArchiveProgress m_progress;
    QString m_dataDir;
    QString m_previous;
    std::unique_ptr<DataFolderLock> m_lock;
    CheckedArchive m_archive;
    std::unique_ptr<QTemporaryDir> m_staging;
    bool m_restoredConfig = false;
    QStringList m_notes;
};

Status ImportJob::unpack()
{
    ZipReader &reader = *m_archive.reader;
    const QDir staging(m_staging->path());
    const qint64 total = reader.totalBytes();
    qint64 done = 0;
    for (const StateManifest::Entry &e : m_archive.manifest.entries) {
        const QString path = staging.filePath(e.name);
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return storageError(QStringLiteral("cannot create a folder in %1").arg(staging.path()));
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return storageError(QStringLiteral("cannot write %1: %2").arg(path, out.errorString()));
        const StateLayout::Kind kind = StateLayout::kindOf(e.name);
        if (kind == StateLayout::Kind::SecretsKey || kind == StateLayout::Kind::SecretsStore)
            out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QCryptographicHash sha(QCryptographicHash::Sha256);
        auto st = reader.read(reader.indexOf(e.name), [&](const char *data, qint64 size) -> Status {
            sha.addData(QByteArrayView(data, size));
            if (out.write(data, size) != size)
                return storageError(
                    QStringLiteral("cannot write %1 (is the disk full?)").arg(path));
            done += size;
            if (m_progress && !m_progress(done, total, e.name))
                return cancelled();
            return Ok{};
        });
        if (!st)
            return st;
        if (!out.flush())
            return storageError(QStringLiteral("cannot write %1 (is the disk full?)").arg(path));
        out.close();
        if (sha.result().toHex() != e.sha256)
            return unprocessable(QStringLiteral("archive entry %1 is damaged: its SHA-256 does "
                                                "not match manifest.json")
                                     .arg(ZipReader::quoted(e.name)));
    }
    return Ok{};
}

Status ImportJob::checkBucket(const QString &binding)
{
    const QDir root(QDir(m_staging->path()).filePath(QStringLiteral("r2/") + binding));
    auto db =
        SqliteDb::open(root.filePath(QStringLiteral("meta.sqlite")), SqliteDb::Mode::ReadOnly);
    if (!db)
        return unprocessable(
            QStringLiteral("archive entry 'r2/%1/meta.sqlite' cannot be opened").arg(binding));
    auto rows = db->prepare(kObjectFiles);
    if (!rows)
        return unprocessable(QStringLiteral("archive entry 'r2/%1/meta.sqlite' is not bucket "
                                            "metadata")
                                 .arg(binding));
    while ((*rows)->next()) {
        const QString key = (*rows)->text(0);
        const qint64 size = (*rows)->int64(1);
        const QString file = (*rows)->text(2);
        const QString name = QStringLiteral("r2/%1/%2").arg(binding, file);
        if (!StateLayout::isObjectPath(file) || QFileInfo(root.filePath(file)).size() != size ||
            !QFileInfo(root.filePath(file)).isFile()) {
            (*rows)->reset();
            return unprocessable(QStringLiteral("object '%1' of bucket %2 is missing from the "
                                                "archive (%3)")
                                     .arg(key, binding, ZipReader::quoted(name)));
        }
    }
    const QString error = (*rows)->error();
    (*rows)->reset();
    if (!error.isEmpty())
        return unprocessable(QStringLiteral("archive entry 'r2/%1/meta.sqlite' cannot be read: "
                                            "%2")
                                 .arg(binding, error));
    return Ok{};
}

Status ImportJob::checkDatabases()
{
    const QDir staging(m_staging->path());
    for (const StateManifest::Entry &e : m_archive.manifest.entries) {
        const StateLayout::Kind kind = StateLayout::kindOf(e.name);
        if (!isDatabase(kind))
            continue;
        if (auto st = SqliteSnapshot::check(
                staging.filePath(e.name),
                QStringLiteral("archive entry %1").arg(ZipReader::quoted(e.name)));
            !st)
            return unprocessable(st.error().message);
        if (kind == StateLayout::Kind::BucketMeta) {
            if (auto st = checkBucket(e.name.section(u'/', 1, 1)); !st)
                return st;
        }
    }
    return Ok{};
}

Status ImportJob::settleSecrets()
{
    const QDir staging(m_staging->path());
    const QString folder = staging.filePath(QStringLiteral("secrets"));
    const QString store = staging.filePath(StateLayout::secretsStoreEntry());
    const QString key = staging.filePath(StateLayout::secretsKeyEntry());
    const QString oldKey = QDir(m_dataDir).filePath(StateLayout::secretsKeyEntry());
    const QString finalKey = QDir(m_dataDir).filePath(StateLayout::secretsKeyEntry());
    bool keptKey = false;
    if (!m_archive.manifest.includesSecretKey && QFileInfo(oldKey).isFile()) {
        QDir().mkpath(folder);
        if (!QFile::copy(oldKey, key))
            return storageError(QStringLiteral("cannot keep the existing %1").arg(oldKey));
        QFile::setPermissions(key, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        keptKey = true;
    }
    if (!QFileInfo::exists(store))
        return Ok{};
    if (QFileInfo::exists(key)) {
        // Opening proves the key belongs to the store (its sealed verification record).
        auto opened = SecretStore::open(folder);
        if (!opened) {
            m_notes.append(
                keptKey ? QStringLiteral("The secrets store was restored, but the existing key "
                                         "file (%1) does not open it: it was sealed with "
                                         "another key. Secrets cannot be read until the "
                                         "original secrets.key is put there (mode 0600).")
                              .arg(finalKey)
                        : QStringLiteral("The archive's secrets.key does not open its secrets "
                                         "store: %1")
                              .arg(opened.error().message));
        }
        return Ok{};
    }
    auto secrets = SqliteSnapshot::countRows(store, "secrets");
    if (secrets && *secrets > 0)
        m_notes.append(QStringLiteral("The secrets store (%1 secrets) was restored without its "
                                      "key: the archive was made without "
                                      "--include-secret-key and this data folder had no key. "
                                      "Put the original secrets.key at %2 (mode 0600) before "
                                      "using secrets.")
                           .arg(*secrets)
                           .arg(finalKey));
    return Ok{};
}

Status ImportJob::settleConfig()
{
    const QDir staging(m_staging->path());
    const QString config = staging.filePath(StateLayout::configEntry());
    const StateManifest &m = m_archive.manifest;
    if (QFileInfo::exists(config)) {
        if (m.configSource == QLatin1String("data")) {
            if (!renamePath(config, staging.filePath(StateLayout::dataConfigName())))
                return storageError(QStringLiteral("cannot place the configuration"));
            m_restoredConfig = true;
        } else if (m.configSource == QLatin1String("file")) {
            m_notes.append(QStringLiteral("The archive's configuration came from %1 and was not "
                                          "written anywhere (EdgeDesk reads it from --config); "
                                          "it is in the archive as %2.")
                               .arg(m.configPath, StateLayout::configEntry()));
        }
    }
    QDir(staging.filePath(QStringLiteral("config"))).removeRecursively();
    return Ok{};
}

Status ImportJob::swap()
{
    const QString staging = m_staging->path();
    const bool hadFolder = QFileInfo(m_dataDir).isDir();
    if (m_lock) {
        // The held lock file gets a second name inside the new folder, so the folder stays
        // locked without a gap from before the swap until the import ends. (Without hard links
        // the new folder is unlocked for the moment between the swap and the end.)
        const QByteArray inNew =
            QFile::encodeName(QDir(staging).filePath(DataFolderLock::fileName()));
        if (::link(QFile::encodeName(m_lock->path()).constData(), inNew.constData()) != 0)
            qCWarning(lcArchive) << "cannot link the lock file into the new folder:"
                                 << strerror(errno);
    }
    syncFolder(staging, true);
    if (hadFolder && !renamePath(m_dataDir, m_previous))
        return storageError(QStringLiteral("cannot move the data folder aside to %1: %2; nothing "
                                           "was changed")
                                .arg(m_previous, QString::fromLocal8Bit(strerror(errno))));
    if (!renamePath(staging, m_dataDir)) {
        const QString why = QString::fromLocal8Bit(strerror(errno));
        if (hadFolder && !renamePath(m_previous, m_dataDir))
            return storageError(QStringLiteral("cannot put the new data folder in place (%1), "
                                               "nor the old one back: it is at %2")
                                    .arg(why, m_previous));
        return storageError(
            QStringLiteral("cannot put the new data folder in place (%1)").arg(why));
    }
    m_staging->setAutoRemove(false);
    const QString parent = QFileInfo(m_dataDir).absolutePath();
    syncFolder(parent, false);
    if (!hadFolder)
        return Ok{};

    // What is not state stays: logs, an edgedesk.jsonc the archive does not replace, anything
    // else a user keeps in the folder.
    QStringList skip = StateLayout::stateFolders();
    skip.append(DataFolderLock::fileName());
    if (m_restoredConfig)
        skip.append(StateLayout::dataConfigName());
    const QDir previous(m_previous);
    QStringList stuck;
    for (const QString &name : previous.entryList(QDir::AllEntries | QDir::Hidden | QDir::System |
                                                  QDir::NoDotAndDotDot)) {
        if (skip.contains(name))
            continue;
        if (!renamePath(previous.filePath(name), QDir(m_dataDir).filePath(name)))
            stuck.append(name);
    }
    if (!stuck.isEmpty()) {
        m_notes.append(QStringLiteral("The previous data folder was kept at %1: %2 could not be "
                                      "moved into the new one.")
                           .arg(m_previous, stuck.join(QStringLiteral(", "))));
        return Ok{};
    }
    if (!QDir(m_previous).removeRecursively())
        m_notes.append(
            QStringLiteral("The previous data folder %1 could not be removed.").arg(m_previous));
    syncFolder(parent, false);
    return Ok{};
}

Result<StateImportSummary> ImportJob::run()
{
    if (m_options.dataDir.isEmpty())
        return makeError(QStringLiteral("bad_request"), QStringLiteral("no data folder given"));
    m_dataDir = QDir(m_options.dataDir).absolutePath();
    // A data folder reached through a symbolic link is swapped where it really is; the link
    // keeps pointing at it.
    if (const QString real = QFileInfo(m_dataDir).canonicalFilePath(); !real.isEmpty())
        m_dataDir = real;
    m_previous = StateImporter::previousPath(m_dataDir);
    if (QFileInfo::exists(m_previous))
        return unchanged(makeError(QStringLiteral("conflict"),
                                   QStringLiteral("%1 exists (left by an import that did not "
                                                  "finish); move it away first")
                                       .arg(m_previous)));
    if (QFileInfo(m_dataDir).isDir()) {
        auto lock = DataFolderLock::acquire(m_dataDir);
        if (!lock)
            return unchanged(lock.error());
        m_lock = std::move(*lock);
    }

    auto archive = openArchive(QFileInfo(m_options.archivePath).absoluteFilePath());
    if (!archive)
        return unchanged(archive.error());
    m_archive = std::move(*archive);

    const QFileInfo data(m_dataDir);
    if (!QDir().mkpath(data.absolutePath()))
        return storageError(QStringLiteral("cannot create %1").arg(data.absolutePath()));
    m_staging =
        std::make_unique<QTemporaryDir>(data.absolutePath() + QStringLiteral("/.") +
                                        data.fileName() + QStringLiteral(".importing-XXXXXX"));
    if (!m_staging->isValid())
        return storageError(QStringLiteral("cannot create a folder beside %1: %2")
                                .arg(m_dataDir, m_staging->errorString()));
    if (data.isDir())
        QFile::setPermissions(m_staging->path(), data.permissions());

    if (auto st = unpack(); !st)
        return unchanged(st.error());
    if (auto st = checkDatabases(); !st)
        return unchanged(st.error());
    if (auto st = settleSecrets(); !st)
        return unchanged(st.error());
    if (auto st = settleConfig(); !st)
        return unchanged(st.error());
    if (m_progress && !m_progress(m_archive.reader->totalBytes(), m_archive.reader->totalBytes(),
                                  QStringLiteral("replacing the data folder")))
        return cancelled();
    m_archive.reader.reset(); // the archive file is closed before the folders move
    if (auto st = swap(); !st)
        return st.error();

    StateImportSummary summary;
    summary.dataDir = m_dataDir;
    summary.manifest = m_archive.manifest;
    summary.notes = m_notes;
    qCInfo(lcArchive).noquote() << "imported" << m_options.archivePath << "into" << m_dataDir;
    for (const QString &note : m_notes)
        qCInfo(lcArchive).noquote() << "import:" << note;
    return summary;
}

} // namespace

QString StateImporter::previousPath(const QString &dataDir)
{
    QString path = QDir(dataDir).absolutePath();
    return path + QStringLiteral(".previous");
}

Result<StateImportSummary> StateImporter::importState(const StateImportOptions &options,
                                                      const ArchiveProgress &progress)
{
    ImportJob job(options, progress);
    return job.run();
}

Result<StateManifest> StateImporter::readManifest(const QString &archivePath)
{
    auto archive = openArchive(QFileInfo(archivePath).absoluteFilePath());
    if (!archive)
        return archive.error();
    return std::move(archive->manifest);
}

} // namespace edgedesk
