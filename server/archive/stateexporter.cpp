#include "archive/stateexporter.h"

#include "archive/archivelog.h"
#include "archive/sqlitesnapshot.h"
#include "archive/statelayout.h"
#include "archive/zipwriter.h"
#include "config/edgeconfig.h"
#include "edgedesk/version.h"
#include "storage/sqlitedb.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QTemporaryDir>
#include <QTemporaryFile>

#include <cstdio>
#include <unistd.h>

namespace edgedesk {

namespace {

constexpr int kObjectRetries = 5;

const char *const kSnapshotRows =
    "SELECT key, size, etag, content_type, file FROM objects ORDER BY key";
const char *const kLiveRow = "SELECT size, etag, content_type, uploaded_ms, custom_metadata, file "
                             "FROM objects WHERE key = ?1";
const char *const kUpdateRow =
    "UPDATE objects SET size = ?2, etag = ?3, content_type = ?4, uploaded_ms = ?5, "
    "custom_metadata = ?6, file = ?7 WHERE key = ?1";
const char *const kDeleteRow = "DELETE FROM objects WHERE key = ?1";

Error cancelled()
{
    return makeError(QStringLiteral("cancelled"), QStringLiteral("the export was cancelled"));
}

// Formats whose bytes are already compressed: deflating them again only costs time.
bool isCompressedType(const QString &contentType)
{
    static const QStringList types{
        QStringLiteral("image/jpeg"),      QStringLiteral("image/png"),
        QStringLiteral("image/gif"),       QStringLiteral("image/webp"),
        QStringLiteral("image/avif"),      QStringLiteral("image/heic"),
        QStringLiteral("application/zip"), QStringLiteral("application/gzip"),
        QStringLiteral("application/x-xz")};
    const QString type = contentType.section(u';', 0, 0).trimmed().toLower();
    return types.contains(type) || type.startsWith(u"video/") || type.startsWith(u"audio/");
}

struct Snapshot
{
    QString entry;     // name in the archive
    QString copy;      // the consistent copy in the scratch folder
    const char *table; // rows to count, or null
    bool secret = false;
};

struct ObjectRow
{
    QString key;
    qint64 size = 0;
    QString etag;
    QString contentType;
    QString file;
};

struct BucketPlan
{
    QString binding;
    QString root;
    QString copy; // metadata copy, fixed up as objects are taken
    std::unique_ptr<SqliteDb> live;
    QList<ObjectRow> rows;
};

class ExportJob
{
public:
    ExportJob(const StateExportOptions &options, const ArchiveProgress &progress)
        : m_options(options), m_progress(progress)
    {}

    Result<StateExportSummary> run();

private:
    Status readConfig();
    Status planDatabases();
    Status planBuckets();
    Status writeBucket(BucketPlan &bucket);
    Status record(const Result<ZipWriter::Written> &written);
    bool advance(qint64 bytes, const QString &step);
    QString scratchFile();

