#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>
#include <QVariant>

#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace edgedesk {

class SqliteStatement;

// One SQLite connection. Not thread-safe: a connection belongs to one thread at a time (open one
// per thread, or guard it with a mutex). Opened in WAL mode with a busy timeout, so one writer and
// many readers on other connections get along.
class SqliteDb final
{
public:
    SqliteDb();
    ~SqliteDb();
    SqliteDb(const SqliteDb &) = delete;
    SqliteDb &operator=(const SqliteDb &) = delete;
    SqliteDb(SqliteDb &&other) noexcept;
    SqliteDb &operator=(SqliteDb &&other) noexcept;

    enum class Mode
    {
        ReadWrite, // creates the file when missing
        ReadOnly
    };
    static Result<SqliteDb> open(const QString &path, Mode mode = Mode::ReadWrite);

    bool isOpen() const { return m_db != nullptr; }
    sqlite3 *handle() const { return m_db; }

    // Runs one or more statements without results (schema, pragmas).
    Status exec(const char *sql);
    // Prepares a statement; cached statements are reused (reset, bindings cleared) on each call.
    Result<SqliteStatement *> prepare(const char *sql);

    Status begin(); // BEGIN IMMEDIATE
    Status commit();
    void rollback();

    QString lastError() const;
    qint64 changes() const;

private:
    sqlite3 *m_db = nullptr;
    struct Cache;
    std::unique_ptr<Cache> m_cache;
};

// A prepared statement owned by its SqliteDb's cache. Bind with 1-based indexes.
class SqliteStatement final
{
public:
    explicit SqliteStatement(sqlite3_stmt *stmt) : m_stmt(stmt) {}
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    SqliteStatement &bind(int index, const QString &text);
    SqliteStatement &bind(int index, const QByteArray &blob);
    SqliteStatement &bind(int index, qint64 value);
    SqliteStatement &bind(int index, int value) { return bind(index, qint64(value)); }
    SqliteStatement &bind(int index, double value);
    SqliteStatement &bindNull(int index);

    // Steps once: true while a row is available. Errors end the iteration; see error().
    // A statement that stopped before its last row keeps a read snapshot: call reset().
    bool next();
    // Runs to completion (INSERT/UPDATE/DELETE). Returns false on error.
    bool run();
    void reset();

    QString text(int column) const;
    QByteArray blob(int column) const;
    qint64 int64(int column) const;
    double real(int column) const;
    bool isNull(int column) const;

    QString error() const { return m_error; }

private:
    sqlite3_stmt *m_stmt;
    QString m_error;
};

} // namespace edgedesk
