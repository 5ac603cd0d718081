#pragma once

#include "archive/archiveprogress.h"
#include "archive/statemanifest.h"
#include "util/result.h"

#include <QString>
#include <QStringList>

namespace edgedesk {

struct StateExportOptions
{
    QString dataDir;     // the data folder (absolute or relative)
    QString configPath;  // the --config file; empty: <data>/edgedesk.jsonc if any, else built-in
    QString archivePath; // the zip to write; an existing file is replaced only on success
    bool includeSecretKey = false;
};

struct StateExportSummary
{
    QString archivePath;
    qint64 archiveBytes = 0;
    StateManifest manifest;
    QStringList warnings; // objects that could not be exported as recorded
};

// Writes the state of a data folder to one zip (see StateLayout for what goes in, StateManifest
// for the manifest). Safe while a server uses the folder: every SQLite database is copied with
// the online backup API (one committed state each), and bucket objects are taken by the version
// the metadata copy names; when a newer version replaced a file after the copy was taken, the
// object is exported at that newer version (metadata row and bytes together), its bytes checked
// against the etag. The archive is written beside its final name and renamed into place, mode
// 0600: it holds the encrypted secrets (and, when asked, their key).
class StateExporter final
{
public:
    StateExporter() = delete;

    // Blocking; run it on a worker thread (or in a command-line tool). `cancelled` when
    // `progress` returns false; nothing is left behind then.
    static Result<StateExportSummary> exportState(const StateExportOptions &options,
                                                  const ArchiveProgress &progress = {});
    // One sentence for people: "3 KV pairs in 1 namespace, 2 objects (1.2 MiB) in 1 bucket, ..."
    static QString describe(const StateManifest &manifest);
};

} // namespace edgedesk