    StateExportOptions m_options;
    ArchiveProgress m_progress;
    QString m_dataDir;
    std::unique_ptr<QTemporaryDir> m_scratch;
    int m_scratchFiles = 0;
    // Before m_zip: the writer goes first, it may still write to the file when dropped.
    std::unique_ptr<QTemporaryFile> m_out;
    std::unique_ptr<ZipWriter> m_zip;
    StateManifest m_manifest;
    QStringList m_warnings;
    QByteArray m_config;
    QList<Snapshot> m_snapshots;
    std::vector<BucketPlan> m_buckets;
    qint64 m_done = 0;
    qint64 m_total = 0;
};

bool ExportJob::advance(qint64 bytes, const QString &step)
{
    m_done += bytes;
    return !m_progress || m_progress(m_done, m_total, step);
}

QString ExportJob::scratchFile()
{
    return m_scratch->filePath(QStringLiteral("copy-%1.sqlite").arg(m_scratchFiles++));
}

Status ExportJob::record(const Result<ZipWriter::Written> &written)
{
    if (!written)
        return written.error();
    m_manifest.entries.append({written->name, written->size, written->sha256});
    return Ok{};
}

Status ExportJob::readConfig()
{
    QString path = m_options.configPath;
    if (!path.isEmpty()) {
        m_manifest.configSource = QStringLiteral("file");
        m_manifest.configPath = QFileInfo(path).absoluteFilePath();
    } else if (const QString inData = QDir(m_dataDir).filePath(StateLayout::dataConfigName());
               QFileInfo(inData).isFile()) {
        path = inData;
        m_manifest.configSource = QStringLiteral("data");
    } else {
        path = ConfigLoader::builtinPath();
        m_manifest.configSource = QStringLiteral("builtin");
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            QStringLiteral("storage_error"),
            QStringLiteral("cannot read the configuration %1: %2").arg(path, file.errorString()));
    m_config = file.readAll();
    return Ok{};
}

Status ExportJob::planDatabases()
{
    const QDir data(m_dataDir);
    QList<Snapshot> wanted;
    const QDir kv(data.filePath(QStringLiteral("kv")));
    for (const QString &name :
         kv.entryList({QStringLiteral("*.sqlite")}, QDir::Files | QDir::Hidden, QDir::Name)) {
        if (StateLayout::isPlainName(name))
            wanted.append({QStringLiteral("kv/") + name, kv.filePath(name), "kv"});
        else
            m_warnings.append(QStringLiteral("skipped kv/%1: not a name EdgeDesk makes").arg(name));
    }
    const QDir durable(data.filePath(QStringLiteral("durable")));
    for (const QString &cls : durable.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QDir folder(durable.filePath(cls));
        for (const QString &name :
             folder.entryList({QStringLiteral("*.sqlite")}, QDir::Files, QDir::Name)) {
            const QString entry = QStringLiteral("durable/%1/%2").arg(cls, name);
            if (StateLayout::kindOf(entry) == StateLayout::Kind::Durable)
                wanted.append({entry, folder.filePath(name), "storage"});
            else
                m_warnings.append(
                    QStringLiteral("skipped %1: not a name EdgeDesk makes").arg(entry));
        }
    }
    const QString secrets = data.filePath(StateLayout::secretsStoreEntry());
    if (QFileInfo(secrets).isFile())
        wanted.append({StateLayout::secretsStoreEntry(), secrets, "secrets", true});

    for (Snapshot s : wanted) {
        const QString copy = scratchFile();
        if (auto st = SqliteSnapshot::copy(s.copy, copy); !st)
            return st;
        s.copy = copy;
        m_total += QFileInfo(copy).size();
        m_snapshots.append(s);
    }
    return Ok{};
}

Status ExportJob::planBuckets()
{
    const QDir r2(QDir(m_dataDir).filePath(QStringLiteral("r2")));
    for (const QString &binding : r2.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString root = r2.filePath(binding);
        const QString meta = QDir(root).filePath(QStringLiteral("meta.sqlite"));
        if (!QFileInfo(meta).isFile())
            continue;
        if (!StateLayout::isPlainName(binding)) {
            m_warnings.append(
                QStringLiteral("skipped r2/%1: not a name EdgeDesk makes").arg(binding));
            continue;
        }
        BucketPlan plan;
        plan.binding = binding;
        plan.root = root;
        plan.copy = scratchFile();
        auto live = SqliteDb::open(meta);
        if (!live)
            return live.error();
        plan.live = std::make_unique<SqliteDb>(std::move(*live));
        if (auto st = SqliteSnapshot::copy(*plan.live, plan.copy); !st)
            return st;
        auto snap = SqliteDb::open(plan.copy);
        if (!snap)
            return snap.error();
        auto rows = snap->prepare(kSnapshotRows);
        if (!rows)
            return rows.error();
        while ((*rows)->next()) {
            ObjectRow row{(*rows)->text(0), (*rows)->int64(1), (*rows)->text(2), (*rows)->text(3),
                          (*rows)->text(4)};
            m_total += row.size;
            plan.rows.append(row);
        }
        if (!(*rows)->error().isEmpty())
            return makeError(
                QStringLiteral("storage_error"),
                QStringLiteral("cannot list bucket %1: %2").arg(binding, (*rows)->error()));
        (*rows)->reset();
        m_buckets.push_back(std::move(plan));
    }
    return Ok{};
}

Status ExportJob::writeBucket(BucketPlan &bucket)
{
    auto opened = SqliteDb::open(bucket.copy);
    if (!opened)
        return opened.error();
    SqliteDb snap = std::move(*opened);
    // The copy leaves as one self-contained file, like every other database in the archive.
    if (auto st = snap.exec("PRAGMA journal_mode=DELETE"); !st)
        return st;
    auto dropRow = [&snap](const QString &key) -> Status {
        auto del = snap.prepare(kDeleteRow);
        if (!del)
            return del.error();
        (*del)->bind(1, key);
        if (!(*del)->run())
            return makeError(QStringLiteral("storage_error"), (*del)->error());
        return Ok{};
    };

    qint64 objects = 0;
    qint64 bytes = 0;
    for (ObjectRow row : bucket.rows) {
        const qint64 plannedSize = row.size;
        const QString label =
            QStringLiteral("object '%1' of bucket %2").arg(row.key, bucket.binding);
        std::unique_ptr<QFile> file;
        bool skip = false;
        for (int attempt = 0;; ++attempt) {
            if (!StateLayout::isObjectPath(row.file)) {
                m_warnings.append(QStringLiteral("skipped %1: its file name '%2' is not one "
                                                 "EdgeDesk makes")
                                      .arg(label, row.file));
                skip = true;
                break;
            }
            file = std::make_unique<QFile>(QDir(bucket.root).filePath(row.file));
            if (file->open(QIODevice::ReadOnly))
                break;
            if (attempt == kObjectRetries) {
                m_warnings.append(
                    QStringLiteral("skipped %1: its file %2 is missing").arg(label, row.file));
                skip = true;
                break;
            }
            // The version the copy names was replaced (or the object deleted) after the copy
            // was taken: its file is gone. Take the version that replaced it, row and bytes.
            auto live = bucket.live->prepare(kLiveRow);
            if (!live)
                return live.error();
            (*live)->bind(1, row.key);
            if (!(*live)->next()) {
                (*live)->reset();
                skip = true;
                break;
            }
            qCDebug(lcArchive).noquote() << label
                                         << "changed during the export; taking the "
                                            "version that replaced it";
            auto update = snap.prepare(kUpdateRow);
            if (!update)
                return update.error();
            row.size = (*live)->int64(0);
            row.etag = (*live)->text(1);
            row.contentType = (*live)->text(2);
            row.file = (*live)->text(5);
            (*update)
                ->bind(1, row.key)
                .bind(2, row.size)
                .bind(3, row.etag)
                .bind(4, row.contentType)
                .bind(5, (*live)->int64(3))
                .bind(6, (*live)->text(4))
                .bind(7, row.file);
            (*live)->reset();
            if (!(*update)->run())
                return makeError(QStringLiteral("storage_error"), (*update)->error());
        }
        if (skip) {
            if (auto st = dropRow(row.key); !st)
                return st;
            if (!advance(plannedSize, label))
                return cancelled();
            continue;
        }
        QCryptographicHash md5(QCryptographicHash::Md5);
        auto written =
            m_zip->addDevice(QStringLiteral("r2/%1/%2").arg(bucket.binding, row.file), file.get(),
                             isCompressedType(row.contentType) ? ZipWriter::Compression::Store
                                                               : ZipWriter::Compression::Auto,
                             ZipWriter::kShared, QDateTime(), &md5);
        if (auto st = record(written); !st)
            return st;
        if (written->size != row.size || QString::fromLatin1(md5.result().toHex()) != row.etag)
            m_warnings.append(QStringLiteral("%1 does not match its recorded size and etag: "
                                             "its file may be damaged (exported as it is)")
                                  .arg(label));
        ++objects;
        bytes += written->size;
        if (!advance(written->size, label))
            return cancelled();
    }
    snap = SqliteDb(); // closed: the file is complete

    QFile meta(bucket.copy);
    if (!meta.open(QIODevice::ReadOnly))
        return makeError(
            QStringLiteral("storage_error"),
            QStringLiteral("cannot read the metadata copy of bucket %1").arg(bucket.binding));
    if (auto st = record(
            m_zip->addDevice(QStringLiteral("r2/%1/meta.sqlite").arg(bucket.binding), &meta));
        !st)
        return st;
    m_manifest.counts.insert(QStringLiteral("objects"),
                             m_manifest.counts.value(QStringLiteral("objects")).toDouble() +
                                 double(objects));
    m_manifest.counts.insert(QStringLiteral("object_bytes"),
                             m_manifest.counts.value(QStringLiteral("object_bytes")).toDouble() +
                                 double(bytes));
    bucket.live.reset();
    return Ok{};
}

Result<StateExportSummary> ExportJob::run()
{
    m_dataDir = QDir(m_options.dataDir).absolutePath();
    if (m_options.dataDir.isEmpty() || !QFileInfo(m_dataDir).isDir())
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("there is no data folder at %1").arg(m_dataDir));
    if (m_options.archivePath.isEmpty())
        return makeError(QStringLiteral("bad_request"), QStringLiteral("no archive file given"));
    const QFileInfo target(m_options.archivePath);
    const QString archivePath = target.absoluteFilePath();
    const QString archiveDir = target.absolutePath();
    if (!QFileInfo(archiveDir).isDir())
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("the folder %1 does not exist").arg(archiveDir));

