#pragma once

#include "archive/archiveprogress.h"
#include "archive/statemanifest.h"
#include "util/result.h"

#include <QString>
#include <QStringList>

namespace edgedesk {

struct StateImportOptions
{
    QString archivePath;
    QString dataDir; // replaced by the archive's state; created when missing
};

struct StateImportSummary
{
    QString dataDir;
    StateManifest manifest;
    QStringList notes; // what the user must know: a missing secrets key, a configuration kept
};

// Replaces the state of a data folder with a state archive, all or nothing:
//  1. takes the data folder's lock (`conflict` while a server or another import holds it);
//  2. checks the archive as a whole (ZipReader's rules), reads manifest.json, and requires the
//     archive's entries and the manifest's to match one for one, each a StateLayout name;
//  3. unpacks every entry into a new folder beside the data folder, comparing each entry's
//     SHA-256 with the manifest, and checks every database (quick_check) and every object the
//     bucket metadata names;
//  4. only then swaps: <data> becomes <data>.previous, the new folder becomes <data>, what is not
//     state (logs, an edgedesk.jsonc the archive does not replace) moves over, and <data>.previous
//     is deleted. If the second rename fails, the first is undone.
// Any failure before the swap leaves the data folder exactly as it was; the error names the
// entry. Without secrets.key in the archive, the folder's existing key is kept, and a note says
// whether it opens the restored store or that the original key is needed.
class StateImporter final
{
public:
    StateImporter() = delete;

    // Blocking; run it on a worker thread or in a command-line tool, never while a server in
    // this process uses the folder (the lock refuses that too). `cancelled` when `progress`
    // returns false, which it may do only before the swap.
    static Result<StateImportSummary> importState(const StateImportOptions &options,
                                                  const ArchiveProgress &progress = {});
    // The archive's manifest after the structural checks, without unpacking anything: what a
    // confirmation dialog shows.
    static Result<StateManifest> readManifest(const QString &archivePath);
    // <data>.previous: where the old folder waits while the new one is swapped in.
    static QString previousPath(const QString &dataDir);
};

} // namespace edgedesk
