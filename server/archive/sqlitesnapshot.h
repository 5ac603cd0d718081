#pragma once

#include "util/result.h"

#include <QString>

namespace edgedesk {

class SqliteDb;

// Consistent copies of SQLite databases that other connections (another process included) keep
// writing: SQLite's online backup API copies every page inside one read transaction, so the copy
// is exactly one committed state. The copy is a self-contained file (rollback journal, no -wal).
class SqliteSnapshot final
{
public:
    SqliteSnapshot() = delete;

    // Opens the existing database at `source` (never creates one) and copies it.
    static Status copy(const QString &source, const QString &destination);
    // Copies through an already open connection (whose other statements are done).
    static Status copy(SqliteDb &source, const QString &destination);
    // PRAGMA quick_check on a file; `unprocessable` naming `label` when it is not a sound
    // SQLite database.
    static Status check(const QString &path, const QString &label);
    // Rows of `table` (a fixed identifier, never user input); 0 when the table is missing.
    static Result<qint64> countRows(const QString &path, const char *table);
};

} // namespace edgedesk