    m_manifest.edgedeskVersion = QStringLiteral(EDGEDESK_VERSION);
    m_manifest.created = QDateTime::currentDateTimeUtc();
    if (auto st = readConfig(); !st)
        return st.error();

    // Copies go beside the archive (same disk, which must hold the archive anyway), not /tmp.
    m_scratch =
        std::make_unique<QTemporaryDir>(archiveDir + QStringLiteral("/.edgedesk-export-XXXXXX"));
    if (!m_scratch->isValid())
        m_scratch = std::make_unique<QTemporaryDir>();
    if (!m_scratch->isValid())
        return makeError(
            QStringLiteral("storage_error"),
            QStringLiteral("cannot create a scratch folder: %1").arg(m_scratch->errorString()));
    if (m_progress && !m_progress(0, 0, QStringLiteral("copying databases")))
        return cancelled();
    if (auto st = planDatabases(); !st)
        return st.error();
    if (auto st = planBuckets(); !st)
        return st.error();

    QByteArray key;
    const QString keyPath = QDir(m_dataDir).filePath(StateLayout::secretsKeyEntry());
    if (m_options.includeSecretKey && QFileInfo(keyPath).isFile()) {
        QFile keyFile(keyPath);
        if (!keyFile.open(QIODevice::ReadOnly))
            return makeError(
                QStringLiteral("storage_error"),
                QStringLiteral("cannot read %1: %2").arg(keyPath, keyFile.errorString()));
        key = keyFile.readAll();
    }
    m_total += m_config.size() + key.size();
    const qint64 importLimit = 4LL * 1024 * 1024 * 1024;
    if (m_total > importLimit)
        return makeError(QStringLiteral("payload_too_large"),
                         QStringLiteral("the state holds %1 bytes; an archive may hold at most "
                                        "4 GiB, the most an import accepts")
                             .arg(m_total));

