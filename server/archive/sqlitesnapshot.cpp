#include "archive/sqlitesnapshot.h"

#include "storage/sqlitedb.h"

#include <QFile>
#include <QFileInfo>
#include <QThread>

#include <sqlite3.h>

namespace edgedesk {

namespace {

constexpr int kBusyRetries = 50;

Error storageError(const QString &message)
{
    return makeError(QStringLiteral("storage_error"), message);
}

// A raw connection for the few things SqliteDb does not do (backup, pragmas with results).
class Connection final
{
public:
    Connection() = default;
    ~Connection()
    {
        if (m_db)
            sqlite3_close_v2(m_db);
    }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    Status open(const QString &path, int flags)
    {
        const int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, flags, nullptr);
        if (rc != SQLITE_OK)
            return storageError(QStringLiteral("cannot open %1: %2")
                                    .arg(path, m_db ? QString::fromUtf8(sqlite3_errmsg(m_db))
                                                    : QString::fromUtf8(sqlite3_errstr(rc))));
        sqlite3_busy_timeout(m_db, 5000);
        return Ok{};
    }
    sqlite3 *handle() const { return m_db; }
    QString error() const { return QString::fromUtf8(sqlite3_errmsg(m_db)); }

private:
    sqlite3 *m_db = nullptr;
};

Status backup(sqlite3 *source, const QString &sourceLabel, const QString &destination)
{
    QFile::remove(destination);
    Connection dest;
    if (auto st = dest.open(destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE); !st)
        return st;
    sqlite3_backup *job = sqlite3_backup_init(dest.handle(), "main", source, "main");
    if (!job)
        return storageError(
            QStringLiteral("cannot start copying %1: %2").arg(sourceLabel, dest.error()));
    int rc = SQLITE_OK;
    // -1: all pages in one step, hence in one read transaction of the source.
    for (int attempt = 0; attempt < kBusyRetries; ++attempt) {
        rc = sqlite3_backup_step(job, -1);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        QThread::msleep(100);
    }
    sqlite3_backup_finish(job);
    if (rc != SQLITE_DONE)
        return storageError(QStringLiteral("cannot copy %1: %2")
                                .arg(sourceLabel, QString::fromUtf8(sqlite3_errstr(rc))));
    // The copy carries the source's WAL flag; make it a single file that needs no -wal.
    if (sqlite3_exec(dest.handle(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) !=
        SQLITE_OK)
        return storageError(
            QStringLiteral("cannot finish the copy of %1: %2").arg(sourceLabel, dest.error()));
    return Ok{};
}

} // namespace

Status SqliteSnapshot::copy(const QString &source, const QString &destination)
{
    if (!QFileInfo(source).isFile())
        return makeError(QStringLiteral("not_found"), QStringLiteral("%1 is missing").arg(source));
    Connection src;
    // Read-write although nothing is written: a read-only connection to a WAL database leaves
    // -wal/-shm files behind when it is the last one, a read-write one checkpoints and removes
    // them as any EdgeDesk connection would.
    if (auto st = src.open(source, SQLITE_OPEN_READWRITE); !st)
        return st;
    return backup(src.handle(), source, destination);
}

Status SqliteSnapshot::copy(SqliteDb &source, const QString &destination)
{
    return backup(source.handle(), QStringLiteral("a database"), destination);
}

Status SqliteSnapshot::check(const QString &path, const QString &label)
{
    Connection db;
    if (auto st = db.open(path, SQLITE_OPEN_READONLY); !st)
        return makeError(QStringLiteral("unprocessable"),
                         QStringLiteral("%1 is not a SQLite database").arg(label));
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db.handle(), "PRAGMA quick_check", -1, &stmt, nullptr) != SQLITE_OK)
        return makeError(QStringLiteral("unprocessable"),
                         QStringLiteral("%1 is not a SQLite database (%2)").arg(label, db.error()));
    QString verdict;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        verdict = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
    else
        verdict = db.error();
    sqlite3_finalize(stmt);
    if (verdict != QLatin1String("ok"))
        return makeError(
            QStringLiteral("unprocessable"),
            QStringLiteral("%1 is a damaged SQLite database (%2)").arg(label, verdict));
    return Ok{};
}

Result<qint64> SqliteSnapshot::countRows(const QString &path, const char *table)
{
    Connection db;
    if (auto st = db.open(path, SQLITE_OPEN_READONLY); !st)
        return st.error();
    sqlite3_stmt *exists = nullptr;
    sqlite3_prepare_v2(db.handle(),
                       "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1,
                       &exists, nullptr);
    if (!exists)
        return storageError(db.error());
    sqlite3_bind_text(exists, 1, table, -1, SQLITE_STATIC);
    const bool present = sqlite3_step(exists) == SQLITE_ROW;
    sqlite3_finalize(exists);
    if (!present)
        return qint64(0);
    const QByteArray sql = QByteArrayLiteral("SELECT count(*) FROM \"") + table + "\"";
    sqlite3_stmt *count = nullptr;
    if (sqlite3_prepare_v2(db.handle(), sql.constData(), -1, &count, nullptr) != SQLITE_OK)
        return storageError(db.error());
    qint64 rows = 0;
    if (sqlite3_step(count) == SQLITE_ROW)
        rows = sqlite3_column_int64(count, 0);
    sqlite3_finalize(count);
    return rows;
}

} // namespace edgedesk
