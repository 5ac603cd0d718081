#pragma once

#include <QMetaType>
#include <QString>

namespace edgedesk {

// One log line from the server (a Qt logging category) or a container instance (stdout/stderr).
struct LogEntry
{
    quint64 seq = 0;
    qint64 timeMs = 0;
    QString level;    // debug, info, warning, error
    QString source;   // "server", or "<binding>/<instance>" e.g. "BACKEND/instance-0"
    QString category; // e.g. "edgedesk.http", or "stdout"/"stderr" for instances
    QString message;
};

} // namespace edgedesk

Q_DECLARE_METATYPE(edgedesk::LogEntry)