    m_out = std::make_unique<QTemporaryFile>(archiveDir + QLatin1Char('/') + target.fileName() +
                                             QStringLiteral(".XXXXXX.part"));
    QTemporaryFile &out = *m_out;
    if (!out.open())
        return makeError(
            QStringLiteral("storage_error"),
            QStringLiteral("cannot create %1: %2").arg(archivePath, out.errorString()));
    auto zip = ZipWriter::create(&out);
    if (!zip)
        return zip.error();
    m_zip = std::move(*zip);

    if (auto st = record(m_zip->addBytes(StateLayout::configEntry(), m_config)); !st)
        return st.error();
    if (!advance(m_config.size(), QStringLiteral("configuration")))
        return cancelled();

    qint64 kvNamespaces = 0, kvPairs = 0, durableStores = 0, durableValues = 0, secrets = 0;
    for (const Snapshot &s : m_snapshots) {
        auto rows = SqliteSnapshot::countRows(s.copy, s.table);
        if (!rows)
            return rows.error();
        const StateLayout::Kind kind = StateLayout::kindOf(s.entry);
        if (kind == StateLayout::Kind::Kv) {
            ++kvNamespaces;
            kvPairs += *rows;
        } else if (kind == StateLayout::Kind::Durable) {
            ++durableStores;
            durableValues += *rows;
        } else {
            secrets += *rows;
        }
        QFile copy(s.copy);
        if (!copy.open(QIODevice::ReadOnly))
            return makeError(QStringLiteral("storage_error"),
                             QStringLiteral("cannot read the copy of %1").arg(s.entry));
        auto written = m_zip->addDevice(s.entry, &copy, ZipWriter::Compression::Auto,
                                        s.secret ? ZipWriter::kPrivate : ZipWriter::kShared);
        if (auto st = record(written); !st)
            return st.error();
        if (!advance(written->size, s.entry))
            return cancelled();
    }
    if (!key.isEmpty()) {
        if (auto st = record(m_zip->addBytes(StateLayout::secretsKeyEntry(), key,
                                             ZipWriter::Compression::Store, ZipWriter::kPrivate));
            !st)
            return st.error();
        m_manifest.includesSecretKey = true;
        advance(key.size(), StateLayout::secretsKeyEntry());
    }
    for (BucketPlan &bucket : m_buckets) {
        if (auto st = writeBucket(bucket); !st)
            return st.error();
    }

