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

} // namespace edgedesk
