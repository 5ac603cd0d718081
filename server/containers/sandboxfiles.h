#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>

namespace edgedesk {

// Small kernel files the sandbox reads and writes: /proc entries and cgroup control files.

// At most 64 KiB of path; empty when it cannot be read.
QByteArray readSmallFile(const QString &path);

// One write(2) of value to a cgroup control file. cgroup files report errors (EBUSY, EINVAL)
// from write(2) itself, which QFile's buffering would hide.
Status writeControlFile(const QString &path, const QByteArray &value);

// Whether host uid `uid` (in no group of the path's owners) can reach path: every folder on the
// way searchable, and path itself readable (and, with executable, executable). What a bind
// source must be for a sandbox whose bwrap runs as that uid.
bool reachableByUid(const QString &path, quint32 uid, bool executable = false);

} // namespace edgedesk