    QJsonObject &c = m_manifest.counts;
    c.insert(QStringLiteral("kv_namespaces"), double(kvNamespaces));
    c.insert(QStringLiteral("kv_pairs"), double(kvPairs));
    c.insert(QStringLiteral("buckets"), double(m_buckets.size()));
    if (!c.contains(QStringLiteral("objects")))
        c.insert(QStringLiteral("objects"), 0);
    if (!c.contains(QStringLiteral("object_bytes")))
        c.insert(QStringLiteral("object_bytes"), 0);
    c.insert(QStringLiteral("durable_stores"), double(durableStores));
    c.insert(QStringLiteral("durable_values"), double(durableValues));
    c.insert(QStringLiteral("secrets"), double(secrets));
    c.insert(QStringLiteral("entries"), double(m_manifest.entries.size()));
    if (auto written = m_zip->addBytes(StateManifest::fileName(), m_manifest.toJson()); !written)
        return written.error();
    if (auto st = m_zip->close(); !st)
        return st.error();
    m_zip.reset();

    if (!out.flush() || ::fsync(out.handle()) != 0)
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot write %1 (is the disk full?)").arg(archivePath));
    const qint64 archiveBytes = out.size();
    out.close();
    if (::rename(QFile::encodeName(out.fileName()).constData(),
                 QFile::encodeName(archivePath).constData()) != 0)
        return makeError(
            QStringLiteral("storage_error"),
            QStringLiteral("cannot move the archive into place at %1").arg(archivePath));
    out.setAutoRemove(false);

    StateExportSummary summary;
    summary.archivePath = archivePath;
    summary.archiveBytes = archiveBytes;
    summary.manifest = m_manifest;
    summary.warnings = m_warnings;
    for (const QString &w : m_warnings)
        qCWarning(lcArchive).noquote() << "export:" << w;
    qCInfo(lcArchive).noquote() << "exported" << m_dataDir << "to" << archivePath << "("
                                << m_manifest.entries.size() << "entries)";
    return summary;
}

QString formatBytes(double bytes)
{
    return QLocale::c().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeTraditionalFormat);
}

QString plural(qint64 n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

} // namespace

Result<StateExportSummary> StateExporter::exportState(const StateExportOptions &options,
                                                      const ArchiveProgress &progress)
{
    ExportJob job(options, progress);
    return job.run();
}

QString StateExporter::describe(const StateManifest &m)
{
    auto n = [&m](const char *name) {
        return qint64(m.counts.value(QLatin1String(name)).toDouble());
    };
    QString config;
    if (m.configSource == QLatin1String("builtin"))
        config = QStringLiteral("the built-in configuration");
    else if (m.configSource == QLatin1String("data"))
        config = QStringLiteral("the data folder's edgedesk.jsonc");
    else
        config = QStringLiteral("the configuration %1").arg(m.configPath);
    return QStringLiteral("%1 in %2, %3 (%4) in %5, %6 in %7, %8 (%9), and %10")
        .arg(plural(n("kv_pairs"), QStringLiteral("KV pair"), QStringLiteral("KV pairs")),
             plural(n("kv_namespaces"), QStringLiteral("namespace"), QStringLiteral("namespaces")),
             plural(n("objects"), QStringLiteral("object"), QStringLiteral("objects")),
             formatBytes(double(n("object_bytes"))),
             plural(n("buckets"), QStringLiteral("bucket"), QStringLiteral("buckets")),
             plural(n("durable_values"), QStringLiteral("durable value"),
                    QStringLiteral("durable values")),
             plural(n("durable_stores"), QStringLiteral("store"), QStringLiteral("stores")),
             plural(n("secrets"), QStringLiteral("secret"), QStringLiteral("secrets")),
             m.includesSecretKey ? QStringLiteral("key included")
                                 : QStringLiteral("key not included"))
        .arg(config);
}

} // namespace edgedesk
