#pragma once

#include <QString>

namespace edgedesk {

// Temporary folders named after the process that made them: <tempDir>/<prefix>-<pid>-XXXXXX.
// What the process's children use lives there, and they die with it; when a kill -9 leaves such
// a folder behind, the next process removes it.

// Makes a new folder <tempDir>/<prefix>-<our pid>-XXXXXX with mode 0700; empty on failure.
QString makeProcessTempFolder(const QString &tempDir, const QString &prefix);

// Removes the folders <prefix>-<pid>-XXXXXX in `tempDir` that belong to us (owner) and whose
// process is gone. With `legacyMaxAgeSecs` > 0, folders of the older form <prefix>-XXXXXX
// last modified longer ago than that go too. Returns how many were removed.
int removeTempFoldersOfGoneProcesses(const QString &tempDir, const QString &prefix,
                                     qint64 legacyMaxAgeSecs = 0);

} // namespace edgedesk
