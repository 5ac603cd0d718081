#include "storage/sqlitedb.h"

#include <sqlite3.h>

#include <unordered_map>

namespace edgedesk {

struct SqliteDb::Cache
{
    std::unordered_map<const char *, std::unique_ptr<SqliteStatement>> statements;
};

SqliteDb::SqliteDb() = default;

SqliteDb::~SqliteDb()
{
    m_cache.reset(); // finalize statements before closing
    if (m_db)
        sqlite3_close_v2(m_db);
}

SqliteDb::SqliteDb(SqliteDb &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_cache(std::move(other.m_cache))
{}

SqliteDb &SqliteDb::operator=(SqliteDb &&other) noexcept
{
    if (this != &other) {
        m_cache.reset();
        if (m_db)
            sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_cache = std::move(other.m_cache);
    }
    return *this;
}

Result<SqliteDb> SqliteDb::open(const QString &path, Mode mode)
{
    SqliteDb db;
    const int flags = (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY
                                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &db.m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString message = db.m_db ? QString::fromUtf8(sqlite3_errmsg(db.m_db))
                                        : QString::fromUtf8(sqlite3_errstr(rc));
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot open %1: %2").arg(path, message));
    }
    db.m_cache = std::make_unique<Cache>();
    sqlite3_busy_timeout(db.m_db, 5000);
    sqlite3_extended_result_codes(db.m_db, 1);
    if (mode == Mode::ReadWrite) {
        // WAL: readers never block the writer. synchronous=NORMAL keeps every committed
        // transaction across a crash of the process (kill -9); only a power loss can drop
        // the last transactions, never corrupt the file.
        if (auto st = db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                              "PRAGMA foreign_keys=ON;");
            !st)
            return st.error();
    }
    return db;
}

Status SqliteDb::exec(const char *sql)
{
    char *err = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        const QString message = QString::fromUtf8(err ? err : "unknown error");
        sqlite3_free(err);
        return makeError(QStringLiteral("storage_error"), message);
    }
    return Ok{};
}

Result<SqliteStatement *> SqliteDb::prepare(const char *sql)
{
    auto it = m_cache->statements.find(sql);
    if (it != m_cache->statements.end()) {
        it->second->reset();
        return it->second.get();
    }
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        return makeError(QStringLiteral("storage_error"), lastError());
    }
    auto owned = std::make_unique<SqliteStatement>(stmt);
    auto *raw = owned.get();
    m_cache->statements.emplace(sql, std::move(owned));
    return raw;
}

Status SqliteDb::begin()
{
    return exec("BEGIN IMMEDIATE");
}

Status SqliteDb::commit()
{
    return exec("COMMIT");
}

void SqliteDb::rollback()
{
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

QString SqliteDb::lastError() const
{
    return m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("not open");
}

qint64 SqliteDb::changes() const
{
    return sqlite3_changes64(m_db);
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

SqliteStatement &SqliteStatement::bind(int index, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    sqlite3_bind_text64(m_stmt, index, utf8.constData(), sqlite3_uint64(utf8.size()),
                        SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, const QByteArray &blob)
{
    // An empty QByteArray still binds a zero-length blob, not NULL.
    sqlite3_bind_blob64(m_stmt, index, blob.constData() ? blob.constData() : "",
                        sqlite3_uint64(blob.size()), SQLITE_TRANSIENT);
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

SqliteStatement &SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

bool SqliteStatement::next()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        m_error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_stmt)));
    // Reset at the end so that no finished statement holds a WAL read snapshot open.
    sqlite3_reset(m_stmt);
    return false;
}

bool SqliteStatement::run()
{
    m_error.clear();
    while (next()) {
    }
    const bool ok = m_error.isEmpty();
    sqlite3_reset(m_stmt);
    return ok;
}

void SqliteStatement::reset()
{
    m_error.clear();
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

QString SqliteStatement::text(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, column)) : QString();
}

QByteArray SqliteStatement::blob(int column) const
{
    const void *p = sqlite3_column_blob(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? QByteArray(static_cast<const char *>(p), n) : QByteArray("");
}

qint64 SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double SqliteStatement::real(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

} // namespace edgedesk
